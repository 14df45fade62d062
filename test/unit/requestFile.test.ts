// Request files' pure parts: the parser (each request's place in the text, checked with clear
// errors naming the request), the call each makes, the text written back (no secret-looking header),
// the variables (the key's and secret-looking names never read, nothing in an untrusted workspace),
// `$file` references and the JSONL line of an export.
import * as assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/common/callModel';
import { fileReferencesIn, withFileUrls } from '../../src/common/fileReferences';
import { jsonlLine } from '../../src/common/requestExport';
import {
  callOf,
  parseRequestFile,
  requestAt,
  requestFileName,
  requestFileText,
  type FileRequest,
} from '../../src/common/requestFile';
import {
  checkVariables,
  isSecretVariable,
  resolveVariables,
  variablesIn,
  type VariableContext,
} from '../../src/common/requestVariables';

const TWO = `// two requests
[
  { "name": "first", "endpoint": "sandbox/echo", "method": "run", "input": { "a": 1 } },
  {
    "name": "second",
    "endpoint": "sandbox/image",
    "input": { "prompt": "fox" },
    "headers": { "X-Custom": "one" },
    "platform": { "priority": "low", "startTimeout": 30 },
    "webhookUrl": "https://example.com/hook"
  }
]
`;

describe('request files: parsing', () => {
  it('finds each request of an array with its place in the text, comments allowed', () => {
    const parsed = parseRequestFile(TWO);
    assert.equal(parsed.problem, undefined);
    assert.equal(parsed.entries.length, 2);
    const [first, second] = parsed.entries;
    assert.equal(TWO.slice(first.offset, first.offset + first.length).startsWith('{ "name": "first"'), true);
    assert.equal(TWO[second.offset], '{');
    assert.equal(TWO[second.offset + second.length - 1], '}');
    assert.deepEqual(first.request, {
      name: 'first',
      endpoint: 'sandbox/echo',
      method: 'run',
      input: { a: 1 },
    });
    assert.deepEqual(second.request, {
      name: 'second',
      endpoint: 'sandbox/image',
      method: 'subscribe',
      input: { prompt: 'fox' },
      headers: { 'x-custom': 'one' },
      platform: { priority: 'low', startTimeout: 30 },
      webhookUrl: 'https://example.com/hook',
    });
  });

  it('takes one object without a name; the method defaults to subscribe, the input to {}', () => {
    const parsed = parseRequestFile('{"endpoint": "sandbox/echo"}');
    assert.deepEqual(parsed.entries[0].request, { endpoint: 'sandbox/echo', method: 'subscribe', input: {} });
    assert.equal(parsed.entries[0].label, 'the request');
  });

  it('says what is wrong with which request, and keeps the others callable', () => {
    const parsed = parseRequestFile(`[
      {"name": "ok", "endpoint": "sandbox/echo"},
      {"name": "bad", "endpoint": "sandbox/echo", "input": [1]},
      {"endpoint": "sandbox/echo"},
      {"name": "m", "endpoint": "sandbox/echo", "method": "fly"},
      {"name": "h", "endpoint": "sandbox/echo", "headers": {"Authorization": "Key x"}},
      {"name": "p", "endpoint": "sandbox/echo", "platform": {"retries": 2}},
      {"name": "k", "endpoint": "sandbox/echo", "inputs": {}},
      {"name": "e", "endpoint": "https://fal.run/x"},
      3
    ]`);
    const problems = parsed.entries.map((e) => e.problem);
    assert.equal(problems[0], undefined);
    assert.equal(
      problems[1],
      'In request "bad" (2 of 9): "input" must be a JSON object, e.g. {"prompt": "a red fox"}.',
    );
    assert.match(problems[2]!, /^In request \(3 of 9\): each request of an array needs a "name"/);
    assert.match(problems[3]!, /"method" must be one of run, subscribe, submit, stream, realtime/);
    assert.match(problems[4]!, /Authorization header comes from your fal key/);
    assert.match(problems[5]!, /unknown platform option "retries"/);
    assert.match(problems[6]!, /unknown key "inputs"/);
    assert.match(problems[7]!, /^In request "e" \(8 of 9\): /);
    assert.equal(problems[8], 'In request (9 of 9): must be an object');
    assert.ok(!(requestAt(parsed, 0) instanceof Error));
    const error = requestAt(parsed, 1);
    assert.ok(error instanceof Error && /"bad"/.test(error.message));
  });

  it('names the line and column of a syntax error, and what the file should hold', () => {
    const parsed = parseRequestFile('{\n  "endpoint": "sandbox/echo"\n  "input": {}\n}');
    assert.equal(parsed.problem, 'Not valid JSON at line 3, column 3: comma expected.');
    assert.ok(requestAt(parsed, 0) instanceof Error);
    assert.match(parseRequestFile('"x"').problem!, /one request object/);
    assert.match(parseRequestFile('').problem!, /empty/);
  });

  it('makes the call with any method; the webhook goes with submit only', () => {
    const request = parseRequestFile(TWO).entries[1].request!;
    assert.deepEqual(callOf(request), {
      endpointId: 'sandbox/image',
      method: 'subscribe',
      input: { prompt: 'fox' },
      headers: { 'x-custom': 'one' },
      platform: { priority: 'low', startTimeout: 30 },
    });
    assert.equal(callOf(request, 'submit').webhookUrl, 'https://example.com/hook');
  });
});

describe('request files: writing', () => {
  it('writes one call as an object, several as an array with unique names, never a secret-looking header', () => {
    const call = {
      endpointId: 'fal-ai/flux/dev',
      method: 'run' as const,
      input: { prompt: 'fox' },
      headers: { 'x-custom': 'one', 'x-api-token': 'secret-value', 'x-session': '<redacted>' },
    };
    const one = requestFileText([{ call }]);
    assert.deepEqual(JSON.parse(one), {
      endpoint: 'fal-ai/flux/dev',
      method: 'run',
      input: { prompt: 'fox' },
      headers: { 'x-custom': 'one' },
    });
    assert.doesNotMatch(one, /secret-value|redacted/);
    const several = JSON.parse(requestFileText([{ call }, { call }, { name: 'mine', call }])) as Array<{
      name: string;
    }>;
    assert.deepEqual(
      several.map((r) => r.name),
      ['dev 1', 'dev 2', 'mine'],
    );
    // What is written reads back as the same calls.
    const parsed = parseRequestFile(requestFileText([{ call }, { call }]));
    assert.deepEqual(callOf(parsed.entries[0].request!), { ...call, headers: { 'x-custom': 'one' } });
    assert.equal(requestFileName('fal-ai/flux/dev'), 'dev.fal.json');
    assert.equal(requestFileName('sandbox/image'), 'image.fal.json');
  });

  it('exports a record as a JSONL line with endpoint, input, output, request id and metrics', () => {
    const record: RequestRecord = {
      id: 'r1',
      endpointId: 'sandbox/echo',
      method: 'subscribe',
      input: { a: 1 },
      headers: { 'x-api-key': '<redacted>', 'x-custom': 'one' },
      target: { kind: 'fal.ai' },
      createdAt: Date.UTC(2025, 0, 1),
      completedAt: Date.UTC(2025, 0, 1) + 1500,
      updatedAt: Date.UTC(2025, 0, 1) + 1500,
      state: 'COMPLETED',
      requestId: 'req-1',
      metrics: { inference_time: 0.5 },
      logs: [],
    };
    const line = jsonlLine(record, { b: 2 });
    assert.doesNotMatch(line, /\n/);
    assert.deepEqual(JSON.parse(line), {
      endpoint: 'sandbox/echo',
      method: 'subscribe',
      state: 'COMPLETED',
      requestId: 'req-1',
      createdAt: '2025-01-01T00:00:00.000Z',
      input: { a: 1 },
      headers: { 'x-custom': 'one' },
      output: { b: 2 },
      metrics: { inference_time: 0.5, round_trip_ms: 1500 },
    });
  });
});

describe('request files: variables', () => {
  const request = (input: Record<string, unknown>, extra: Partial<FileRequest> = {}): FileRequest => ({
    endpoint: 'sandbox/echo',
    method: 'run',
    input,
    ...extra,
  });
  const context = (env: Record<string, string>, trusted = true): VariableContext => ({
    trusted,
    env: (name) => env[name],
    workspaceFolder: '/work/space',
  });

  it('tells secret-looking names by whole word parts', () => {
    for (const name of [
      'FAL_KEY',
      'FAL_KEY_ID',
      'FAL_KEY_SECRET',
      'fal_key',
      'API_KEY',
      'GITHUB_TOKEN',
      'GithubToken',
    ])
      assert.ok(isSecretVariable(name), name);
    for (const name of [
      'DB_PASSWORD',
      'AWS_SECRET_ACCESS_KEY',
      'MY_CREDENTIALS',
      'AUTH_HEADER',
      'SESSION_ID',
      'apiKeys',
    ])
      assert.ok(isSecretVariable(name), name);
    for (const name of [
      'MONKEY',
      'PROMPT',
      'IMAGE_URL',
      'KEYBOARD_LAYOUT',
      'TOKENIZER_NAME',
      'AUTHOR',
      'PASSENGER',
    ])
      assert.ok(!isSecretVariable(name), name);
  });

  it('replaces ${env:NAME} and ${workspaceFolder} in input strings, header values and the webhook URL', () => {
    const r = request(
      { prompt: 'a ${env:ANIMAL} in ${env:PLACE}', nested: [{ path: '${workspaceFolder}/x' }], n: 2 },
      { headers: { 'x-custom': '${env:ANIMAL}' }, webhookUrl: 'https://${env:HOST}/hook' },
    );
    assert.deepEqual(variablesIn(r), { env: ['ANIMAL', 'PLACE', 'HOST'], any: true });
    const resolved = resolveVariables(
      r,
      context({ ANIMAL: 'fox', PLACE: 'snow', HOST: 'example.com' }),
      'the request',
    );
    assert.deepEqual(resolved.input, { prompt: 'a fox in snow', nested: [{ path: '/work/space/x' }], n: 2 });
    assert.deepEqual(resolved.headers, { 'x-custom': 'fox' });
    assert.equal(resolved.webhookUrl, 'https://example.com/hook');
    const plain = request({ prompt: 'no variables, ${other} left as is' });
    assert.equal(resolveVariables(plain, context({}, false), 'x'), plain);
  });

  it('never reads the fal key or a secret-looking name, even trusted and set, and says which', () => {
    for (const name of ['FAL_KEY', 'FAL_KEY_ID', 'FAL_KEY_SECRET', 'OPENAI_API_KEY']) {
      const r = request({ prompt: `\${env:${name}}` });
      assert.throws(
        () => resolveVariables(r, context({ [name]: 'the-secret' }), 'request "a" (1 of 2)'),
        (err: Error) =>
          err.message.startsWith(
            `In request "a" (1 of 2): \${env:${name}} is not read: ${name} looks like a secret`,
          ) && !err.message.includes('the-secret'),
      );
    }
    const header = request({}, { headers: { 'x-custom': '${env:FAL_KEY}' } });
    assert.throws(() => checkVariables(header, true, 'the request'), /FAL_KEY looks like a secret/);
    const webhook = request({}, { webhookUrl: 'https://x.test/?k=${env:FAL_KEY}' });
    assert.throws(() => checkVariables(webhook, true, 'the request'), /FAL_KEY looks like a secret/);
  });

  it('resolves nothing in an untrusted workspace, and says why; an unset variable is named', () => {
    assert.throws(
      () =>
        resolveVariables(request({ p: '${env:ANIMAL}' }), context({ ANIMAL: 'fox' }, false), 'the request'),
      /resolved only in a trusted workspace/,
    );
    assert.throws(
      () => resolveVariables(request({ p: '${workspaceFolder}' }), context({}, false), 'the request'),
      /trusted workspace/,
    );
    assert.throws(
      () => resolveVariables(request({ p: '${env:MISSING}' }), context({}), 'the request'),
      /environment variable MISSING is not set/,
    );
    assert.throws(
      () => resolveVariables(request({ p: '${env:not a name}' }), context({}), 'the request'),
      /does not name an environment variable/,
    );
  });
});

describe('request files: $file', () => {
  it('finds {"$file": …} values with their paths and puts URLs in their place', () => {
    const input = { image_url: { $file: 'images/cat.png' }, list: [1, { $file: ' b.png ' }], keep: { a: 1 } };
    const refs = fileReferencesIn(input);
    assert.deepEqual(refs, [
      { path: ['image_url'], file: 'images/cat.png' },
      { path: ['list', 1], file: 'b.png' },
    ]);
    assert.deepEqual(withFileUrls(input, refs, ['http://x/1', 'http://x/2']), {
      image_url: 'http://x/1',
      list: [1, 'http://x/2'],
      keep: { a: 1 },
    });
    assert.throws(() => fileReferencesIn({ a: { $file: 'x.png', other: 1 } }), /"\$file" at a must be alone/);
    assert.throws(
      () => fileReferencesIn({ a: { $file: 3 } }),
      /must be alone in its object with a file path/,
    );
  });
});
