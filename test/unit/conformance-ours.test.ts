// The scenarios the official @fal-ai/client conformance test runs against the sandbox (run;
// subscribe polling and streaming with logs; submit, status, result, cancel; stream; ValidationError
// on a 422), run with our client, so both clients are held to the same behaviour.
import * as assert from 'node:assert/strict';
import { ApiError, ValidationError } from '../../src/fal/errors';
import type { QueueStatus } from '../../src/fal/types';
import { useSandboxClient } from './clientSandbox';

describe('conformance: our client against the sandbox', () => {
  const h = useSandboxClient();

  it('run', async () => {
    const result = await h.client.run('sandbox/echo', { input: { prompt: 'conformance', n: 3 } });
    assert.deepEqual(result.data, { prompt: 'conformance', n: 3 });
    assert.ok(result.requestId);
  });

  for (const mode of ['polling', 'streaming'] as const) {
    it(`subscribe (${mode}) with logs`, async () => {
      const updates: QueueStatus[] = [];
      let enqueued: string | undefined;
      const result = await h.client.subscribe<{ images: Array<{ url: string }> }>('sandbox/image', {
        input: { prompt: 'conformance', num_inference_steps: 2, seed: 1 },
        logs: true,
        mode,
        pollInterval: 20,
        onEnqueue: (id) => (enqueued = id),
        onQueueUpdate: (u) => updates.push(u),
      });
      assert.equal(result.requestId, enqueued);
      assert.equal(result.data.images.length, 1);
      const last = updates.at(-1);
      assert.equal(last?.status, 'COMPLETED');
      assert.ok((last?.logs ?? []).length > 0, 'logs were delivered');
    });
  }

  it('submit, status, result, cancel', async () => {
    const q = h.client.queue;
    const submitted = await q.submit('sandbox/echo', { input: { v: 1 } });
    assert.equal(submitted.status, 'IN_QUEUE');
    await q.subscribeToStatus('sandbox/echo', {
      requestId: submitted.request_id,
      mode: 'polling',
      pollInterval: 10,
    });
    const status = await q.status('sandbox/echo', { requestId: submitted.request_id, logs: true });
    assert.equal(status.status, 'COMPLETED');
    const result = await q.result('sandbox/echo', { requestId: submitted.request_id });
    assert.deepEqual(result.data, { v: 1 });

    const slow = await q.submit('sandbox/slow', { input: { duration_ms: 5000 } });
    await q.cancel('sandbox/slow', { requestId: slow.request_id });
    await q.subscribeToStatus('sandbox/slow', {
      requestId: slow.request_id,
      mode: 'polling',
      pollInterval: 10,
    });
    const cancelled = await q.result('sandbox/slow', { requestId: slow.request_id }).catch((e: unknown) => e);
    assert.ok(cancelled instanceof ApiError && cancelled.status === 499);
  });

  it('stream', async () => {
    const stream = await h.client.stream<Record<string, unknown>>('sandbox/echo', { input: { a: 1, b: 2 } });
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(events.at(-1), { a: 1, b: 2 });
    assert.deepEqual(await stream.done(), { a: 1, b: 2 });
  });

  it('ValidationError on a 422', async () => {
    const error = await h.client.run('sandbox/image', { input: { num_images: 2 } }).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError);
    assert.equal(error.status, 422);
    assert.ok(error.getFieldErrors('prompt').length > 0);
  });
});
