// The form model over the sandbox's real OpenAPI documents, fetched with the client's `schema()` over
// loopback: each field of sandbox/compose (and of sandbox/image, image-to-image, audio) gets the
// control it should, in fal's order, the hidden field skipped; the document carries `$ref`s and
// `x-fal-order-properties` as fal's do, and the client inlines them. Then sandbox/compose itself:
// a valid input echoed with defaults, bad ones 422 at the right `loc`.
import * as assert from 'node:assert/strict';
import { defaultsOf, exampleOf, formFields, getField, type FormField } from '../../src/common/schemaForm';
import { useSandboxClient } from './clientSandbox';
import { call } from './sandbox-helpers';

/** `name:kind` (plus `/media` and `~slider`) of each field, to compare in one line. */
function shape(fields: readonly FormField[]): string[] {
  return fields.map(
    (f) =>
      `${f.name}:${f.kind}${f.media ? `/${f.media}` : ''}${f.slider ? '~slider' : ''}${f.required ? '*' : ''}`,
  );
}

describe('schemaForm over the sandbox endpoints', () => {
  const h = useSandboxClient();

  it('serves sandbox/compose with $refs and x-fal-order-properties, which the client inlines', async () => {
    const doc = await call(h.sandbox.url, '/openapi/queue/openapi.json?endpoint_id=sandbox/compose', {
      key: null,
    });
    assert.equal(doc.status, 200);
    const schemas = doc.json.components.schemas;
    const raw = schemas.SandboxComposeInput;
    assert.equal(raw['x-fal-order-properties'][0], 'prompt');
    assert.equal(raw.properties.image_size.anyOf[0].$ref, '#/components/schemas/ImageSize');
    assert.equal(raw.properties.loras.items.$ref, '#/components/schemas/LoraWeight');
    assert.equal(raw.properties.style.$ref, '#/components/schemas/StyleOptions');
    assert.equal(
      doc.json.paths['/sandbox/compose'].post.requestBody.content['application/json'].schema.$ref,
      '#/components/schemas/SandboxComposeInput',
    );
    const schema = await h.client.schema('sandbox/compose');
    assert.ok(!JSON.stringify(schema.input).includes('$ref'), 'every $ref inlined');
    assert.equal(
      getField(schema.input, ['properties', 'loras', 'items', 'properties', 'scale', 'maximum']),
      4,
    );
    assert.equal(schema.inputOrder[0], 'prompt');
  });

  it('gives each field of sandbox/compose its kind, in order, the hidden one skipped', async () => {
    const fields = formFields((await h.client.schema('sandbox/compose')).input);
    assert.deepEqual(shape(fields), [
      'prompt:longText*',
      'title:text',
      'image_size:enumOrObject',
      'num_inference_steps:integer~slider',
      'guidance_scale:number~slider',
      'seed:integer',
      'enable_safety_checker:boolean',
      'output_format:enum',
      'style:object',
      'loras:objectArray',
      'tags:stringArray',
      'image_url:media/image',
      'audio_url:media/audio',
      'video_url:media/video',
    ]);
    const byName = new Map(fields.map((f) => [f.name, f]));
    const size = byName.get('image_size')!;
    assert.deepEqual(size.enumValues, ['square_hd', 'square', 'portrait_4_3', 'landscape_16_9']);
    assert.deepEqual(shape(size.fields!), ['width:integer~slider', 'height:integer~slider']);
    assert.deepEqual(size.fields![0].path, ['width'], 'paths of the object alternative are relative to it');
    assert.equal(size.default, 'square');
    const steps = byName.get('num_inference_steps')!;
    assert.deepEqual(
      [steps.minimum, steps.maximum, steps.default, steps.label],
      [1, 50, 8, 'Num Inference Steps'],
    );
    assert.equal(byName.get('seed')!.minimum, 0);
    assert.equal(byName.get('seed')!.maximum, undefined);
    assert.deepEqual(byName.get('output_format')!.enumValues, ['png', 'jpeg', 'webp']);
    const style = byName.get('style')!;
    assert.deepEqual(shape(style.fields!), ['palette:enum', 'contrast:number~slider', 'seamless:boolean']);
    assert.deepEqual(style.fields![1].path, ['style', 'contrast']);
    assert.equal(style.description, 'How it looks.');
    const loras = byName.get('loras')!;
    assert.deepEqual(shape(loras.fields!), ['path:text*', 'scale:number~slider']);
    assert.deepEqual(loras.fields![1].path, ['scale'], 'row fields are relative to the row');
    assert.equal(byName.get('title')!.maxLength, 80);
  });

  it('gives the fields of sandbox/image, sandbox/image-to-image and sandbox/audio their kinds', async () => {
    const kinds = async (id: string) => shape(formFields((await h.client.schema(id)).input));
    assert.deepEqual(await kinds('sandbox/image'), [
      'prompt:longText*',
      'image_size:enumOrObject',
      'num_images:integer~slider',
      'seed:integer',
      'num_inference_steps:integer~slider',
    ]);
    assert.deepEqual(await kinds('sandbox/image-to-image'), [
      'image_url:media/image*',
      'prompt:longText',
      'strength:number~slider',
    ]);
    assert.deepEqual(await kinds('sandbox/audio'), ['text:longText*', 'duration_s:number~slider']);
  });

  it('gives sandbox/compose its defaults and an example', async () => {
    const input = (await h.client.schema('sandbox/compose')).input;
    const defaults = defaultsOf(input, { prompt: 'typed', seed: 4, mine: 'kept', sync_mode: true });
    assert.deepEqual(defaults, {
      mine: 'kept',
      sync_mode: true,
      title: '',
      image_size: 'square',
      num_inference_steps: 8,
      guidance_scale: 3.5,
      enable_safety_checker: true,
      output_format: 'png',
      style: { palette: 'vivid', contrast: 0, seamless: false },
      loras: [],
      tags: [],
    });
    const example = exampleOf(input);
    assert.equal(example.prompt, 'A quiet harbour at dawn, fishing boats, soft mist');
    assert.equal(example.num_inference_steps, 8);
    assert.deepEqual(example.style, { palette: 'vivid', contrast: 0, seamless: false });
    assert.ok(!('sync_mode' in example), 'hidden fields stay out of the example');
    assert.deepEqual(exampleOf(input, { requiredOnly: true }), { prompt: example.prompt });
  });

  it('sandbox/compose echoes a valid input with defaults and a summary', async () => {
    const r = await call(h.sandbox.url, '/run/sandbox/compose', {
      body: {
        prompt: 'harbour',
        image_size: { width: 64, height: 32 },
        loras: [{ path: 'a.safetensors' }, { path: 'b', scale: 0.5 }],
        image_url: 'https://example.com/a.png',
        extra: { kept: true },
      },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.summary, '64x32, 8 steps, 2 LoRA(s), media: image_url');
    assert.deepEqual(r.json.input.loras, [
      { path: 'a.safetensors', scale: 1 },
      { path: 'b', scale: 0.5 },
    ]);
    assert.deepEqual(r.json.input.extra, { kept: true });
    assert.equal(r.json.input.sync_mode, false);
    const preset = await call(h.sandbox.url, '/run/sandbox/compose', { body: { prompt: 'p' } });
    assert.equal(preset.json.summary, '512x512, 8 steps, 0 LoRA(s), media: none');
  });

  it('sandbox/compose answers a wrong type, a value out of range and a bad enum with 422 at their loc', async () => {
    const bad = await call(h.sandbox.url, '/run/sandbox/compose', {
      body: {
        prompt: 'p',
        num_inference_steps: 'many',
        guidance_scale: 21,
        output_format: 'gif',
        loras: [{ path: 'a', scale: 9 }],
        style: { palette: 'neon' },
        title: 'x'.repeat(81),
      },
    });
    assert.equal(bad.status, 422, bad.text);
    const byLoc = new Map<string, string>(
      bad.json.detail.map((d: { loc: (string | number)[]; type: string }) => [d.loc.join('.'), d.type]),
    );
    assert.deepEqual(Object.fromEntries(byLoc), {
      'body.num_inference_steps': 'type_error.integer',
      'body.guidance_scale': 'value_error.number.not_le',
      'body.output_format': 'type_error.enum',
      'body.loras.0.scale': 'value_error.number.not_le',
      'body.style.palette': 'type_error.enum',
      'body.title': 'value_error.any_str.max_length',
    });
    const missing = await call(h.sandbox.url, '/run/sandbox/compose', { body: { image_size: 'huge' } });
    assert.equal(missing.status, 422);
    const locs = missing.json.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    assert.deepEqual(locs.sort(), ['body.image_size', 'body.prompt']);
  });
});
