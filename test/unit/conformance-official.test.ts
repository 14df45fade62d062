// The official @fal-ai/client against the sandbox, redirected with a requestMiddleware URL rewrite:
// if it works end to end here, the sandbox speaks fal.
import * as assert from 'node:assert/strict';
import { ApiError, createFalClient, ValidationError, type QueueStatus } from '@fal-ai/client';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';

describe('conformance: official @fal-ai/client against the sandbox', () => {
  let sb: RunningSandbox;
  let fal: ReturnType<typeof createFalClient>;

  before(async () => {
    sb = await startSandbox({ port: 0 });
    const rewrites: [string, string][] = [
      ['https://queue.fal.run', sb.hosts.queue],
      ['https://fal.run', sb.hosts.run],
      ['https://rest.fal.ai', sb.hosts.rest],
    ];
    fal = createFalClient({
      credentials: 'conformance:key',
      requestMiddleware: async (request) => {
        for (const [from, to] of rewrites) {
          if (request.url.startsWith(from)) return { ...request, url: to + request.url.slice(from.length) };
        }
        return request;
      },
    });
  });
  after(() => sb.close());

  it('run', async () => {
    const result = await fal.run('sandbox/echo/v2', { input: { hello: 'world' } });
    assert.deepEqual(result.data, { hello: 'world' });
    assert.match(result.requestId, /^[0-9a-f-]{36}$/);
  });

  it('subscribe in polling mode with logs', async () => {
    const updates: QueueStatus[] = [];
    let enqueued = '';
    const result = await fal.subscribe('sandbox/slow', {
      input: { duration_ms: 60, steps: 3 },
      logs: true,
      pollInterval: 10,
      onEnqueue: (id) => (enqueued = id),
      onQueueUpdate: (u) => updates.push(u),
    });
    assert.deepEqual(result.data, { duration_ms: 60, steps: 3 });
    assert.equal(result.requestId, enqueued);
    const last = updates.at(-1)!;
    assert.equal(last.status, 'COMPLETED');
    assert.ok(last.status === 'COMPLETED' && last.logs.map((l) => l.message).includes('Step 3/3'));
  });

  it('subscribe in streaming mode with logs', async () => {
    const updates: QueueStatus[] = [];
    const result = await fal.subscribe('sandbox/image', {
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
    const { request_id } = await fal.queue.submit('sandbox/slow/sub', { input: { duration_ms: 30 } });
    const status = await fal.queue.status('sandbox/slow/sub', { requestId: request_id, logs: true });
    assert.ok(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'].includes(status.status));
    let done: QueueStatus = status;
    while (done.status !== 'COMPLETED') {
      done = await fal.queue.status('sandbox/slow/sub', { requestId: request_id, logs: false });
    }
    const result = await fal.queue.result('sandbox/slow/sub', { requestId: request_id });
    assert.deepEqual(result.data, { duration_ms: 30, steps: 1 });
    assert.equal(result.requestId, request_id);

    const long = await fal.queue.submit('sandbox/slow', { input: { duration_ms: 5000, steps: 50 } });
    await fal.queue.cancel('sandbox/slow', { requestId: long.request_id });
    let final: QueueStatus;
    do final = await fal.queue.status('sandbox/slow', { requestId: long.request_id, logs: false });
    while (final.status !== 'COMPLETED');
    await assert.rejects(fal.queue.result('sandbox/slow', { requestId: long.request_id }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 499);
      return true;
    });
  });

  it('stream', async () => {
    const stream = await fal.stream('sandbox/text', { input: { prompt: 'conformance', max_tokens: 4 } });
    const events: { output: string; partial?: boolean }[] = [];
    for await (const event of stream) events.push(event as { output: string; partial?: boolean });
    const done = (await stream.done()) as { output: string; partial?: boolean };
    assert.equal(events.length, 5);
    assert.ok(events.slice(0, 4).every((e) => e.partial));
    assert.deepEqual(done, { output: events[3].output });
    assert.equal(done.output.split(' ').length, 4);
  });

  it('raises its ValidationError on a 422', async () => {
    await assert.rejects(fal.run('sandbox/image', { input: { num_images: 2 } }), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.status, 422);
      assert.equal(err.getFieldErrors('prompt')[0].type, 'value_error.missing');
      return true;
    });
  });
});
