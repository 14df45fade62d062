// Every sandbox fault kind as the client sees it: which are retried (and how Retry-After is used),
// which fail at once with a clear error, and how subscribe survives a cut status stream.
import * as assert from 'node:assert/strict';
import { ApiError, FalTimeoutError, NetworkError, ProtocolError } from '../../src/fal/errors';
import type { QueueStatus } from '../../src/fal/types';
import { useSandboxClient } from './clientSandbox';

const fault = (spec: string) => ({ 'x-sandbox-fault': spec });

describe('client: sandbox faults', () => {
  const h = useSandboxClient();

  it('429 twice, then success: retried, waiting what Retry-After says', async () => {
    await h.arm({ kind: '429', times: 2, on: 'run', retry_after: 0.03 });
    const result = await h.client.run('sandbox/echo', { input: { ok: 1 } });
    assert.deepEqual(result.data, { ok: 1 });
    assert.equal(h.retries.length, 2);
    assert.deepEqual(
      h.retries.map((r) => [(r.error as ApiError).status, r.delayMs]),
      [
        [429, 30],
        [429, 30],
      ],
    );
  });

  it('429 on every attempt: gives up after maxRetries with the 429', async () => {
    const error = await h.client
      .run('sandbox/echo', { input: {}, headers: fault('429;retry-after=0') })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError && error.status === 429);
    assert.equal(error.message, 'Rate limit exceeded');
    assert.equal(h.retries.length, 3);
  });

  it('502 from nginx (HTML, no request id) is retried', async () => {
    await h.arm({ kind: '502-nginx', times: 1, on: 'submit' });
    const submitted = await h.client.queue.submit('sandbox/echo', { input: { a: 1 } });
    assert.match(submitted.request_id, /\S+/);
    assert.equal(h.retries.length, 1);
    const first = h.retries[0].error as ApiError;
    assert.equal(first.status, 502);
    assert.equal(first.requestId, '');
    assert.match(String(first.body), /nginx/);
    assert.match(first.message, /^HTTP 502/);
  });

  it('503 on status is retried', async () => {
    const { request_id } = await h.client.queue.submit('sandbox/echo', { input: {} });
    await h.arm({ kind: '503', times: 2, on: 'status' });
    const status = await h.client.queue.status('sandbox/echo', { requestId: request_id });
    assert.ok(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'].includes(status.status));
    assert.equal(h.retries.length, 2);
  });

  it('504 with the user timeout type is never retried', async () => {
    await h.arm({ kind: '504-user', times: 1, on: 'run' });
    const error = await h.client.run('sandbox/echo', { input: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.ok(error.isUserTimeout);
    assert.equal(error.timeoutType, 'user');
    assert.equal(h.retries.length, 0);
  });

  it('a reset connection is retried', async () => {
    await h.arm({ kind: 'reset', times: 1, on: 'run' });
    const result = await h.client.run('sandbox/echo', { input: { after: 'reset' } });
    assert.deepEqual(result.data, { after: 'reset' });
    assert.equal(h.retries.length, 1);
    assert.ok(h.retries[0].error instanceof NetworkError);
  });

  it('a reply cut mid-body is retried (bound on submit to the result call)', async () => {
    const result = await h.client.subscribe('sandbox/echo', {
      input: { big: 'x'.repeat(1000) },
      headers: fault('reset-mid-body;on=result'),
    });
    assert.equal((result.data as { big: string }).big.length, 1000);
    assert.equal(h.retries.length, 1);
    assert.ok(h.retries[0].error instanceof NetworkError);
  });

  it('bad JSON is a clear error, not retried', async () => {
    const error = await h.client
      .run('sandbox/echo', { input: { a: 1 }, headers: fault('bad-json') })
      .catch((e) => e);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.match(error.message, /Invalid JSON in the reply to POST .*sandbox\/echo/);
    assert.equal(h.retries.length, 0);
    const stream = await h.client.stream('sandbox/echo', { input: { a: 1 }, headers: fault('bad-json') });
    await assert.rejects(stream.done(), /Invalid JSON in event 1/);
  });

  it('slow headers: waited for without a timeout, a clear timeout with one', async () => {
    const slow = await h.client.run('sandbox/echo', { input: { s: 1 }, headers: fault('slow-headers:50') });
    assert.deepEqual(slow.data, { s: 1 });
    const error = await h.client
      .run('sandbox/echo', { input: {}, headers: fault('slow-headers:2000'), timeout: 40 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof FalTimeoutError);
    assert.equal(h.retries.length, 0);
  });

  it('a big body arrives whole', async () => {
    const result = await h.client.run<{ a: number; _sandbox_padding: string }>('sandbox/echo', {
      input: { a: 1 },
      headers: fault('big-body:3'),
    });
    assert.equal(result.data.a, 1);
    assert.equal(result.data._sandbox_padding.length, 3 * 1024 * 1024);
  });

  it('a cut /stream fails done() and the iterator clearly', async () => {
    const stream = await h.client.stream('sandbox/echo', {
      input: { a: 1, b: 2 },
      headers: fault('stream-cut:1'),
    });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const event of stream) seen.push(event);
    })().catch((e: unknown) => e);
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /broke after 1 event/);
    assert.deepEqual(seen, [{ a: 1 }]);
    await assert.rejects(stream.done(), NetworkError);
  });

  it('subscribe falls back to polling when the status stream is cut', async () => {
    const updates: QueueStatus[] = [];
    const result = await h.client.subscribe('sandbox/slow', {
      input: { duration_ms: 80, steps: 2 },
      logs: true,
      pollInterval: 10,
      headers: fault('stream-cut:1;on=status-stream'),
      onQueueUpdate: (s) => updates.push(s),
    });
    assert.deepEqual(result.data, { duration_ms: 80, steps: 2 });
    assert.equal(updates.at(-1)?.status, 'COMPLETED');
    assert.ok(updates.length >= 2);
  });

  it('subscribe falls back to polling when the status stream is spoiled', async () => {
    const result = await h.client.subscribe('sandbox/echo', {
      input: { v: 1 },
      pollInterval: 10,
      headers: fault('bad-json;on=status-stream'),
    });
    assert.deepEqual(result.data, { v: 1 });
  });

  it('runner failures are retried by the sandbox, unless x-fal-no-retry', async () => {
    const ok = await h.client.subscribe('sandbox/echo', { input: { r: 1 }, headers: fault('runner-fail:2') });
    assert.deepEqual(ok.data, { r: 1 });
    const error = await h.client
      .subscribe('sandbox/echo', {
        input: { r: 1 },
        headers: { ...fault('runner-fail:1'), 'x-fal-no-retry': '1' },
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.ok(error.status >= 500, String(error.status));
  });
});
