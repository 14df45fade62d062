import * as assert from 'node:assert/strict';
import { call, parseSse, useSandbox, waitCompleted } from './sandbox-helpers';

const slow = (ms: number, steps = 1) => ({ duration_ms: ms, steps });

describe('sandbox: queue', () => {
  const s = useSandbox({ keepaliveMs: 20 });

  it('submit answers request_id, self-referencing URLs and queue_position', async () => {
    const r = await call(s.url, '/queue/sandbox/echo/v2', { body: { a: 1 } });
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'IN_QUEUE');
    const id = r.json.request_id;
    assert.equal(r.headers.get('x-fal-request-id'), id);
    assert.equal(r.json.response_url, `${s.url}/queue/sandbox/echo/requests/${id}`);
    assert.equal(r.json.status_url, `${s.url}/queue/sandbox/echo/requests/${id}/status`);
    assert.equal(r.json.cancel_url, `${s.url}/queue/sandbox/echo/requests/${id}/cancel`);
    assert.equal(typeof r.json.queue_position, 'number');
    await waitCompleted(s.url, 'sandbox/echo', id);
    const viaUrl = await fetch(r.json.response_url, { headers: { authorization: 'Key a:b' } });
    assert.deepEqual(await viaUrl.json(), { a: 1 });
  });

  it('status is 202 until COMPLETED (200) with logs when asked and metrics', async () => {
    const { json } = await call(s.url, '/queue/sandbox/slow', { body: slow(60, 3) });
    const id = json.request_id;
    const early = await call(s.url, `/queue/sandbox/slow/requests/${id}/status`);
    assert.equal(early.status, 202);
    assert.ok(['IN_QUEUE', 'IN_PROGRESS'].includes(early.json.status));
    assert.ok('logs' in early.json);
    const done = await waitCompleted(s.url, 'sandbox/slow', id);
    assert.equal(done.status, 200);
    assert.equal(done.headers.get('x-fal-request-id'), id);
    assert.equal(typeof done.json.metrics.inference_time, 'number');
    const messages = done.json.logs.map((l: { message: string }) => l.message);
    assert.deepEqual(messages, ['Step 1/3', 'Step 2/3', 'Step 3/3']);
    for (const l of done.json.logs) {
      assert.equal(l.source, 'USER');
      assert.equal(l.level, 'INFO');
      assert.ok(!Number.isNaN(Date.parse(l.timestamp)));
    }
    for (const [q, withLogs] of [
      ['logs=0', false],
      ['logs=false', false],
      ['logs=1', true],
      ['logs=true', true],
      ['', false],
    ] as const) {
      const r = await call(s.url, `/queue/sandbox/slow/requests/${id}/status?${q}`);
      assert.equal(Array.isArray(r.json.logs), withLogs, q);
    }
  });

  it('serves status, result and cancel with or without the sub-path and a trailing slash', async () => {
    const { json } = await call(s.url, '/queue/sandbox/echo/a/b', { body: { k: 'v' } });
    const id = json.request_id;
    await waitCompleted(s.url, 'sandbox/echo', id);
    for (const prefix of ['sandbox/echo', 'sandbox/echo/a/b', 'sandbox/echo/other']) {
      for (const slash of ['', '/']) {
        assert.equal((await call(s.url, `/queue/${prefix}/requests/${id}/status${slash}`)).status, 200);
        assert.deepEqual((await call(s.url, `/queue/${prefix}/requests/${id}${slash}`)).json, { k: 'v' });
        const c = await call(s.url, `/queue/${prefix}/requests/${id}/cancel${slash}`, { method: 'PUT' });
        assert.deepEqual([c.status, c.json], [400, { status: 'ALREADY_COMPLETED' }]);
      }
    }
    assert.equal((await call(s.url, `/queue/sandbox/image/requests/${id}/status`)).status, 404);
  });

  it('supports the workflows/ and comfy/ namespaces', async () => {
    for (const ns of ['workflows', 'comfy']) {
      const { json } = await call(s.url, `/queue/${ns}/sandbox/echo/x`, { body: { ns } });
      assert.equal(json.status_url, `${s.url}/queue/${ns}/sandbox/echo/requests/${json.request_id}/status`);
      await waitCompleted(s.url, `${ns}/sandbox/echo`, json.request_id);
      assert.deepEqual((await call(s.url, `/queue/${ns}/sandbox/echo/requests/${json.request_id}`)).json, {
        ns,
      });
    }
  });

  it('result answers 400 while in progress, then the model status and body, including 422', async () => {
    const { json } = await call(s.url, '/queue/sandbox/slow', { body: slow(80) });
    const early = await call(s.url, `/queue/sandbox/slow/requests/${json.request_id}`);
    assert.deepEqual([early.status, early.json], [400, { detail: 'Request is still in progress' }]);
    await waitCompleted(s.url, 'sandbox/slow', json.request_id);
    const failed = await call(s.url, '/queue/sandbox/image', { body: {} });
    const st = await waitCompleted(s.url, 'sandbox/image', failed.json.request_id);
    assert.equal(st.json.status, 'COMPLETED');
    assert.ok(st.json.error);
    const res = await call(s.url, `/queue/sandbox/image/requests/${failed.json.request_id}`);
    assert.equal(res.status, 422);
    assert.equal(res.json.detail[0].loc[1], 'prompt');
    const e504 = await call(s.url, '/queue/sandbox/error', { body: { status: 504 } });
    await waitCompleted(s.url, 'sandbox/error', e504.json.request_id);
    const r504 = await call(s.url, `/queue/sandbox/error/requests/${e504.json.request_id}`);
    assert.equal(r504.status, 504);
    assert.equal(r504.headers.get('x-fal-request-timeout-type'), 'user');
  });

  it('runs one request at a time per endpoint by default, so queue positions are real', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await call(s.url, '/queue/sandbox/slow', { body: slow(60) })).json.request_id);
    const third = await call(s.url, `/queue/sandbox/slow/requests/${ids[2]}/status`);
    assert.equal(third.json.status, 'IN_QUEUE');
    assert.ok(third.json.queue_position >= 1);
    const other = await call(s.url, '/queue/sandbox/echo', { body: {} });
    await waitCompleted(s.url, 'sandbox/echo', other.json.request_id); // other endpoints are not blocked
    for (const id of ids) await waitCompleted(s.url, 'sandbox/slow', id);
  });

  it('puts low priority behind normal', async () => {
    const blocker = (await call(s.url, '/queue/sandbox/slow', { body: slow(80) })).json.request_id;
    const low = (
      await call(s.url, '/queue/sandbox/slow', { body: slow(1), headers: { 'x-fal-queue-priority': 'low' } })
    ).json.request_id;
    const normal = (
      await call(s.url, '/queue/sandbox/slow', {
        body: slow(1),
        headers: { 'x-fal-queue-priority': 'normal' },
      })
    ).json.request_id;
    const lowStatus = await call(s.url, `/queue/sandbox/slow/requests/${low}/status`);
    const normalStatus = await call(s.url, `/queue/sandbox/slow/requests/${normal}/status`);
    assert.ok(lowStatus.json.queue_position > normalStatus.json.queue_position);
    for (const id of [blocker, low, normal]) await waitCompleted(s.url, 'sandbox/slow', id);
  });

  it('cancels queued and running requests (result 499), 400 when completed, 404 when unknown', async () => {
    const running = (await call(s.url, '/queue/sandbox/slow', { body: slow(5000, 50) })).json.request_id;
    const queued = (await call(s.url, '/queue/sandbox/slow', { body: slow(5000) })).json.request_id;
    while (
      (await call(s.url, `/queue/sandbox/slow/requests/${running}/status`)).json.status !== 'IN_PROGRESS'
    );
    for (const id of [queued, running]) {
      const c = await call(s.url, `/queue/sandbox/slow/requests/${id}/cancel`, { method: 'PUT' });
      assert.deepEqual([c.status, c.json], [202, { status: 'CANCELLATION_REQUESTED' }]);
      await waitCompleted(s.url, 'sandbox/slow', id);
      const r = await call(s.url, `/queue/sandbox/slow/requests/${id}`);
      assert.equal(r.status, 499);
      assert.equal(typeof r.json.detail, 'string');
    }
    const again = await call(s.url, `/queue/sandbox/slow/requests/${running}/cancel`, { method: 'PUT' });
    assert.deepEqual([again.status, again.json], [400, { status: 'ALREADY_COMPLETED' }]);
    const none = await call(
      s.url,
      '/queue/sandbox/slow/requests/00000000-0000-0000-0000-000000000000/cancel',
      {
        method: 'PUT',
      },
    );
    assert.deepEqual([none.status, none.json], [404, { status: 'NOT_FOUND' }]);
  });

  it('ends a request that did not start within x-fal-request-timeout with a user 504', async () => {
    const blocker = (await call(s.url, '/queue/sandbox/slow', { body: slow(300) })).json.request_id;
    const late = (
      await call(s.url, '/queue/sandbox/slow', {
        body: slow(1),
        headers: { 'x-fal-request-timeout': '0.05' },
      })
    ).json.request_id;
    const st = await waitCompleted(s.url, 'sandbox/slow', late);
    assert.equal(st.json.error_type, 'request_timeout');
    const r = await call(s.url, `/queue/sandbox/slow/requests/${late}`);
    assert.equal(r.status, 504);
    assert.equal(r.headers.get('x-fal-request-timeout-type'), 'user');
    await call(s.url, `/queue/sandbox/slow/requests/${blocker}/cancel`, { method: 'PUT' });
    const bad = await call(s.url, '/queue/sandbox/slow', {
      body: slow(1),
      headers: { 'x-fal-request-timeout': 'x' },
    });
    assert.equal(bad.status, 400);
  });

  it('streams status changes with only new log lines, keepalives, and closes after COMPLETED', async () => {
    const id = (await call(s.url, '/queue/sandbox/slow', { body: slow(120, 3) })).json.request_id;
    const r = await call(s.url, `/queue/sandbox/slow/requests/${id}/status/stream?logs=1`, {
      headers: { accept: 'application/json, text/event-stream' },
    });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/event-stream/);
    const { events, comments } = parseSse(r.text);
    assert.equal(events.at(-1).status, 'COMPLETED');
    assert.equal(typeof events.at(-1).metrics.inference_time, 'number');
    const all = events.flatMap((e) => e.logs.map((l: { message: string }) => l.message));
    assert.deepEqual(all, ['Step 1/3', 'Step 2/3', 'Step 3/3'], 'each line sent exactly once');
    assert.ok(comments.includes('keepalive'));
    // A completed request's stream is one event.
    const again = parseSse(
      (await call(s.url, `/queue/sandbox/slow/requests/${id}/status/stream`)).text,
    ).events;
    assert.equal(again.length, 1);
    assert.equal(again[0].logs, null);
  });

  it('logs the platform headers a submit carried as its first log line (not the default priority alone)', async () => {
    const withHeaders = await call(s.url, '/queue/sandbox/echo', {
      body: { a: 1 },
      headers: {
        'x-fal-queue-priority': 'low',
        'x-fal-runner-hint': 'runner-7',
        'x-fal-no-retry': '1',
        'x-fal-request-timeout': '30',
        'x-fal-store-io': '0',
      },
    });
    const done = await waitCompleted(s.url, 'sandbox/echo', withHeaders.json.request_id);
    assert.equal(
      done.json.logs[0].message,
      'Platform headers: x-fal-queue-priority=low, x-fal-runner-hint=runner-7, x-fal-no-retry=1, x-fal-request-timeout=30, x-fal-store-io=0',
    );
    const plain = await call(s.url, '/queue/sandbox/echo', {
      body: { a: 1 },
      headers: { 'x-fal-queue-priority': 'normal' },
    });
    const plainDone = await waitCompleted(s.url, 'sandbox/echo', plain.json.request_id);
    assert.ok(
      !plainDone.json.logs.some((l: { message: string }) => l.message.startsWith('Platform headers')),
    );
  });

  it('accepts fal_webhook on submit and still completes', async () => {
    const hook = encodeURIComponent('http://127.0.0.1:9/hook');
    const r = await call(s.url, `/queue/sandbox/echo?fal_webhook=${hook}`, { body: { w: 1 } });
    assert.equal(r.status, 200);
    assert.ok(r.json.gateway_request_id);
    await waitCompleted(s.url, 'sandbox/echo', r.json.request_id);
  });

  it('answers 404 for unknown requests and apps, and 405 for a GET submit', async () => {
    assert.equal((await call(s.url, '/queue/sandbox/echo/requests/nope/status')).status, 404);
    assert.equal((await call(s.url, '/queue/sandbox/echo/requests/nope')).status, 404);
    assert.equal((await call(s.url, '/queue/nobody/nothing', { body: {} })).status, 404);
    assert.equal((await call(s.url, '/queue/sandbox/echo')).status, 405);
  });
});

describe('sandbox: queue concurrency', () => {
  const s = useSandbox({ concurrency: 2 });

  it('runs up to --concurrency requests of one endpoint at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await call(s.url, '/queue/sandbox/slow', { body: slow(100) })).json.request_id);
    let statuses: string[] = [];
    for (let tries = 0; tries < 100; tries++) {
      statuses = await Promise.all(
        ids.map(async (id) => (await call(s.url, `/queue/sandbox/slow/requests/${id}/status`)).json.status),
      );
      if (statuses[1] === 'IN_PROGRESS') break;
    }
    assert.deepEqual(statuses, ['IN_PROGRESS', 'IN_PROGRESS', 'IN_QUEUE']);
    for (const id of ids) await waitCompleted(s.url, 'sandbox/slow', id);
  });
});
