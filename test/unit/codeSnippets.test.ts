// "Copy as code" snippets: valid JavaScript, Python and shell for every method (checked by node,
// Python's parser and bash), no key in any of them, fal's URLs built as the client builds them, and
// the curl snippet run for real against the sandbox.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  codeSnippet,
  pythonValue,
  SNIPPET_LANGUAGES,
  type SnippetCall,
} from '../../src/snippets/codeSnippets';
import type { CallMethod } from '../../src/common/callModel';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { officialSandboxClient } from './officialClient';
import { KEY, useSandbox } from './sandbox-helpers';

const METHODS: CallMethod[] = ['run', 'subscribe', 'submit', 'stream', 'realtime'];
const INPUT = {
  prompt: 'it\'s a "fox"',
  steps: 4,
  enabled: true,
  seed: null,
  size: { w: 1, h: 2 },
  tags: ['a', 'b'],
};
const FULL: Omit<SnippetCall, 'method'> = {
  endpointId: 'fal-ai/flux/dev',
  input: INPUT,
  headers: { 'x-custom': 'one', 'x-api-token': 'very-secret-token' },
  platform: { noRetry: true, storeIo: false, priority: 'low', hint: 'runner-7', startTimeout: 30 },
  webhookUrl: 'https://example.com/hook?x=1',
};

/**
 * The keyword arguments fal_client's calls accept, copied from /work/shared/fal-protocol.md §13
 * ("The Python client's call signatures": fal `projects/fal_client/src/fal_client/client.py`,
 * `SyncClient`, at c6f0afa). `application` and `arguments` may be passed by keyword too.
 */
const FAL_CLIENT_KEYWORDS: Readonly<Record<CallMethod, readonly string[]>> = {
  run: ['application', 'arguments', 'path', 'timeout', 'start_timeout', 'hint', 'headers'],
  submit: ['application', 'arguments', 'path', 'hint', 'webhook_url', 'priority', 'headers', 'start_timeout'],
  subscribe: [
    'application',
    'arguments',
    'path',
    'hint',
    'with_logs',
    'interval',
    'on_enqueue',
    'on_queue_update',
    'priority',
    'headers',
    'start_timeout',
    'client_timeout',
  ],
  stream: ['application', 'arguments', 'path', 'timeout', 'headers'],
  realtime: [
    'application',
    'use_jwt',
    'path',
    'max_buffering',
    'token_expiration',
    'encode_message',
    'decode_message',
  ],
};

/** Every `fal_client.<name>(...)` call in a Python source, with its keyword argument names (by Python's ast). */
function falClientCalls(source: string): Array<{ name: string; keywords: string[] }> {
  const script = [
    'import ast, json, sys',
    'calls = []',
    'for node in ast.walk(ast.parse(sys.stdin.read())):',
    '    f = getattr(node, "func", None)',
    '    if isinstance(node, ast.Call) and isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "fal_client":',
    '        calls.append({"name": f.attr, "keywords": [k.arg for k in node.keywords]})',
    'print(json.dumps(calls))',
  ].join('\n');
  const py = spawnSync('python3', ['-c', script], { input: source, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as Array<{ name: string; keywords: string[] }>;
}

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-snippet-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('copy as code: snippets', () => {
  for (const method of METHODS) {
    it(`${method}: JavaScript parses as a module, Python parses, curl passes bash -n`, () => {
      const call = { ...FULL, method };
      const js = spawnSync(
        process.execPath,
        ['--check', tmpFile('snippet.mjs', codeSnippet('javascript', call))],
        { encoding: 'utf8' },
      );
      assert.equal(js.status, 0, js.stderr);
      const py = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], {
        input: codeSnippet('python', call),
        encoding: 'utf8',
      });
      assert.equal(py.status, 0, py.stderr);
      const sh = spawnSync('bash', ['-n', tmpFile('snippet.sh', codeSnippet('curl', call))], {
        encoding: 'utf8',
      });
      assert.equal(sh.status, 0, sh.stderr);
    });
  }

  for (const method of METHODS) {
    it(`${method}: the Python snippet passes fal_client.${method} only keywords it accepts, headers where it takes them`, () => {
      const source = codeSnippet('python', { ...FULL, method });
      const calls = falClientCalls(source).filter((c) => c.name in FAL_CLIENT_KEYWORDS);
      assert.deepEqual(
        calls.map((c) => c.name),
        [method],
        source,
      );
      const [{ keywords }] = calls;
      const unknown = keywords.filter((k) => !FAL_CLIENT_KEYWORDS[method].includes(k));
      assert.deepEqual(unknown, [], `fal_client.${method} takes no ${unknown.join(', ')}:\n${source}`);
      // Every method that takes headers gets the custom ones (and the platform options it has no argument for).
      assert.equal(keywords.includes('headers'), FAL_CLIENT_KEYWORDS[method].includes('headers'), source);
      if (keywords.includes('headers')) assert.match(source, /"x-custom": "one"/);
      if (FAL_CLIENT_KEYWORDS[method].includes('start_timeout')) {
        assert.ok(keywords.includes('start_timeout'), source);
        assert.ok(
          !source.includes(`"${FAL_HEADERS.requestTimeout}"`),
          'the start timeout is sent once, as start_timeout',
        );
      }
    });
  }

  it('never contains the key, and masks custom headers that look like secrets', () => {
    const saved = process.env.FAL_KEY;
    process.env.FAL_KEY = 'snippet-key-id:snippet-key-secret';
    try {
      for (const language of SNIPPET_LANGUAGES) {
        for (const method of METHODS) {
          const text = codeSnippet(language, { ...FULL, method });
          assert.ok(!text.includes('snippet-key-secret'), `${language} ${method} has the key`);
          assert.ok(!text.includes('very-secret-token'), `${language} ${method} has the token header`);
          assert.match(text, /FAL_KEY/, `${language} ${method} says where the key comes from`);
        }
      }
    } finally {
      if (saved === undefined) delete process.env.FAL_KEY;
      else process.env.FAL_KEY = saved;
    }
  });

  it('builds fal URLs as the client does: sub-path for submit, app id only for status and result', () => {
    const text = codeSnippet('curl', { ...FULL, method: 'submit' });
    assert.match(
      text,
      /'https:\/\/queue\.fal\.run\/fal-ai\/flux\/dev\?fal_webhook=https%3A%2F%2Fexample\.com%2Fhook%3Fx%3D1'/,
    );
    assert.ok(
      text.includes(`'https://queue.fal.run/fal-ai/flux/requests/'"$REQUEST_ID"'/status?logs=1'`),
      text,
    );
    assert.ok(text.includes(`'https://queue.fal.run/fal-ai/flux/requests/'"$REQUEST_ID"\n`), text);
    assert.match(
      codeSnippet('curl', { ...FULL, method: 'stream' }),
      /'https:\/\/fal\.run\/fal-ai\/flux\/dev\/stream'/,
    );
    assert.match(
      codeSnippet('javascript', { ...FULL, method: 'subscribe' }),
      /priority: "low",\n {2}hint: "runner-7",\n {2}startTimeout: 30/,
    );
    assert.match(
      codeSnippet('python', { ...FULL, method: 'submit' }),
      /webhook_url="https:\/\/example\.com\/hook\?x=1"/,
    );
  });

  it('keeps shell expansions out of the curl snippet, even from an odd endpoint id or input', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-snippet-'));
    const text = codeSnippet('curl', {
      endpointId: 'acme/REQUEST_ID',
      method: 'submit',
      input: { prompt: "$(touch PWNED) `touch PWNED` ${IFS} it's \\ \n done" },
      webhookUrl: 'https://example.com/$(touch PWNED)',
    });
    // Run it with curl replaced by a function that prints its arguments.
    const script = `curl() { printf '%s\\n' "$@"; }\nREQUEST_ID=abc\nFAL_KEY=k\n${text}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: dir });
    assert.deepEqual(fs.readdirSync(dir), [], 'the snippet ran something');
    assert.ok(stdout.includes('https://queue.fal.run/acme/REQUEST_ID/requests/abc/status?logs=1'), stdout);
    assert.ok(stdout.includes('"prompt":"$(touch PWNED) `touch PWNED` ${IFS} it\'s \\\\ \\n done"'), stdout);
  });

  it('writes JSON values as Python literals', () => {
    assert.equal(
      pythonValue({ a: true, b: false, c: null, d: [1, 'x'] }, 0),
      '{\n    "a": True,\n    "b": False,\n    "c": None,\n    "d": [\n        1,\n        "x",\n    ],\n}',
    );
  });

  describe('snippets run against the sandbox', () => {
    const s = useSandbox();

    for (const method of ['run', 'subscribe', 'submit', 'stream'] as const) {
      it(`the JavaScript ${method} snippet works with the official @fal-ai/client`, async () => {
        const source = codeSnippet('javascript', { endpointId: 'sandbox/echo', method, input: INPUT });
        const body = source.replace('import { fal } from "@fal-ai/client";', '');
        assert.notEqual(body, source, 'the snippet imports fal from @fal-ai/client');
        const logged: unknown[] = [];
        const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
          ...args: string[]
        ) => (...values: unknown[]) => Promise<void>;
        const run = new AsyncFunction('fal', 'console', body);
        await run(officialSandboxClient(s.hosts, KEY), {
          log: (v: unknown) => logged.push(v),
          error: () => {},
        });
        assert.deepEqual(logged[logged.length - 1], INPUT);
      });
    }

    it('returns the output of a run, quotes included', async () => {
      const script = codeSnippet('curl', {
        endpointId: 'sandbox/echo',
        method: 'run',
        input: INPUT,
        headers: { 'x-custom': 'one' },
      }).replace('https://fal.run', `${s.url}/run`);
      // Asynchronously: the sandbox answering curl runs in this very process.
      const { stdout } = await promisify(execFile)('bash', ['-c', script], {
        env: { ...process.env, FAL_KEY: KEY },
      });
      assert.deepEqual(JSON.parse(stdout), INPUT);
    });
  });
});
