// The fault matrix through the extension's runner, over loopback to a real sandbox and its fault
// injection (src/sandbox/faults.ts): each case checks the record the user sees afterwards, which
// keeps its input and says what happened and what to do. The client-level behaviour of the same
// faults (which are retried, how) is in client-faults.test.ts; SECURITY.md's "Fault matrix" lists
// every case with the test covering it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import type { CallSpec, RequestRecord } from '../../src/common/callModel';
import type { Message } from '../../src/common/messages';
import { CompletionNotifier, USE_EMBEDDED_SANDBOX_COMMAND } from '../../src/requests/completionNotifier';
import { OUTPUT_PREVIEW_BYTES } from '../../src/requests/outputFiles';
import { RequestRunner, type RequestRunnerOptions } from '../../src/requests/requestRunner';
import type { RequestStore } from '../../src/requests/requestStore';
import { realtimeSettings } from '../../src/sandbox/realtime';
import { waitUntil } from './realtime-helpers';
import { armFault, LogLines, newStore, SandboxConnections } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

const fault = (spec: string) => ({ 'x-sandbox-fault': spec });

describe('runner: the fault matrix', () => {
  const sandboxLog: string[] = [];
  const sandbox = useSandbox({ concurrency: 4, keepaliveMs: 200, log: (line) => sandboxLog.push(line) });
  let store: RequestStore;
  let log: LogLines;
  let runner: RequestRunner | undefined;
  let connections: SandboxConnections;

  /** A runner over a client whose retries wait at most `maxDelayMs` (Retry-After is capped by it). */
  function makeRunner(options: RequestRunnerOptions = {}, maxDelayMs = 50, url = () => sandbox.url) {
    connections = new SandboxConnections(url, 'sandbox', { baseDelayMs: 2, maxDelayMs });
    runner = new RequestRunner(store, connections, log, options);
    return runner;
  }

  /** Makes the call and resolves with its record once it ended, checking it kept its input. */
  async function settle(spec: CallSpec): Promise<RequestRecord> {
    const ended = await (await (runner ?? makeRunner()).start(spec)).done;
    assert.deepEqual(store.get(ended.id)?.input, spec.input, 'the record keeps its input');
    return ended;
  }

  const completed = (record: RequestRecord) =>
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
  const failed = (record: RequestRecord) => {
    assert.equal(record.state, 'FAILED', JSON.stringify(record));
    assert.ok(record.error?.message, 'the record says what happened');
    assert.ok(record.error?.hint, 'the record says what to do');
    return record.error;
  };

  beforeEach(async () => {
    store = newStore();
    log = new LogLines();
    runner = undefined;
    sandboxLog.length = 0;
    await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'DELETE' });
  });
  afterEach(() => runner?.dispose());

  it('429 twice, then success: each retry waits what Retry-After says, and the record completes', async () => {
    makeRunner({}, 5_000);
    await armFault(sandbox.url, { kind: '429', times: 2, on: 'run', retry_after: 0.15 });
    const begun = Date.now();
    const record = await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 429 } });
    const took = Date.now() - begun;
    completed(record);
    assert.deepEqual(record.output, { n: 429 });
    assert.deepEqual(
      connections.retries.map((r) => r.delayMs),
      [150, 150],
    );
    assert.ok(took >= 300, `the retries waited ${took} ms, not 2 × 150 ms`);

    await armFault(sandbox.url, { kind: '429', times: 4, on: 'run', retry_after: 0 });
    const error = failed(await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 4 } }));
    assert.equal(error?.status, 429);
    assert.match(error!.hint!, /concurrency limit/);
  });

  it("502 from nginx: retried; when it persists, the record says fal's gateway failed, and to call again", async () => {
    await armFault(sandbox.url, { kind: '502-nginx', times: 1, on: 'submit' });
    completed(await settle({ endpointId: 'sandbox/echo', method: 'subscribe', input: { n: 502 } }));
    assert.equal(connections.retries.length, 1);

    await armFault(sandbox.url, { kind: '502-nginx', times: 4, on: 'run' });
    const error = failed(await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 5 } }));
    assert.equal(error?.status, 502);
    assert.match(error!.message, /502 Bad Gateway/);
    assert.match(error!.message, /nginx/, 'says the page came from a proxy, not from the endpoint');
    assert.doesNotMatch(error!.message, /<html|<center/i, 'no HTML in the message');
    assert.match(error!.hint!, /call again/i);
  });

  it('503: retried; when it persists, the record says fal found no runner, and to call again', async () => {
    await armFault(sandbox.url, { kind: '503', times: 2, on: 'submit' });
    completed(await settle({ endpointId: 'sandbox/echo', method: 'subscribe', input: { n: 503 } }));
    assert.equal(connections.retries.length, 2);

    await armFault(sandbox.url, { kind: '503', times: 4, on: 'run' });
    const error = failed(await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 3 } }));
    assert.equal(error?.errorType, 'runner_scheduling_failure');
    assert.match(error!.message, /no runner to serve the request \(503 runner_scheduling_failure\)/);
  });

  it('504 user timeout: not retried, and the record says so', async () => {
    await armFault(sandbox.url, { kind: '504-user', times: 1, on: 'submit' });
    const error = failed(
      await settle({
        endpointId: 'sandbox/echo',
        method: 'subscribe',
        input: { n: 504 },
        platform: { startTimeout: 5 },
      }),
    );
    assert.equal(connections.retries.length, 0, 'not retried');
    assert.equal(error?.status, 504);
    assert.match(error!.message, /No runner started within 5 s/);
    assert.match(error!.message, /not retried/);
  });

  it('a reset before the response and one in the middle of the body: retried, then completed; if it persists, a clear error', async () => {
    await armFault(sandbox.url, { kind: 'reset', times: 1, on: 'run' });
    completed(await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 'reset' } }));
    const big = 'x'.repeat(5_000);
    const record = await settle({
      endpointId: 'sandbox/echo',
      method: 'subscribe',
      input: { big },
      headers: fault('reset-mid-body;on=result'),
    });
    completed(record);
    assert.deepEqual(record.output, { big });
    assert.equal(connections.retries.length, 2);

    await armFault(sandbox.url, { kind: 'reset-mid-body', times: 4, on: 'run' });
    const error = failed(await settle({ endpointId: 'sandbox/echo', method: 'run', input: { big } }));
    assert.match(error!.message, /ECONNRESET|aborted|hang up/i);
    assert.match(error!.hint!, /call again/i);
  });

  it('the status stream cut: the runner falls back to polling and the record completes', async () => {
    const record = await settle({
      endpointId: 'sandbox/slow',
      method: 'subscribe',
      input: { duration_ms: 150, steps: 2 },
      headers: fault('stream-cut:1;on=status-stream'),
    });
    completed(record);
    assert.deepEqual(record.output, { duration_ms: 150, steps: 2 });
  });

  it('an SSE stream cut half way: the record fails saying so, and keeps the events so far', async () => {
    const record = await settle({
      endpointId: 'sandbox/echo',
      method: 'stream',
      input: { a: 1, b: 2, c: 3, d: 4 },
      headers: fault('stream-cut:2'),
    });
    const error = failed(record);
    assert.match(error!.message, /The stream broke after 2 events/);
    assert.deepEqual(record.output, { b: 2 }, 'the last event so far is the output');
    assert.match(error!.hint!, /call again/i);
    const events = log.lines.filter((line) => line.includes('sandbox/echo event'));
    assert.equal(events.length, 2, log.lines.join('\n'));
  });

  it('a runner failure is retried by the queue; with x-fal-no-retry it is not, and the record says so', async () => {
    completed(
      await settle({
        endpointId: 'sandbox/echo',
        method: 'subscribe',
        input: { n: 'runner' },
        headers: fault('runner-fail:2'),
      }),
    );
    const error = failed(
      await settle({
        endpointId: 'sandbox/echo',
        method: 'subscribe',
        input: { n: 'no-retry' },
        headers: fault('runner-fail:1'),
        platform: { noRetry: true },
      }),
    );
    assert.equal(error?.errorType, 'runner_disconnected');
    assert.match(error!.hint!, /x-fal-no-retry/);
  });

  it('a realtime token expiring mid-session: refreshed while connected, and no call is lost', async () => {
    makeRunner({ realtimeTokenSeconds: 1 });
    const echo = (n: number): CallSpec => ({ endpointId: 'sandbox/echo', method: 'realtime', input: { n } });
    const outputs: unknown[] = [];
    // The session's idle period (read at its handshake) is longer than the gaps between calls.
    const idle = realtimeSettings.idleTimeoutMs;
    realtimeSettings.idleTimeoutMs = 600;
    try {
      // Calls every 100 ms for 1.5 s: the first token (1 s) expires in the middle of the session.
      for (let n = 0; n < 15; n++) {
        const record = await settle(echo(n));
        completed(record);
        outputs.push(record.output);
        if (n === 0) realtimeSettings.idleTimeoutMs = idle;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      realtimeSettings.idleTimeoutMs = idle;
    }
    assert.deepEqual(
      outputs,
      Array.from({ length: 15 }, (_, n) => ({ n, seq: n + 1 })),
      'one socket, every call answered in order',
    );
    const issued = () => sandboxLog.filter((line) => /tokens: issued/.test(line)).length;
    assert.ok(issued() >= 2, 'the token was refreshed while connected');
    const count = (pattern: RegExp) => sandboxLog.filter((line) => pattern.test(line)).length;
    assert.equal(count(/sandbox\/echo connected/), 1);
    // The server ends the idle session, its first token long expired; the next call reconnects
    // with the refreshed one.
    await waitUntil(() => count(/sandbox\/echo closed/) === 1, 'the server to close the idle session');
    const again = await settle(echo(16));
    completed(again);
    assert.deepEqual(again.output, { n: 16, seq: 1 }, 'on a new session');
  });

  it('slow headers past the client timeout: the call is given up with a clear timeout, not retried', async () => {
    makeRunner({ callTimeoutMs: () => 300 });
    const error = failed(
      await settle({
        endpointId: 'sandbox/echo',
        method: 'run',
        input: { n: 'slow' },
        headers: fault('slow-headers:3000'),
      }),
    );
    assert.match(error!.message, /No reply from sandbox\/echo within 0\.3 s/);
    assert.match(error!.hint!, /fal\.timeoutSeconds/);
    assert.equal(connections.retries.length, 0);
  });

  it('invalid JSON from the server: the record says the reply was not JSON, and what to do', async () => {
    const error = failed(
      await settle({
        endpointId: 'sandbox/echo',
        method: 'run',
        input: { n: 1 },
        headers: fault('bad-json'),
      }),
    );
    assert.match(error!.message, /not valid JSON/);
    assert.match(error!.hint!, /call again/i);
  });

  it('a response too large to read: written to the output file as it comes, the record keeps a preview', async () => {
    const record = await settle({
      endpointId: 'sandbox/echo',
      method: 'subscribe',
      input: { n: 'big' },
      headers: fault('big-body:12;on=result'),
    });
    completed(record);
    assert.equal(record.output, undefined, 'never read into the record');
    assert.ok(record.outputPreview?.startsWith('{"n":"big","_sandbox_padding":"xxx'), record.outputPreview);
    assert.equal(Buffer.byteLength(record.outputPreview!), OUTPUT_PREVIEW_BYTES);
    const { file, name } = store.outputFileOf(record.id);
    assert.equal(record.outputFile, name);
    assert.equal(fs.statSync(file).size, record.outputBytes);
    assert.ok(record.outputBytes! > 12 * 1024 * 1024);
    const saved = (await store.output(record.id)) as { n: string; _sandbox_padding: string };
    assert.equal(saved.n, 'big', 'the file holds the whole reply');
    assert.equal(saved._sandbox_padding.length, 12 * 1024 * 1024);
    assert.ok(!fs.existsSync(`${file}.part`));
  });

  it('the sandbox target not running: the record says nothing answers there and how to start it', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    makeRunner({}, 50, () => `http://127.0.0.1:${port}`);
    const ended = await settle({ endpointId: 'sandbox/echo', method: 'run', input: { n: 0 } });
    const error = failed(ended);
    assert.match(error!.message, new RegExp(`No fal sandbox is running at http://127\\.0\\.0\\.1:${port}`));
    assert.match(error!.hint!, /npm run sandbox -- --port \d+/);
    assert.match(error!.hint!, /fal\.sandboxUrl/);
    // The failure's message offers the fix: a button that makes calls go to the embedded sandbox.
    const shown: Message[] = [];
    const notifier = new CompletionNotifier(store, { show: (m) => shown.push(m) });
    notifier.showFailure(ended);
    notifier.dispose();
    assert.deepEqual(shown[0]?.actions?.[0], {
      title: 'Use the Embedded Sandbox',
      command: USE_EMBEDDED_SANDBOX_COMMAND,
    });
  });
});
