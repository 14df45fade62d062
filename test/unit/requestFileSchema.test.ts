// The schema served for `*.fal.json` request files, read by a JSON Schema validator as VS Code's JSON
// service reads it: the file's shape (one request or named requests, the platform options, headers,
// unknown keys), each request's input checked by its endpoint's input schema as the sandbox serves
// it, an endpoint without one left unchecked; and the embedding of a server's schema (its own
// references moved with it, others and markdown dropped). Also where a file's text names endpoints.
import * as assert from 'node:assert/strict';
import { Validator, type OutputUnit } from '@cfworker/json-schema';
import { requestFileEndpoints } from '../../src/common/requestFileEndpoints';
import { embedSchema, inputSchemaPointer, requestFileSchema } from '../../src/common/requestFileSchema';
import type { JsonSchema } from '../../src/common/schemaForm';
import { createFalClient } from '../../src/fal/client';
import { useSandbox } from './sandbox-helpers';

/**
 * The places (`#/input/num_images`) where `value` breaks `schema`, without the validator's summaries of
 * branches and containers (and the `false` it adds under an `additionalProperties` error).
 */
function errorsOf(schema: JsonSchema, value: unknown): string[] {
  const result = new Validator(schema, '7', false).validate(value);
  const leaves = result.errors.filter(
    (e: OutputUnit) =>
      !['allOf', 'if', 'then', 'else', '$ref', 'properties', 'items', 'false'].includes(e.keyword),
  );
  return [...new Set(leaves.map((e) => `${e.instanceLocation} ${e.keyword}`))];
}

describe('request file schema', () => {
  const sandbox = useSandbox();
  let inputs: Map<string, JsonSchema>;

  before(async () => {
    const fal = createFalClient({ credentials: 'k', hosts: sandbox.hosts });
    inputs = new Map();
    for (const id of ['sandbox/image', 'sandbox/echo']) inputs.set(id, (await fal.schema(id)).input);
  });

  it("checks each request's input by its endpoint's schema, and leaves other endpoints' unchecked", () => {
    const schema = requestFileSchema(inputs);
    const wrong = { endpoint: 'sandbox/image', input: { prompt: 'a fox', num_images: 'two' } };
    assert.deepEqual(errorsOf(schema, wrong), ['#/input/num_images type']);
    assert.deepEqual(errorsOf(schema, { ...wrong, input: { prompt: 'a fox', num_images: 2 } }), []);
    assert.deepEqual(errorsOf(schema, { endpoint: 'sandbox/image', input: {} }), ['#/input required']);
    assert.deepEqual(
      errorsOf(schema, { ...wrong, endpoint: 'sandbox/echo' }),
      [],
      "echo's schema takes any key",
    );
    assert.deepEqual(errorsOf(schema, { ...wrong, endpoint: 'someone/else' }), [], 'no schema: unchecked');
    assert.deepEqual(errorsOf(requestFileSchema(new Map()), wrong), [], 'no schemas at all: unchecked');
  });

  it('checks an array of named requests, each by its own endpoint', () => {
    const schema = requestFileSchema(inputs);
    const file = [
      { name: 'one', endpoint: 'sandbox/image', input: { prompt: 'x', seed: 'seven' } },
      { name: 'two', endpoint: 'sandbox/echo', input: { seed: 'seven' } },
      { endpoint: 'sandbox/echo', input: {} },
    ];
    assert.deepEqual(errorsOf(schema, file), ['#/0/input/seed type', '#/2 required']);
  });

  it('describes the shape: endpoint, method, platform options, headers, webhook, and no other keys', () => {
    const schema = requestFileSchema(new Map());
    const good = {
      name: 'a call',
      endpoint: 'fal-ai/flux/dev',
      method: 'submit',
      input: { prompt: 'x' },
      headers: { 'x-trace': '1' },
      platform: { noRetry: true, startTimeout: 30, priority: 'low', hint: 'warm', storeIo: false },
      webhookUrl: 'https://example.com/hook',
    };
    assert.deepEqual(errorsOf(schema, good), []);
    assert.deepEqual(errorsOf(schema, { ...good, method: 'post' }), ['#/method enum']);
    assert.deepEqual(errorsOf(schema, { ...good, endpoint: 'https://fal.run/x' }), ['#/endpoint pattern']);
    assert.deepEqual(errorsOf(schema, { ...good, endpoint: '123-legacy' }), []);
    assert.deepEqual(errorsOf(schema, { input: {} }), ['# required']);
    assert.deepEqual(errorsOf(schema, { ...good, inputs: {} }), ['# additionalProperties']);
    assert.deepEqual(errorsOf(schema, { ...good, platform: { priority: 'high' } }), [
      '#/platform/priority enum',
    ]);
    assert.deepEqual(errorsOf(schema, { ...good, platform: { startTimeout: 1 } }), [
      '#/platform/startTimeout exclusiveMinimum',
    ]);
    assert.deepEqual(errorsOf(schema, { ...good, platform: { retries: 3 } }), [
      '#/platform additionalProperties',
    ]);
    assert.deepEqual(errorsOf(schema, { ...good, headers: { Authorization: 'Key k' } }), [
      '#/headers propertyNames',
      '#/headers/Authorization not',
    ]);
    assert.deepEqual(errorsOf(schema, { ...good, headers: { 'x-n': 1 } }), [
      '#/headers additionalProperties',
      '#/headers/x-n type',
    ]);
    assert.deepEqual(errorsOf(schema, { ...good, webhookUrl: 'ftp://x' }), ['#/webhookUrl pattern']);
    assert.deepEqual(errorsOf(schema, 'a string'), ['# type']);
  });

  it("embeds a server's schema: its own references follow it, others and markdown are dropped", () => {
    const server: JsonSchema = {
      $id: 'https://example.com/input',
      type: 'object',
      properties: {
        node: { $ref: '#/$defs/Node' },
        far: { $ref: 'https://example.com/elsewhere.json', description: 'kept' },
        broken: { $ref: '#/$defs/Missing' },
        id: { type: 'string', markdownDescription: '**bold** [link](command:x)', description: 'plain' },
      },
      $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
    };
    const base = inputSchemaPointer('owner/app');
    assert.equal(base, '#/definitions/inputs/owner~1app');
    const embedded = embedSchema(server, base);
    assert.deepEqual(embedded, {
      type: 'object',
      properties: {
        node: { $ref: `${base}/$defs/Node` },
        far: { description: 'kept' },
        broken: {},
        id: { type: 'string', description: 'plain' },
      },
      $defs: { Node: { type: 'object', properties: { next: { $ref: `${base}/$defs/Node` } } } },
    });
    const schema = requestFileSchema(new Map([['owner/app', server]]));
    const deep = { endpoint: 'owner/app', input: { node: { next: { next: 'end' } } } };
    assert.deepEqual(errorsOf(schema, deep), ['#/input/node/next/next type']);
  });

  it("finds each request's endpoint value and where it is, in a file being typed too", () => {
    const one = '{\n  "endpoint": "sandbox/image",\n  "input": {}\n}';
    assert.deepEqual(requestFileEndpoints(one), [{ endpoint: 'sandbox/image', offset: 16, length: 15 }]);
    assert.equal(one.slice(16, 31), '"sandbox/image"');
    const many = '[{"name": "a", "endpoint": "x/y"}, {"endpoint": 3}, {"endpoint": "p/q", "input": {"a": ';
    assert.deepEqual(
      requestFileEndpoints(many).map((m) => m.endpoint),
      ['x/y', 'p/q'],
    );
    assert.deepEqual(
      requestFileEndpoints('{"endpoint": "a/b", "endpoint": "c/d"}').map((m) => m.endpoint),
      ['c/d'],
    );
    assert.deepEqual(requestFileEndpoints(''), []);
    assert.deepEqual(requestFileEndpoints('"sandbox/image"'), []);
  });
});
