// The playground's example inputs, built from the sandbox's real OpenAPI documents: required fields
// filled from examples, defaults or their type; every field listed in the endpoint's order.
import * as assert from 'node:assert/strict';
import { exampleInput } from '../../src/playground/exampleInput';
import { useSandboxClient } from './clientSandbox';

describe('playground: example input from the schema', () => {
  const h = useSandboxClient();

  it('fills the required prompt of sandbox/image and lists its fields in order, required ones marked', async () => {
    const { input, fields } = exampleInput(await h.client.schema('sandbox/image'));
    assert.deepEqual(Object.keys(input), ['prompt']);
    assert.equal(typeof input.prompt, 'string');
    assert.equal(fields[0], 'prompt*');
    assert.ok(fields.includes('num_images') && fields.includes('seed'), fields.join());
  });

  it('gives an empty object for an endpoint without required fields', async () => {
    const schema = await h.client.schema('sandbox/slow');
    const { input, fields } = exampleInput(schema);
    const required = (schema.input.required as string[] | undefined) ?? [];
    assert.deepEqual(Object.keys(input), required);
    assert.ok(fields.includes('duration_ms') || fields.includes('duration_ms*'), fields.join());
  });

  it("prefers a field's example, then its default, then its enum, then its type", () => {
    const { input } = exampleInput({
      endpointId: 'x/y',
      input: {
        type: 'object',
        required: ['a', 'b', 'c', 'd', 'e'],
        properties: {
          a: { type: 'string', examples: ['ex'], default: 'def' },
          b: { type: 'integer', default: 4 },
          c: { type: 'string', enum: ['square', 'portrait'] },
          d: { type: 'number', minimum: 2 },
          e: { type: 'boolean' },
        },
      },
      output: {},
      inputOrder: ['a', 'b', 'c', 'd', 'e'],
      outputOrder: [],
      metadata: {},
      openapi: {},
    });
    assert.deepEqual(input, { a: 'ex', b: 4, c: 'square', d: 2, e: false });
  });
});
