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
