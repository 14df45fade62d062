import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { PNG } from 'pngjs';
import { renderImage } from '../../src/sandbox/endpoints/image';
import { findEndpoint, parseEndpointId } from '../../src/sandbox/endpoints';
import { call, parseSse, useSandbox } from './sandbox-helpers';

describe('sandbox: direct run and stream', () => {
  const s = useSandbox();

  it('echoes its input under any sub-path, with x-fal-request-id', async () => {
    for (const id of ['sandbox/echo', 'sandbox/echo/v2/extra', 'sandbox/echo/']) {
      const r = await call(s.url, `/run/${id}`, { body: { a: 1, b: { c: [true] } } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { a: 1, b: { c: [true] } });
      assert.match(r.headers.get('x-fal-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  it('takes GET input from the query string and coerces numbers for typed fields', async () => {
    const echo = await call(s.url, '/run/sandbox/echo?x=1&y=two');
    assert.deepEqual(echo.json, { x: '1', y: 'two' });
    const text = await call(s.url, '/run/sandbox/text?prompt=hi&max_tokens=3');
    assert.equal(text.status, 200);
    assert.equal(text.json.output.split(' ').length, 3);
  });

  it('accepts any method on /run', async () => {
    const r = await call(s.url, '/run/sandbox/echo', { method: 'PUT', body: { m: 'put' } });
    assert.deepEqual(r.json, { m: 'put' });
  });

  it('sandbox/image returns real deterministic PNGs served under /files/', async () => {
    const input = {
      prompt: 'a red fox',
      seed: 7,
      num_inference_steps: 2,
      image_size: { width: 64, height: 48 },
    };
    const a = await call(s.url, '/run/sandbox/image', { body: { ...input, num_images: 2 } });
    assert.equal(a.status, 200);
    assert.equal(a.json.seed, 7);
    assert.equal(a.json.prompt, 'a red fox');
    assert.equal(typeof a.json.timings.inference, 'number');
    assert.equal(a.json.images.length, 2);
    const img = a.json.images[0];
    assert.deepEqual([img.width, img.height, img.content_type], [64, 48, 'image/png']);
    assert.ok(img.url.startsWith(`${s.url}/files/`));
    const file = await fetch(img.url);
    assert.equal(file.headers.get('content-type'), 'image/png');
    const bytes = Buffer.from(await file.arrayBuffer());
    const png = PNG.sync.read(bytes);
    assert.deepEqual([png.width, png.height], [64, 48]);
    assert.ok(bytes.equals(renderImage({ prompt: 'a red fox', seed: 7, width: 64, height: 48 })));
    const again = await call(s.url, '/run/sandbox/image', { body: input });
    const bytes2 = Buffer.from(await (await fetch(again.json.images[0].url)).arrayBuffer());
    assert.ok(bytes.equals(bytes2), 'same prompt and seed give the same image');
    assert.ok(!bytes.equals(renderImage({ prompt: 'a red fox', seed: 8, width: 64, height: 48 })));
  });

  it('sandbox/image resolves named sizes and rejects out-of-range input with 422', async () => {
    const r = await call(s.url, '/run/sandbox/image', {
      body: { prompt: 'p', image_size: 'landscape_16_9', num_inference_steps: 1 },
    });
    assert.deepEqual([r.json.images[0].width, r.json.images[0].height], [1024, 576]);
    const bad = await call(s.url, '/run/sandbox/image', {
      body: { prompt: 'p', num_images: 9, image_size: 'huge' },
    });
    assert.equal(bad.status, 422);
    const locs = bad.json.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    assert.ok(locs.includes('body.num_images'));
    assert.ok(locs.includes('body.image_size'));
    for (const d of bad.json.detail) assert.ok(d.msg && d.type);
  });

  it('sandbox/image-to-image inverts a data URI or a sandbox file', async () => {
    const png = new PNG({ width: 2, height: 1 });
    png.data.set([10, 20, 30, 255, 200, 100, 0, 255]);
    const dataUri = `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
    const r = await call(s.url, '/run/sandbox/image-to-image', { body: { image_url: dataUri } });
    assert.equal(r.status, 200);
    const out = PNG.sync.read(Buffer.from(await (await fetch(r.json.images[0].url)).arrayBuffer()));
    assert.deepEqual([...out.data], [245, 235, 225, 255, 55, 155, 255, 255]);
    const again = await call(s.url, '/run/sandbox/image-to-image', {
      body: { image_url: r.json.images[0].url, strength: 1 },
    });
    const back = PNG.sync.read(Buffer.from(await (await fetch(again.json.images[0].url)).arrayBuffer()));
    assert.deepEqual([...back.data], [...png.data]);
    const bad = await call(s.url, '/run/sandbox/image-to-image', {
      body: { image_url: 'data:text/plain,hello' },
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.json.detail[0].loc, ['body', 'image_url']);
    const malformed = await call(s.url, '/run/sandbox/image-to-image', {
      body: { image_url: 'data:image/png,%E0%A4%A' },
    });
    assert.equal(malformed.status, 422, malformed.text);
    assert.match(malformed.json.detail[0].msg, /Malformed %-escape/);
  });

  it('sandbox/audio returns a real WAV', async () => {
    const r = await call(s.url, '/run/sandbox/audio', { body: { text: 'hello', duration_s: 0.25 } });
    assert.equal(r.status, 200);
    assert.equal(r.json.audio.content_type, 'audio/wav');
    assert.equal(r.json.audio.duration, 0.25);
    const file = await fetch(r.json.audio.url);
    assert.equal(file.headers.get('content-type'), 'audio/wav');
    const wav = Buffer.from(await file.arrayBuffer());
    assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(wav.toString('ascii', 8, 12), 'WAVE');
    assert.equal(wav.readUInt32LE(4), wav.length - 8);
    assert.equal(wav.readUInt32LE(40), 4000 * 2);
  });

  it('sandbox/text and sandbox/slow answer', async () => {
    const t = await call(s.url, '/run/sandbox/text', { body: { prompt: 'x', max_tokens: 4 } });
    assert.equal(t.json.output.split(' ').length, 4);
    const sl = await call(s.url, '/run/sandbox/slow', { body: { duration_ms: 10, steps: 2 } });
    assert.deepEqual(sl.json, { duration_ms: 10, steps: 2 });
  });

  it('sandbox/error answers as fal does for each status', async () => {
    const v = await call(s.url, '/run/sandbox/error', { body: { status: 422 } });
    assert.equal(v.status, 422);
    assert.deepEqual(Object.keys(v.json.detail[0]).sort(), ['loc', 'msg', 'type']);
    const e500 = await call(s.url, '/run/sandbox/error', { body: { status: 500, detail: 'boom' } });
    assert.deepEqual([e500.status, e500.json.detail], [500, 'boom']);
    const e503 = await call(s.url, '/run/sandbox/error', { body: { status: 503 } });
    assert.equal(e503.status, 503);
    assert.equal(e503.headers.get('x-fal-error-type'), 'runner_connection_refused');
    const e504 = await call(s.url, '/run/sandbox/error', { body: { status: 504 } });
    assert.equal(e504.status, 504);
    assert.equal(e504.headers.get('x-fal-request-timeout-type'), 'user');
    assert.ok(e504.headers.get('x-fal-request-id'));
  });

  it('streams echo one event per key then the whole object, whatever the Accept header', async () => {
    for (const accept of ['text/event-stream', 'application/json, text/event-stream', '*/*']) {
      const r = await call(s.url, '/run/sandbox/echo/stream', { body: { a: 1, b: 2 }, headers: { accept } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.ok(r.headers.get('x-fal-request-id'));
      assert.deepEqual(parseSse(r.text).events, [{ a: 1 }, { b: 2 }, { a: 1, b: 2 }]);
    }
  });

  it('streams image progress then the output, and text growing partials then the output', async () => {
    const img = parseSse(
      (
        await call(s.url, '/run/sandbox/image/stream', {
          body: { prompt: 'p', num_inference_steps: 3, seed: 1 },
        })
      ).text,
    ).events;
    assert.deepEqual(
      img.slice(0, 3).map((e) => e.progress),
      [1 / 3, 2 / 3, 1],
    );
    assert.equal(img.length, 4);
    assert.equal(img[3].images.length, 1);
    const text = parseSse(
      (await call(s.url, '/run/sandbox/text/stream', { body: { prompt: 'p', max_tokens: 3 } })).text,
    ).events;
    assert.equal(text.length, 4);
    assert.ok(text.slice(0, 3).every((e) => e.partial === true));
    assert.ok(text[1].output.startsWith(text[0].output));
    assert.deepEqual(text[3], { output: text[2].output });
  });

  it("streams burst's events of one shape, in order, then the count; its run answers the count; bounds are 422", async () => {
    const r = await call(s.url, '/run/sandbox/burst/stream', { body: { events: 5000 } });
    assert.equal(r.status, 200);
    const events = parseSse(r.text).events;
    assert.equal(events.length, 5001);
    const tokens = ['the', 'sandbox', 'streams', 'small', 'events', 'in', 'one', 'burst'];
    events.slice(0, 5000).forEach((e, i) => assert.deepEqual(e, { index: i, token: tokens[i % 8] }));
    assert.deepEqual(events[5000], { events: 5000 });
    const byDefault = parseSse((await call(s.url, '/run/sandbox/burst/stream', { body: {} })).text).events;
    assert.equal(byDefault.length, 1001);
    assert.deepEqual((await call(s.url, '/run/sandbox/burst', { body: { events: 3 } })).json, { events: 3 });
    for (const events of [0, 100_001, 'many']) {
      const bad = await call(s.url, '/run/sandbox/burst/stream', { body: { events } });
      assert.equal(bad.status, 422, `events: ${String(events)}`);
      assert.equal(bad.json.detail[0].loc.join('.'), 'body.events');
    }
  });

  it('answers 404 "Path /stream not found" for sandbox/slow, and errors before a stream as plain JSON', async () => {
    const r = await call(s.url, '/run/sandbox/slow/stream', { body: { duration_ms: 1 } });
    assert.equal(r.status, 404);
    assert.deepEqual(r.json, { detail: 'Path /stream not found' });
    const e = await call(s.url, '/run/sandbox/error/stream', { body: { status: 422 } });
    assert.equal(e.status, 422);
    const v = await call(s.url, '/run/sandbox/image/stream', { body: {} });
    assert.equal(v.status, 422);
  });

  it('answers 404 for unknown apps and paths, and 422 for bad JSON', async () => {
    assert.equal((await call(s.url, '/run/nobody/nothing', { body: {} })).status, 404);
    assert.equal((await call(s.url, '/nowhere')).status, 404);
    assert.equal((await call(s.url, '/files/nope/x.png')).status, 404);
    const bad = await call(s.url, '/run/sandbox/echo', { body: '{"a":' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.detail[0].type, 'value_error.jsondecode');
  });

  it('requires Authorization: Key on run, but not on files, schema or catalogue', async () => {
    const r = await call(s.url, '/run/sandbox/echo', { body: {}, key: null });
    assert.equal(r.status, 401);
    assert.equal(typeof r.json.detail, 'string');
    assert.ok(r.headers.get('x-fal-request-id'));
    assert.equal((await call(s.url, '/queue/sandbox/echo', { body: {}, key: null })).status, 401);
    assert.equal((await call(s.url, '/api/v1/models', { key: null })).status, 200);
    assert.equal(
      (await call(s.url, '/openapi/queue/openapi.json?endpoint_id=sandbox/echo', { key: null })).status,
      200,
    );
    assert.equal((await call(s.url, '/rest/.well-known/jwks.json', { key: null })).status, 200);
  });

  it('answers a non-realtime WebSocket upgrade with 404 and closes', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/queue/sandbox/echo`, {
        headers: {
          connection: 'upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'x',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 404);
  });

  it('finds endpoints by id with namespace, sub-path and legacy forms', () => {
    assert.equal(findEndpoint('sandbox/echo/v2/extra')?.id, 'sandbox/echo');
    assert.equal(findEndpoint('workflows/sandbox/image')?.id, 'sandbox/image');
    assert.equal(findEndpoint('sandbox/nothing'), undefined);
    assert.deepEqual(parseEndpointId('comfy/a/b/c/d'), {
      namespace: 'comfy',
      owner: 'a',
      alias: 'b',
      path: 'c/d',
      appPath: 'comfy/a/b',
    });
    assert.equal(parseEndpointId('123-app')?.appPath, '123/app');
    assert.equal(parseEndpointId('single'), undefined);
  });
});

describe('sandbox: --key and --open', () => {
  const keyed = useSandbox({ key: 'only:this' });
  const open = useSandbox({ open: true });

  it('--key accepts only that key', async () => {
    assert.equal((await call(keyed.url, '/run/sandbox/echo', { body: {}, key: 'other:key' })).status, 401);
    assert.equal((await call(keyed.url, '/run/sandbox/echo', { body: {}, key: 'only:this' })).status, 200);
  });

  it('--open accepts requests without a key', async () => {
    assert.equal((await call(open.url, '/run/sandbox/echo', { body: {}, key: null })).status, 200);
  });
});
