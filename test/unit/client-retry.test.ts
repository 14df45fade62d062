import * as assert from 'node:assert/strict';
import { ApiError } from '../../src/fal/errors';
import {
  DEFAULT_RETRY,
  QUEUE_RETRY,
  RUN_RETRY,
  STATUS_RETRY,
  backoffDelay,
  isRetryableError,
  parseRetryAfter,
  retryDelay,
  withOverrides,
} from '../../src/fal/retry';

const apiError = (status: number, headers: Record<string, string> = {}) =>
  new ApiError({ message: 'x', status, headers, timeoutType: headers['x-fal-request-timeout-type'] });

describe('client: retry policy', () => {
  it('has the official per-call table', () => {
    assert.deepEqual(
      [DEFAULT_RETRY, RUN_RETRY, QUEUE_RETRY, STATUS_RETRY].map((p) => [
        p.maxRetries,
        p.baseDelayMs,
        p.maxDelayMs,
      ]),
      [
        [3, 1000, 30000],
        [3, 500, 15000],
        [3, 1000, 60000],
        [5, 1000, 30000],
      ],
    );
    assert.deepEqual([...RUN_RETRY.retryableStatusCodes], [429, 502, 503, 504]);
    assert.deepEqual([...STATUS_RETRY.retryableStatusCodes], [429, 502, 503, 504, 500]);
  });

  it('retries the listed statuses, 500 only for status, never a user timeout', () => {
    for (const s of [429, 502, 503, 504]) assert.ok(isRetryableError(apiError(s), RUN_RETRY), String(s));
    assert.ok(!isRetryableError(apiError(500), RUN_RETRY));
    assert.ok(isRetryableError(apiError(500), STATUS_RETRY));
    assert.ok(!isRetryableError(apiError(422), STATUS_RETRY));
    const userTimeout = apiError(504, { 'x-fal-request-timeout-type': 'user' });
    assert.ok(userTimeout.isUserTimeout);
    assert.ok(!isRetryableError(userTimeout, STATUS_RETRY));
  });

  it('retries transport errors but never aborts or timeouts', () => {
    const withCode = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE']) {
      assert.ok(isRetryableError(withCode(code), DEFAULT_RETRY), code);
      assert.ok(isRetryableError(new Error('wrapped', { cause: withCode(code) }), DEFAULT_RETRY), code);
    }
    assert.ok(isRetryableError(new Error('socket hang up'), DEFAULT_RETRY));
    const abort = Object.assign(new Error('aborted', { cause: withCode('ECONNRESET') }), {
      name: 'AbortError',
    });
    assert.ok(!isRetryableError(abort, DEFAULT_RETRY));
    assert.ok(!isRetryableError(Object.assign(new Error('t'), { name: 'TimeoutError' }), DEFAULT_RETRY));
    assert.ok(!isRetryableError(new SyntaxError('bad json'), DEFAULT_RETRY));
  });

  it('backs off exponentially up to the max with ±25 % jitter', () => {
    assert.equal(
      backoffDelay(0, DEFAULT_RETRY, () => 0.5),
      1000,
    );
    assert.equal(
      backoffDelay(2, DEFAULT_RETRY, () => 0.5),
      4000,
    );
    assert.equal(
      backoffDelay(10, DEFAULT_RETRY, () => 0.5),
      30000,
    );
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, () => 0),
      1500,
    );
    assert.equal(
      backoffDelay(1, DEFAULT_RETRY, () => 1),
      2500,
    );
  });

  it('honours Retry-After in seconds or as an HTTP date, capped at the max delay', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('2', now), 2000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:05 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(retryDelay(0, apiError(429, { 'retry-after': '3' }), DEFAULT_RETRY), 3000);
    assert.equal(retryDelay(0, apiError(429, { 'retry-after': '3600' }), DEFAULT_RETRY), 30000);
  });

  it('applies client-wide overrides on top of a per-call policy', () => {
    const p = withOverrides(STATUS_RETRY, { baseDelayMs: 1, maxRetries: 2 });
    assert.deepEqual([p.baseDelayMs, p.maxRetries, p.maxDelayMs], [1, 2, 30000]);
    assert.deepEqual(p.retryableStatusCodes, STATUS_RETRY.retryableStatusCodes);
  });
});
