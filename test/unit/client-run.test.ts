// run and stream against the sandbox over loopback: outputs, request ids, sub-paths, GET inputs,
// validation errors, platform errors and streams (events, done(), abort, no /stream path).
import * as assert from 'node:assert/strict';
import { ApiError, FalAbortError, FalTimeoutError, ValidationError } from '../../src/fal/errors';
import { InvalidEndpointIdError } from '../../src/common/endpointId';
import { useSandboxClient } from './clientSandbox';

describe('client: run and stream (sandbox)', () => {
  const h = useSandboxClient();

  it('runs an endpoint and returns {data, requestId}', async () => {
    const result = await h.client.run('sandbox/echo', { input: { a: 1, b: 'two' } });
    assert.deepEqual(result.data, { a: 1, b: 'two' });
    assert.match(result.requestId, /\S+/);
  });

  it('runs under a sub-path', async () => {
    const result = await h.client.run('sandbox/echo/v2/extra', { input: { x: true } });
    assert.deepEqual(result.data, { x: true });
  });

  it('sends a GET input in the query string', async () => {
    const result = await h.client.run<Record<string, unknown>>('sandbox/echo', {
      method: 'get',
      input: { q: 'hi' },
    });
    assert.equal(result.data.q, 'hi');
  });

  it('runs the image endpoint and gets a real PNG URL', async () => {
    const { data } = await h.client.run<{
      images: Array<{ url: string; content_type: string; width: number }>;
    }>('sandbox/image', {
      input: { prompt: 'a cat', image_size: 'square', num_inference_steps: 2, seed: 7 },
    });
    assert.equal(data.images[0].content_type, 'image/png');
    const res = await fetch(data.images[0].url);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  });

  it('rejects an invalid endpoint id before any request', async () => {
    await assert.rejects(h.client.run('not-an-id', { input: {} }), InvalidEndpointIdError);
    await assert.rejects(h.client.stream('nope', { input: {} }), /Invalid app id: "nope"/);
    await assert.rejects(h.client.queue.submit('bad', { input: {} }), InvalidEndpointIdError);
  });

  it('raises a ValidationError with field errors on 422', async () => {
    const error = await h.client.run('sandbox/image', { input: {} }).catch((e: unknown) => e);
    assert.ok(error instanceof ValidationError, String(error));
    assert.equal(error.status, 422);
    assert.ok(error.getFieldErrors('prompt').length > 0, JSON.stringify(error.body));
    assert.match(error.message, /prompt/);
    const forced = await h.client
      .run('sandbox/error', { input: { status: 422, detail: 'nope' } })
      .catch((e) => e);
    assert.ok(forced instanceof ValidationError);
    assert.equal(forced.fieldErrors[0].msg, 'nope');
  });

  it('reports a 500 from the app without retrying, with its detail as message', async () => {
    const error = await h.client
      .run('sandbox/error', { input: { status: 500, detail: 'boom' } })
      .catch((e) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 500);
    assert.equal(error.message, 'boom');
    assert.equal(h.retries.length, 0);
  });

  it('rejects without a key with the 401 detail', async () => {
    const anonymous = h.makeClient({ credentials: undefined });
    const error = await anonymous.run('sandbox/echo', { input: {} }).catch((e) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 401);
    assert.match(error.message, /\S/);
  });

  it('validates startTimeout before sending', async () => {
    await assert.rejects(h.client.run('sandbox/echo', { input: {}, startTimeout: 1 }), /greater than 1/);
  });

  it('aborts a run', async () => {
    const controller = new AbortController();
    const pending = h.client.run('sandbox/slow', {
      input: { duration_ms: 5000 },
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(pending, FalAbortError);
  });

  it('times out a run with a clear error', async () => {
    const error = await h.client
      .run('sandbox/slow', { input: { duration_ms: 5000 }, timeout: 50 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof FalTimeoutError);
    assert.match(error.message, /sandbox\/slow timed out after 50 ms/);
  });

  it('streams events and resolves done() with the final output', async () => {
    const stream = await h.client.stream<Record<string, unknown>>('sandbox/echo', { input: { a: 1, b: 2 } });
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(events, [{ a: 1 }, { b: 2 }, { a: 1, b: 2 }]);
    assert.deepEqual(await stream.done(), { a: 1, b: 2 });
    assert.match(stream.requestId ?? '', /\S+/);
  });

  it('streams growing text and image progress', async () => {
    const text = await h.client.stream<{ output: string; partial?: boolean }>('sandbox/text', {
      input: { prompt: 'hello there', max_tokens: 5 },
    });
    const events: Array<{ output: string; partial?: boolean }> = [];
    for await (const e of text) events.push(e);
    assert.ok(events.length >= 2);
    assert.equal(events.at(-1)?.partial, undefined);
    assert.ok(events.slice(0, -1).every((e) => e.partial === true));
    const image = await h.client.stream<Record<string, unknown>>('sandbox/image', {
      input: { prompt: 'p', num_inference_steps: 2 },
    });
    const final = await image.done();
    assert.ok(Array.isArray(final.images));
  });

  it('streams under a sub-path', async () => {
    const stream = await h.client.stream('sandbox/echo/v2', { input: { k: 'v' } });
    assert.deepEqual(await stream.done(), { k: 'v' });
  });

  it('rejects done() with the 404 of an endpoint without /stream', async () => {
    const stream = await h.client.stream('sandbox/slow', { input: { duration_ms: 1 } });
    const error = await stream.done().catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 404);
    assert.match(error.message, /stream/i);
  });

  it('rejects done() with a ValidationError when the stream input is invalid', async () => {
    const stream = await h.client.stream('sandbox/image', { input: { num_images: 9 } });
    await assert.rejects(stream.done(), ValidationError);
  });

  it('aborts a stream: done() resolves with the last event seen', async () => {
    const stream = await h.client.stream<Record<string, unknown>>('sandbox/image', {
      input: { prompt: 'long', num_inference_steps: 50 },
    });
    let first: unknown;
    for await (const event of stream) {
      first = event;
      stream.abort();
    }
    assert.deepEqual(await stream.done(), first);
  });
});
