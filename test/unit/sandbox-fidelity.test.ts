// The sandbox answers as fal does for its infrastructure errors (each error-type fault: the COMPLETED
// status with `error` and `error_type`, the result's status, body and `x-fal-error-type`), for a
// locked account (403), and keeps the result of a request sent with `x-fal-store-io: 0` only for
// its (scaled) retention window, then answers it as unknown with a detail that says it expired.
import * as assert from 'node:assert/strict';
import { INFRA_ERRORS, INFRA_ERROR_TYPES, RESULT_EXPIRED_ERROR_TYPE } from '../../src/common/falErrorTypes';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { call, useSandbox, waitCompleted } from './sandbox-helpers';

const APP = 'sandbox/echo';

async function submit(base: string, input: unknown, headers: Record<string, string> = {}): Promise<string> {
  const r = await call(base, `/queue/${APP}`, { body: input, headers });
  assert.equal(r.status, 200, r.text);
  return r.json.request_id as string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sandbox: fal error types', () => {
  const s = useSandbox();
  afterEach(() => call(s.url, '/_sandbox/faults', { method: 'DELETE', key: null }));

  for (const type of INFRA_ERROR_TYPES) {
    it(`${type}: a queue request ends COMPLETED with it, and its result answers it`, async () => {
      const id = await submit(s.url, { message: 'hi' }, { 'x-sandbox-fault': type });
      const status = await waitCompleted(s.url, APP, id);
      assert.equal(status.status, 200);
      assert.equal(status.json.error_type, type);
      assert.equal(status.json.error, INFRA_ERRORS[type].detail);
      const result = await call(s.url, `/queue/${APP}/requests/${id}`);
      assert.equal(result.status, INFRA_ERRORS[type].status);
      assert.equal(result.status, type.endsWith('_timeout') && !type.startsWith('runner') ? 504 : 503);
      assert.deepEqual(result.json, { detail: INFRA_ERRORS[type].detail, error_type: type });
      assert.equal(result.headers.get(FAL_HEADERS.errorType), type);
      assert.equal(result.headers.get(FAL_HEADERS.requestId), id);
    });
  }

  it('an error-type fault armed through POST /_sandbox/faults fails the next queue request only', async () => {
    const armed = await call(s.url, '/_sandbox/faults', { body: { kind: 'startup_timeout' }, key: null });
    assert.equal(armed.status, 200, armed.text);
    const failed = await submit(s.url, { n: 1 });
    const fine = await submit(s.url, { n: 2 });
    assert.equal((await waitCompleted(s.url, APP, failed)).json.error_type, 'startup_timeout');
    const ok = await waitCompleted(s.url, APP, fine);
    assert.equal(ok.json.error_type, undefined);
    assert.equal((await call(s.url, `/queue/${APP}/requests/${fine}`)).status, 200);
  });

  it('an error-type fault on a direct run answers the error at once', async () => {
    const r = await call(s.url, `/run/${APP}`, {
      body: {},
      headers: { 'x-sandbox-fault': 'runner_connection_refused' },
    });
    assert.equal(r.status, 503);
    assert.equal(r.json.error_type, 'runner_connection_refused');
    assert.equal(r.headers.get(FAL_HEADERS.errorType), 'runner_connection_refused');
  });

  it('403-locked answers as fal does for a locked account', async () => {
    const r = await call(s.url, `/queue/${APP}`, { body: {}, headers: { 'x-sandbox-fault': '403-locked' } });
    assert.equal(r.status, 403);
    assert.match(r.json.detail, /^User is locked\. Reason: Exhausted balance/);
    assert.ok(r.headers.get(FAL_HEADERS.requestId));
  });
});

describe('sandbox: result retention (x-fal-store-io: 0)', () => {
  // Scaled so the windows are 900 ms (under 10 KB) and 90 ms (10 KB or more).
  const s = useSandbox({ retentionScale: 1 / 4000, concurrency: 4 });
  const storeIoOff = { [FAL_HEADERS.storeIo]: '0' };
  const big = { message: 'x'.repeat(10 * 1024) };

  const expiredAnswer = async (id: string, path: string, url = s.url) => {
    const r = await call(url, `/queue/${APP}/requests/${id}${path}`);
    assert.equal(r.status, 404, r.text);
    assert.match(r.json.detail, new RegExp(`Request ${id} not found: its result expired`));
    assert.equal(r.json.error_type, RESULT_EXPIRED_ERROR_TYPE);
    assert.equal(r.headers.get(FAL_HEADERS.errorType), RESULT_EXPIRED_ERROR_TYPE);
  };

  it('a small result expires after its window; one stored as by default stays, and expired ones stop counting as unfetched', async () => {
    const before = s.sb.unfetched();
    const small = await submit(s.url, { message: 'small' }, storeIoOff);
    const stored = await submit(s.url, { message: 'stored' });
    await waitCompleted(s.url, APP, small);
    await waitCompleted(s.url, APP, stored);
    assert.equal(s.sb.unfetched(), before + 2);
    await sleep(1000);
    await expiredAnswer(small, '/status');
    await expiredAnswer(small, '');
    assert.equal(s.sb.unfetched(), before + 1, 'the expired result no longer counts');
    const kept = await call(s.url, `/queue/${APP}/requests/${stored}`);
    assert.equal(kept.status, 200, kept.text);
    const cancel = await call(s.url, `/queue/${APP}/requests/${small}/cancel`, { method: 'PUT' });
    assert.equal(cancel.status, 404);
  });

  describe('scaled so the windows are 9 s and 0.9 s', () => {
    // Wide apart, so a slow machine cannot see the small result expire before the check.
    const wide = useSandbox({ retentionScale: 1 / 400, concurrency: 4 });

    it('a result of 10 KB or more expires sooner than a small one', async () => {
      const large = await submit(wide.url, big, storeIoOff);
      const small = await submit(wide.url, { message: 'small' }, storeIoOff);
      await waitCompleted(wide.url, APP, small);
      const completed = await call(wide.url, `/queue/${APP}/requests/${large}/status`);
      assert.equal(completed.json.status, 'COMPLETED', 'both completed (concurrency 4)');
      await sleep(1100); // past the large result's 0.9 s, well within the small one's 9 s
      await expiredAnswer(large, '/status', wide.url);
      await expiredAnswer(large, '', wide.url);
      const kept = await call(wide.url, `/queue/${APP}/requests/${small}`);
      assert.equal(kept.status, 200, kept.text);
      assert.deepEqual(kept.json, { message: 'small' });
    });
  });
});
