// schema() and models.* against the sandbox: Input/Output with $refs resolved and field order,
// caching per id, sub-path ids; catalogue search, category, cursor pages and find by ids. Plus the
// $ref inliner on its own for recursive components.
import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/fal/errors';
import { inlineRefs } from '../../src/fal/schema';
import { useSandboxClient } from './clientSandbox';

const hasRef = (node: unknown): boolean =>
  Array.isArray(node)
    ? node.some(hasRef)
    : typeof node === 'object' && node !== null
      ? Object.entries(node).some(([k, v]) => k === '$ref' || hasRef(v))
      : false;

describe('client: schema and models (sandbox)', () => {
  const h = useSandboxClient();

  it('returns self-contained Input and Output schemas with field order', async () => {
    const s = await h.client.schema('sandbox/image');
    assert.equal(s.endpointId, 'sandbox/image');
    assert.deepEqual(s.inputOrder, ['prompt', 'image_size', 'num_images', 'seed', 'num_inference_steps']);
    assert.deepEqual(s.input.required, ['prompt']);
    assert.ok(!hasRef(s.input), 'input has no $ref left');
    assert.ok(!hasRef(s.output), 'output has no $ref left');
    const imageSize = (s.input.properties as Record<string, { anyOf: Array<Record<string, unknown>> }>)
      .image_size;
    assert.ok(imageSize.anyOf.some((a) => a.title === 'ImageSize' && a.type === 'object'));
    const images = (s.output.properties as Record<string, { items: Record<string, unknown> }>).images;
    assert.equal(images.items.type, 'object');
    assert.deepEqual(s.outputOrder, ['images', 'seed', 'prompt', 'timings']);
    assert.equal(s.metadata.category, 'text-to-image');
  });

  it('caches per id, and refreshes on demand', async () => {
    const a = await h.client.schema('sandbox/echo');
    const b = await h.client.schema('sandbox/echo');
    assert.equal(a, b);
    const c = await h.client.schema('sandbox/echo', { refresh: true });
    assert.notEqual(a, c);
    assert.deepEqual(a.input, c.input);
  });

  it('asks with the full id, sub-path included', async () => {
    const s = await h.client.schema('sandbox/echo/v2');
    assert.equal(s.endpointId, 'sandbox/echo/v2');
    assert.equal(s.metadata.endpointId, 'sandbox/echo/v2');
  });

  it('fails clearly for an unknown endpoint and does not cache the failure', async () => {
    const error = await h.client.schema('sandbox/nope').catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.status === 404);
    await assert.rejects(h.client.schema('sandbox/nope'), ApiError);
  });

  it('searches the catalogue by text and category', async () => {
    const page = await h.client.models.search('image');
    const ids = page.models.map((m) => m.endpoint_id);
    assert.ok(ids.includes('sandbox/image'));
    assert.ok(page.models.every((m) => typeof m.metadata.display_name === 'string'));
    const llm = await h.client.models.search('', { category: 'llm' });
    assert.deepEqual(
      llm.models.map((m) => m.endpoint_id),
      ['sandbox/text'],
    );
  });

  it('pages through the catalogue with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await h.client.models.search('', { limit: 2, cursor });
      seen.push(...page.models.map((m) => m.endpoint_id));
      if (!page.nextCursor) break;
      assert.ok(page.hasMore);
      cursor = page.nextCursor;
    }
    assert.equal(new Set(seen).size, seen.length);
    for (const id of ['sandbox/echo', 'sandbox/image', 'sandbox/slow', 'sandbox/text'])
      assert.ok(seen.includes(id), id);
  });

  it('finds models by endpoint id, with their OpenAPI on request', async () => {
    const found = await h.client.models.find(['sandbox/echo', 'sandbox/text', 'sandbox/missing']);
    assert.deepEqual(found.map((m) => m.endpoint_id).sort(), ['sandbox/echo', 'sandbox/text']);
    const [expanded] = await h.client.models.find('sandbox/image', { expand: true });
    assert.equal((expanded.openapi as { openapi: string }).openapi, '3.0.4');
    assert.deepEqual(await h.client.models.find([]), []);
  });
});

describe('client: schema $ref inlining', () => {
  it('keeps recursive components under $defs', () => {
    const components = {
      Node: {
        type: 'object',
        properties: {
          value: { type: 'string' },
          children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
        },
      },
      Leaf: { type: 'string', description: 'leaf' },
    };
    const schema = inlineRefs(
      {
        type: 'object',
        properties: {
          root: { $ref: '#/components/schemas/Node' },
          leaf: { $ref: '#/components/schemas/Leaf', title: 'L' },
        },
      },
      components,
    );
    const props = schema.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(props.leaf, { type: 'string', description: 'leaf', title: 'L' });
    const children = (props.root.properties as Record<string, { items: unknown }>).children;
    assert.deepEqual(children.items, { $ref: '#/$defs/Node' });
    assert.ok((schema.$defs as Record<string, unknown>).Node);
  });
});
