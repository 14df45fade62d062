// The queue calls and subscribe against the sandbox over loopback: submit/status/streamStatus/
// result/cancel, queue positions, logs, platform headers, subscribe in streaming and polling modes,
// its timeout (cancel + clear error) and abort.
import * as assert from 'node:assert/strict';
import { ApiError, FalAbortError, FalTimeoutError, ValidationError } from '../../src/fal/errors';
import type { QueueStatus } from '../../src/fal/types';
import { useSandboxClient } from './clientSandbox';

describe('client: queue and subscribe (sandbox)', () => {
  const h = useSandboxClient();

  it('submits, polls status with logs, and fetches the result', async () => {
    const q = h.client.queue;
    const submitted = await q.submit('sandbox/echo', { input: { hello: 'queue' } });
    assert.equal(submitted.status, 'IN_QUEUE');
    assert.match(submitted.request_id, /\S+/);
    assert.ok(submitted.status_url.endsWith(`/requests/${submitted.request_id}/status`));
    let status: QueueStatus;
    do status = await q.status('sandbox/echo', { requestId: submitted.request_id, logs: true });
    while (status.status !== 'COMPLETED');
    assert.ok(Array.isArray(status.logs) && status.logs.length >= 1);
    assert.equal(typeof status.metrics?.inference_time, 'number');
    const result = await q.result('sandbox/echo', { requestId: submitted.request_id });
    assert.deepEqual(result.data, { hello: 'queue' });
    assert.equal(result.requestId, submitted.request_id);
  });

  it('uses the sub-path for submit but not for status, result and cancel', async () => {
    const q = h.client.queue;
    const { request_id } = await q.submit('sandbox/echo/v2/extra', { input: { sub: 1 } });
    await h.client.queue.subscribeToStatus('sandbox/echo/v2/extra', {
      requestId: request_id,
      mode: 'polling',
      pollInterval: 5,
    });
    const result = await q.result('sandbox/echo/v2/extra', { requestId: request_id });
    assert.deepEqual(result.data, { sub: 1 });
  });

  it('reports real queue positions', async () => {
    const q = h.client.queue;
    const a = await q.submit('sandbox/slow', { input: { duration_ms: 300 } });
    const b = await q.submit('sandbox/slow', { input: { duration_ms: 10 } });
    const c = await q.submit('sandbox/slow', { input: { duration_ms: 10 } });
    assert.equal(c.queue_position, 1);
    const status = await q.status('sandbox/slow', { requestId: c.request_id });
    assert.equal(status.status, 'IN_QUEUE');
    assert.equal(status.status === 'IN_QUEUE' && status.queue_position, 1);
    for (const r of [a, b, c]) await q.cancel('sandbox/slow', { requestId: r.request_id }).catch(() => {});
  });

  it('low priority waits behind normal', async () => {
    const q = h.client.queue;
    const running = await q.submit('sandbox/slow', { input: { duration_ms: 200 } });
    const low = await q.submit('sandbox/slow', { input: { duration_ms: 10 }, priority: 'low' });
    const normal = await q.submit('sandbox/slow', { input: { duration_ms: 10 } });
    const lowStatus = await q.status('sandbox/slow', { requestId: low.request_id });
    const normalStatus = await q.status('sandbox/slow', { requestId: normal.request_id });
    assert.equal(normalStatus.status === 'IN_QUEUE' && normalStatus.queue_position, 0);
    assert.equal(lowStatus.status === 'IN_QUEUE' && lowStatus.queue_position, 1);
    for (const r of [running, low, normal])
      await q.cancel('sandbox/slow', { requestId: r.request_id }).catch(() => {});
  });

  it('follows the status stream with only new log lines per event', async () => {
    const q = h.client.queue;
    const { request_id } = await q.submit('sandbox/slow', { input: { duration_ms: 60, steps: 3 } });
    const stream = await q.streamStatus('sandbox/slow', { requestId: request_id, logs: true });
    const events: QueueStatus[] = [];
    for await (const event of stream) events.push(event);
    assert.equal(events.at(-1)?.status, 'COMPLETED');
    const lines = events.flatMap((e) => e.logs ?? []).map((l) => l.message);
    assert.equal(new Set(lines).size, lines.length, 'no log line is sent twice');
    const full = await q.status('sandbox/slow', { requestId: request_id, logs: true });
    assert.deepEqual(
      lines,
      (full.logs ?? []).map((l) => l.message),
    );
  });

  it('cancels a running request: 202, then COMPLETED with a 499 result', async () => {
    const q = h.client.queue;
    const { request_id } = await q.submit('sandbox/slow', { input: { duration_ms: 5000 } });
    const reply = await q.cancel('sandbox/slow', { requestId: request_id });
    assert.deepEqual(reply, { status: 'CANCELLATION_REQUESTED' });
    await q.subscribeToStatus('sandbox/slow', { requestId: request_id, mode: 'streaming' });
    const error = await q.result('sandbox/slow', { requestId: request_id }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 499);
    const again = await q.cancel('sandbox/slow', { requestId: request_id }).catch((e: unknown) => e);
    assert.ok(again instanceof ApiError && again.status === 400);
    const missing = await q.cancel('sandbox/slow', { requestId: 'no-such-request' }).catch((e: unknown) => e);
    assert.ok(missing instanceof ApiError && missing.status === 404);
  });

  it('subscribes in streaming mode (default) with logs and queue updates', async () => {
    const updates: QueueStatus[] = [];
    let enqueued = '';
    const result = await h.client.subscribe<Record<string, unknown>>('sandbox/image', {
      input: { prompt: 'sub', num_inference_steps: 3 },
      logs: true,
      onEnqueue: (id) => (enqueued = id),
      onQueueUpdate: (s) => updates.push(s),
    });
    assert.ok(Array.isArray(result.data.images));
    assert.equal(result.requestId, enqueued);
    assert.equal(updates.at(-1)?.status, 'COMPLETED');
    const lastLogs = updates.at(-1)?.logs ?? [];
    assert.ok(lastLogs.length >= 3, `logs accumulate across events: ${lastLogs.length}`);
  });

  it('subscribes in polling mode with logs and queue position', async () => {
    const q = h.client.queue;
    const blocker = await q.submit('sandbox/slow', { input: { duration_ms: 150 } });
    const updates: QueueStatus[] = [];
    const result = await h.client.subscribe('sandbox/slow', {
      input: { duration_ms: 20, steps: 2 },
      logs: true,
      mode: 'polling',
      pollInterval: 10,
      onQueueUpdate: (s) => updates.push(s),
    });
    assert.deepEqual(result.data, { duration_ms: 20, steps: 2 });
    assert.equal(updates[0].status, 'IN_QUEUE');
    assert.equal(updates.at(-1)?.status, 'COMPLETED');
    assert.ok((updates.at(-1)?.logs ?? []).length >= 2);
    await q.cancel('sandbox/slow', { requestId: blocker.request_id }).catch(() => {});
  });

  it('surfaces a failed request from the result call', async () => {
    const error = await h.client
      .subscribe('sandbox/error', { input: { status: 422, detail: 'bad field' } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError);
    assert.equal(error.fieldErrors[0].msg, 'bad field');
  });

  it('times out: cancels the request and rejects with a clear error', async () => {
    let requestId = '';
    const error = await h.client
      .subscribe('sandbox/slow', {
        input: { duration_ms: 5000 },
        timeout: 80,
        onEnqueue: (id) => (requestId = id),
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof FalTimeoutError);
    assert.match(error.message, /timed out waiting for the request to complete after 80ms/);
    assert.equal(error.requestId, requestId);
    // The cancel was fired: the request ends COMPLETED with a 499 result.
    await h.client.queue.subscribeToStatus('sandbox/slow', { requestId, mode: 'polling', pollInterval: 10 });
    const result = await h.client.queue.result('sandbox/slow', { requestId }).catch((e: unknown) => e);
    assert.ok(result instanceof ApiError && result.status === 499);
  });

  it('times out in polling mode too', async () => {
    await assert.rejects(
      h.client.subscribe('sandbox/slow', {
        input: { duration_ms: 5000 },
        timeout: 50,
        mode: 'polling',
        pollInterval: 10,
      }),
      FalTimeoutError,
    );
  });

  it('aborts a subscription', async () => {
    const controller = new AbortController();
    const pending = h.client.subscribe('sandbox/slow', {
      input: { duration_ms: 5000 },
      abortSignal: controller.signal,
      onEnqueue: () => setTimeout(() => controller.abort(), 20),
    });
    await assert.rejects(pending, FalAbortError);
  });

  it('passes startTimeout, hint and headers; a user-timeout 504 is not retried', async () => {
    const q = h.client.queue;
    const blocker = await q.submit('sandbox/slow', { input: { duration_ms: 3000 } });
    const error = await h.client
      .subscribe('sandbox/slow', {
        input: { duration_ms: 10 },
        startTimeout: 1.05,
        hint: 'runner-a',
        headers: { 'X-Fal-Store-IO': '0' },
        mode: 'polling',
        pollInterval: 20,
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 504);
    assert.ok(error.isUserTimeout);
    assert.equal(h.retries.length, 0);
    await q.cancel('sandbox/slow', { requestId: blocker.request_id }).catch(() => {});
  });
});
