import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { parseFaultHeader } from '../../src/sandbox/faults';
import { call, parseSse, useSandbox, waitCompleted } from './sandbox-helpers';

/** A raw request that reports how it ended: a response, or the transport error. */
function raw(
  url: string,
  fault: string,
  body = '{}',
): Promise<{ error?: string; status?: number; text?: string }> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { authorization: 'Key a:b', 'content-type': 'application/json', 'x-sandbox-fault': fault },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', (err) => resolve({ error: err.message, status: res.statusCode, text }));
      res.on('aborted', () => resolve({ error: 'aborted', status: res.statusCode, text }));
    });
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end(body);
  });
}

describe('sandbox: faults', () => {
  const s = useSandbox();
  const arm = (fault: Record<string, unknown>) => call(s.url, '/_sandbox/faults', { body: fault, key: null });
  afterEach(() => call(s.url, '/_sandbox/faults', { method: 'DELETE', key: null }));

  it('parses KIND[;times=N][;on=CALL] and rejects unknown kinds', async () => {
    assert.deepEqual(parseFaultHeader('stream-cut:2;times=3;on=status-stream'), {
      name: 'stream-cut',
      arg: 2,
      times: 3,
      on: 'status-stream',
      retryAfter: 1,
    });
    assert.throws(() => parseFaultHeader('nope'));
    const r = await call(s.url, '/run/sandbox/echo', { body: {}, headers: { 'x-sandbox-fault': 'teapot' } });
    assert.equal(r.status, 400);
    assert.equal((await arm({ kind: 'nope' })).status, 400);
    assert.equal((await arm({ kind: '429', on: 'everywhere' })).status, 400);
  });

  it('429 carries retry-after and x-fal-request-id', async () => {
    const r = await call(s.url, '/run/sandbox/echo', { body: {}, headers: { 'x-sandbox-fault': '429' } });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1');
    assert.ok(r.headers.get('x-fal-request-id'));
    const r0 = await call(s.url, '/run/sandbox/echo', {
      body: {},
      headers: { 'x-sandbox-fault': '429;retry-after=0' },
    });
    assert.equal(r0.headers.get('retry-after'), '0');
  });

  it('502-nginx is an HTML body without x-fal-request-id', async () => {
    const r = await call(s.url, '/run/sandbox/echo', {
      body: {},
      headers: { 'x-sandbox-fault': '502-nginx' },
    });
    assert.equal(r.status, 502);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.match(r.text, /nginx/);
    assert.equal(r.headers.get('x-fal-request-id'), null);
  });

  it('503 and 504-user', async () => {
    const r503 = await call(s.url, '/run/sandbox/echo', { body: {}, headers: { 'x-sandbox-fault': '503' } });
    assert.equal(r503.status, 503);
    assert.ok(r503.headers.get('x-fal-error-type'));
    const r504 = await call(s.url, '/run/sandbox/echo', {
      body: {},
      headers: { 'x-sandbox-fault': '504-user' },
    });
    assert.equal(r504.status, 504);
    assert.equal(r504.headers.get('x-fal-request-timeout-type'), 'user');
  });

  it('reset destroys the socket before any response', async () => {
    const r = await raw(`${s.url}/run/sandbox/echo`, 'reset');
    assert.equal(r.status, undefined);
    assert.ok(r.error);
  });

  it('reset-mid-body sends headers and part of the body, then drops', async () => {
    const r = await raw(
      `${s.url}/run/sandbox/echo`,
      'reset-mid-body',
      JSON.stringify({ long: 'x'.repeat(2000) }),
    );
    assert.equal(r.status, 200);
    assert.ok(r.error, 'the body did not end cleanly');
    assert.ok((r.text ?? '').length < 2000);
  });

  it('bad-json answers a JSON content type with a body that does not parse', async () => {
    const r = await call(s.url, '/run/sandbox/echo', {
      body: { a: 1 },
      headers: { 'x-sandbox-fault': 'bad-json' },
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(r.json, undefined);
    assert.ok(r.text.length > 0);
  });

  it('big-body:MB pads a valid JSON body to that size', async () => {
    const r = await call(s.url, '/run/sandbox/echo', {
      body: { a: 1 },
      headers: { 'x-sandbox-fault': 'big-body:2' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.a, 1);
    assert.ok(r.text.length >= 2 * 1024 * 1024);
  });

  it('slow-headers:MS delays the answer, which is otherwise normal', async () => {
    const r = await call(s.url, '/run/sandbox/echo', {
      body: { a: 1 },
      headers: { 'x-sandbox-fault': 'slow-headers:30' },
    });
    assert.deepEqual([r.status, r.json], [200, { a: 1 }]);
  });

  it('stream-cut:N drops a stream after N events', async () => {
    const r = await raw(
      `${s.url}/run/sandbox/echo/stream`,
      'stream-cut:2',
      JSON.stringify({ a: 1, b: 2, c: 3 }),
    );
    assert.equal(r.status, 200);
    assert.ok(r.error, 'dropped, not ended');
    assert.equal(parseSse(r.text ?? '').events.length, 2);
  });

  it('POST /_sandbox/faults arms the next N matching calls ("429 twice, then success")', async () => {
    assert.equal((await arm({ kind: '429', times: 2, on: 'run' })).status, 200);
    assert.equal((await call(s.url, '/queue/sandbox/echo', { body: {} })).status, 200, 'submit is not "run"');
    assert.equal((await call(s.url, '/run/sandbox/echo', { body: {} })).status, 429);
    assert.equal((await call(s.url, '/run/sandbox/echo', { body: {} })).status, 429);
    assert.equal((await call(s.url, '/run/sandbox/echo', { body: {} })).status, 200);
    await arm({ kind: '503' });
    assert.equal((await call(s.url, '/run/sandbox/echo', { body: {} })).status, 503);
    assert.equal((await call(s.url, '/run/sandbox/echo', { body: {} })).status, 200);
    assert.deepEqual((await call(s.url, '/_sandbox/faults', { key: null })).json, { faults: [] });
  });

  it('a fault given on a submit binds to that request and fires on the calls it names', async () => {
    const sub = await call(s.url, '/queue/sandbox/slow', {
      body: { duration_ms: 40, steps: 2 },
      headers: { 'x-sandbox-fault': '503;times=2;on=status' },
    });
    assert.equal(sub.status, 200);
    const id = sub.json.request_id;
    const status = () => call(s.url, `/queue/sandbox/slow/requests/${id}/status`);
    assert.equal((await status()).status, 503);
    assert.equal((await status()).status, 503);
    assert.ok([200, 202].includes((await status()).status));
    const other = await call(s.url, '/queue/sandbox/echo', { body: {} });
    assert.equal(
      (await call(s.url, `/queue/sandbox/echo/requests/${other.json.request_id}/status`)).status !== 503,
      true,
    );
    await waitCompleted(s.url, 'sandbox/slow', id);
  });

  it('stream-cut on the status stream, bound on submit', async () => {
    const sub = await call(s.url, '/queue/sandbox/slow', {
      body: { duration_ms: 60, steps: 3 },
      headers: { 'x-sandbox-fault': 'stream-cut:1;on=status-stream' },
    });
    const id = sub.json.request_id;
    const res = await fetch(`${s.url}/queue/sandbox/slow/requests/${id}/status/stream?logs=1`, {
      headers: { authorization: 'Key a:b' },
    });
    const text = await res.text().catch((err: Error) => `ERR ${err.message}`);
    assert.ok(text.startsWith('ERR'), 'the stream was dropped, not ended');
    await waitCompleted(s.url, 'sandbox/slow', id);
  });

  it('runner-fail:N is retried server-side (same request_id, new gateway_request_id) unless x-fal-no-retry', async () => {
    const sub = await call(s.url, '/queue/sandbox/echo', {
      body: { ok: 1 },
      headers: { 'x-sandbox-fault': 'runner-fail:2' },
    });
    const st = await waitCompleted(s.url, 'sandbox/echo', sub.json.request_id);
    assert.equal(st.json.error, undefined);
    const messages: string[] = st.json.logs.map((l: { message: string }) => l.message);
    assert.equal(messages.filter((m) => m.startsWith('Runner disconnected')).length, 2);
    assert.ok(messages.some((m) => m.includes('gateway request')));
    const res = await call(s.url, `/queue/sandbox/echo/requests/${sub.json.request_id}`);
    assert.deepEqual([res.status, res.json], [200, { ok: 1 }]);
    assert.equal(res.headers.get('x-fal-request-id'), sub.json.request_id);

    const noRetry = await call(s.url, '/queue/sandbox/echo', {
      body: { ok: 1 },
      headers: { 'x-sandbox-fault': 'runner-fail:1', 'x-fal-no-retry': '1' },
    });
    const st2 = await waitCompleted(s.url, 'sandbox/echo', noRetry.json.request_id);
    assert.equal(st2.json.error_type, 'runner_disconnected');
    const res2 = await call(s.url, `/queue/sandbox/echo/requests/${noRetry.json.request_id}`);
    assert.equal(res2.status, 503);

    const direct = await call(s.url, '/run/sandbox/echo', {
      body: {},
      headers: { 'x-sandbox-fault': 'runner-fail:1' },
    });
    assert.equal(direct.status, 503);
    assert.equal(direct.headers.get('x-fal-needs-retry'), '1');
  });

  it('armed runner-fail applies to the next submit', async () => {
    await arm({ kind: 'runner-fail:1', on: 'submit' });
    const sub = await call(s.url, '/queue/sandbox/echo', { body: {}, headers: { 'x-fal-no-retry': 'true' } });
    assert.equal(sub.status, 200);
    await waitCompleted(s.url, 'sandbox/echo', sub.json.request_id);
    assert.equal((await call(s.url, `/queue/sandbox/echo/requests/${sub.json.request_id}`)).status, 503);
  });
});
