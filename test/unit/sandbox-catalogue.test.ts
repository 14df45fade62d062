import * as assert from 'node:assert/strict';
import { call, useSandbox } from './sandbox-helpers';

const IDS = [
  'sandbox/echo',
  'sandbox/image',
  'sandbox/image-to-image',
  'sandbox/audio',
  'sandbox/video',
  'sandbox/text',
  'sandbox/slow',
  'sandbox/error',
  'sandbox/compose',
  'sandbox/hostile',
  'sandbox/burst',
];

describe('sandbox: catalogue and OpenAPI', () => {
  const s = useSandbox();

  it('lists every model with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await call(s.url, `/api/v1/models?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
        key: null,
      });
      assert.equal(r.status, 200);
      assert.ok(r.headers.get('x-fal-request-id'));
      assert.ok(r.json.models.length <= 3);
      for (const m of r.json.models) {
        seen.push(m.endpoint_id);
        assert.ok(m.metadata.display_name && m.metadata.category && m.metadata.description);
        assert.equal(m.metadata.status, 'active');
        assert.equal(m.openapi, undefined);
      }
      assert.equal(r.json.has_more, r.json.next_cursor !== null);
      cursor = r.json.next_cursor;
      pages++;
    } while (cursor);
    assert.equal(pages, 4);
    assert.deepEqual(seen.sort(), [...IDS].sort());
    assert.equal((await call(s.url, '/api/v1/models?cursor=garbage', { key: null })).status, 422);
    assert.equal((await call(s.url, '/api/v1/models?limit=0', { key: null })).status, 422);
  });

  it('finds by endpoint_id (repeatable), searches text and filters by category', async () => {
    const found = await call(
      s.url,
      '/api/v1/models?endpoint_id=sandbox/audio&endpoint_id=sandbox/text/v2&endpoint_id=x/y',
    );
    assert.deepEqual(
      found.json.models.map((m: { endpoint_id: string }) => m.endpoint_id),
      ['sandbox/audio', 'sandbox/text'],
    );
    const q = await call(s.url, '/api/v1/models?q=WAV');
    assert.deepEqual(
      q.json.models.map((m: { endpoint_id: string }) => m.endpoint_id),
      ['sandbox/audio'],
    );
    const cat = await call(s.url, '/api/v1/models?category=text-to-image');
    assert.deepEqual(
      cat.json.models.map((m: { endpoint_id: string }) => m.endpoint_id),
      ['sandbox/image'],
    );
  });

  it('expands openapi-3.0', async () => {
    const r = await call(s.url, '/api/v1/models?endpoint_id=sandbox/image&expand=openapi-3.0');
    assert.equal(r.json.models[0].openapi.openapi, '3.0.4');
  });

  it('serves a fal-shaped OpenAPI document per endpoint, sub-path included', async () => {
    for (const id of IDS) {
      const r = await call(s.url, `/openapi/queue/openapi.json?endpoint_id=${id}`, { key: null });
      assert.equal(r.status, 200, id);
      const doc = r.json;
      assert.equal(doc.info.title, `Queue OpenAPI for ${id}`);
      assert.equal(doc.info['x-fal-metadata'].endpointId, id);
      assert.deepEqual(doc.components.securitySchemes.apiKeyAuth.name, 'Authorization');
      const inputRef = doc.paths[`/${id}`].post.requestBody.content['application/json'].schema.$ref;
      const input = doc.components.schemas[inputRef.split('/').pop()];
      assert.ok(input['x-fal-order-properties'], id);
      const outputRef =
        doc.paths[`/${id}/requests/{request_id}`].get.responses['200'].content['application/json'].schema
          .$ref;
      assert.ok(doc.components.schemas[outputRef.split('/').pop()], id);
      assert.ok(doc.paths[`/${id}/requests/{request_id}/status`].get);
      assert.ok(doc.paths[`/${id}/requests/{request_id}/cancel`].put);
      for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []) {
        assert.ok(doc.components.schemas[ref.split('/').pop()!], `${id}: ${ref} resolves`);
      }
    }
    const image = (await call(s.url, '/openapi/queue/openapi.json?endpoint_id=sandbox/image')).json;
    const input = image.components.schemas.SandboxImageInput;
    assert.deepEqual(input.required, ['prompt']);
    assert.equal(input.properties.num_images.maximum, 4);
    assert.equal(input.properties.num_inference_steps.default, 4);
    assert.ok(
      input.properties.image_size.anyOf.some((a: { enum?: string[] }) => a.enum?.includes('square_hd')),
    );
    const sub = (await call(s.url, '/openapi/queue/openapi.json?endpoint_id=sandbox/image/v2')).json;
    assert.ok(sub.paths['/sandbox/image/v2/requests/{request_id}/status']);
    const i2i = (await call(s.url, '/openapi/queue/openapi.json?endpoint_id=sandbox/image-to-image')).json;
    assert.equal(
      i2i.components.schemas.SandboxImageToImageInput.properties.image_url['x-fal-file-input'],
      true,
    );
    assert.equal((await call(s.url, '/openapi/queue/openapi.json?endpoint_id=x/y')).status, 404);
    assert.equal((await call(s.url, '/openapi/queue/openapi.json')).status, 400);
  });
});

describe('sandbox: catalogue thumbnails', () => {
  const s = useSandbox();

  it('links each model to a PNG thumbnail it serves, and highlights a couple of demo endpoints', async () => {
    const r = await call(s.url, `/api/v1/models?limit=100`, { key: null });
    assert.equal(r.status, 200);
    const models = r.json.models as {
      endpoint_id: string;
      metadata: { thumbnail_url: string; highlighted: boolean };
    }[];
    const highlighted = models.filter((m) => m.metadata.highlighted).map((m) => m.endpoint_id);
    assert.ok(highlighted.length >= 2 && highlighted.length < models.length, highlighted.join(', '));
    const bodies = new Set<string>();
    for (const m of models) {
      assert.equal(typeof m.metadata.highlighted, 'boolean');
      const url = m.metadata.thumbnail_url;
      assert.ok(url.startsWith(`${s.url}/`), url);
      const res = await fetch(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('content-type'), 'image/png');
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.ok(
        bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
        url,
      );
      bodies.add(bytes.toString('base64'));
    }
    assert.equal(bodies.size, models.length, 'each endpoint has its own picture');
    assert.equal((await fetch(`${s.url}/_sandbox/thumbnails/sandbox/nope.png`)).status, 404);
  });
});
