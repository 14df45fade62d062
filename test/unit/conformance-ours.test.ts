// The scenarios of conformance-official.test.ts (the official @fal-ai/client against the sandbox),
// with the same inputs and assertions, run with our client: run; subscribe polling and streaming
// with logs; submit, status, result, cancel; stream; ValidationError on a 422.
import * as assert from 'node:assert/strict';
import { ApiError, ValidationError } from '../../src/fal/errors';
import type { QueueStatus } from '../../src/fal/types';
import { useSandboxClient } from './clientSandbox';

describe('conformance: our client against the sandbox', () => {
  const h = useSandboxClient();

  it('run', async () => {
    const result = await h.client.run('sandbox/echo/v2', { input: { hello: 'world' } });
    assert.deepEqual(result.data, { hello: 'world' });
    assert.match(result.requestId, /^[0-9a-f-]{36}$/);
  });

  it('subscribe in polling mode with logs', async () => {
    const updates: QueueStatus[] = [];
    let enqueued = '';
    const result = await h.client.subscribe('sandbox/slow', {
      input: { duration_ms: 60, steps: 3 },
      logs: true,
      mode: 'polling',
      pollInterval: 10,
      onEnqueue: (id) => (enqueued = id),
      onQueueUpdate: (u) => updates.push(u),
    });
    assert.deepEqual(result.data, { duration_ms: 60, steps: 3 });
    assert.equal(result.requestId, enqueued);
    const last = updates.at(-1)!;
    assert.equal(last.status, 'COMPLETED');
    assert.ok(last.status === 'COMPLETED' && (last.logs ?? []).map((l) => l.message).includes('Step 3/3'));
  });

  it('subscribe in streaming mode with logs', async () => {
    const updates: QueueStatus[] = [];
    const result = await h.client.subscribe('sandbox/image', {
      input: {
        prompt: 'conformance',
        seed: 3,
        num_inference_steps: 3,
        image_size: { width: 32, height: 32 },
      },
      logs: true,
      mode: 'streaming',
      onQueueUpdate: (u) => updates.push(u),
    });
    const data = result.data as { images: { url: string; width: number }[]; seed: number };
    assert.equal(data.seed, 3);
    assert.equal(data.images[0].width, 32);
    assert.equal(updates.at(-1)?.status, 'COMPLETED');
    const messages = updates.flatMap((u) => ('logs' in u && u.logs ? u.logs.map((l) => l.message) : []));
    assert.ok(messages.includes('Step 3/3'), messages.join('|'));
    const png = await fetch(data.images[0].url);
    assert.equal(png.headers.get('content-type'), 'image/png');
  });

  it('submit, status, result and cancel', async () => {
    const q = h.client.queue;
    const { request_id } = await q.submit('sandbox/slow/sub', { input: { duration_ms: 30 } });
    const status = await q.status('sandbox/slow/sub', { requestId: request_id, logs: true });
    assert.ok(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'].includes(status.status));
    let done: QueueStatus = status;
    while (done.status !== 'COMPLETED') {
      done = await q.status('sandbox/slow/sub', { requestId: request_id, logs: false });
    }
    const result = await q.result('sandbox/slow/sub', { requestId: request_id });
    assert.deepEqual(result.data, { duration_ms: 30, steps: 1 });
    assert.equal(result.requestId, request_id);

    const long = await q.submit('sandbox/slow', { input: { duration_ms: 5000, steps: 50 } });
    await q.cancel('sandbox/slow', { requestId: long.request_id });
    let final: QueueStatus;
    do final = await q.status('sandbox/slow', { requestId: long.request_id, logs: false });
    while (final.status !== 'COMPLETED');
    await assert.rejects(q.result('sandbox/slow', { requestId: long.request_id }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 499);
      return true;
    });
  });

  it('stream', async () => {
    const stream = await h.client.stream('sandbox/text', { input: { prompt: 'conformance', max_tokens: 4 } });
    const events: { output: string; partial?: boolean }[] = [];
    for await (const event of stream) events.push(event as { output: string; partial?: boolean });
    const done = (await stream.done()) as { output: string; partial?: boolean };
    assert.equal(events.length, 5);
    assert.ok(events.slice(0, 4).every((e) => e.partial));
    assert.deepEqual(done, { output: events[3].output });
    assert.equal(done.output.split(' ').length, 4);
  });

  it('raises its ValidationError on a 422', async () => {
    await assert.rejects(h.client.run('sandbox/image', { input: { num_images: 2 } }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.status, 422);
      assert.equal(err.getFieldErrors('prompt')[0].type, 'value_error.missing');
      return true;
    });
  });
});
