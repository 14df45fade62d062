// What the user reads for each of fal's error types and the other failures with a known cause: the
// infrastructure types, a locked account, the key, the concurrency limit, a start timeout (with the
// seconds the record was sent with) and a result fal no longer keeps.
import * as assert from 'node:assert/strict';
import type { CallSpec } from '../../src/common/callModel';
import {
  INFRA_ERRORS,
  INFRA_ERROR_TYPES,
  LOCKED_ACCOUNT_DETAIL,
  RESULT_EXPIRED_ERROR_TYPE,
  RESULT_EXPIRED_MESSAGE,
} from '../../src/common/falErrorTypes';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { describeError } from '../../src/common/recordText';
import { ApiError } from '../../src/fal/errors';
import { toRequestError } from '../../src/requests/requestErrors';

const infra = (
  type: string,
  status: number,
  extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {},
) => new ApiError({ message: 'm', status, body: { detail: 'd', error_type: type }, ...extra });

const submitted: Pick<CallSpec, 'method' | 'platform'> & { requestId: string } = {
  method: 'submit',
  platform: { storeIo: false },
  requestId: 'req-1',
};

describe('request errors: what each failure means and what to do', () => {
  const expected: Record<string, RegExp> = {
    request_timeout: /^fal timed the request out before it could be served \(504 request_timeout\)$/,
    startup_timeout: /^The app's runner did not start in time \(504 startup_timeout\)$/,
    runner_scheduling_failure: /^fal found no runner to serve the request \(503 runner_scheduling_failure\)$/,
    runner_connection_timeout:
      /^fal could not reach the app's runner in time \(503 runner_connection_timeout\)$/,
    runner_disconnected:
      /^The app's runner went away while handling the request \(503 runner_disconnected\)$/,
    runner_connection_refused: /^The app's runner refused the connection \(503 runner_connection_refused\)$/,
  };

  for (const type of INFRA_ERROR_TYPES) {
    it(`${type}: plain words, the type, and to call again`, () => {
      const e = toRequestError(infra(type, INFRA_ERRORS[type].status));
      assert.match(e.message, expected[type]);
      assert.equal(e.errorType, type);
      assert.match(e.hint ?? '', /not in your input: call again/);
    });
  }

  it('an error type given only in the x-fal-error-type header is recognised too', () => {
    const e = toRequestError(
      new ApiError({
        message: 'm',
        status: 503,
        headers: { [FAL_HEADERS.errorType]: 'runner_disconnected' },
      }),
    );
    assert.match(e.message, /runner went away/);
  });

  it("403 with fal's locked-account body: billing, not the key", () => {
    const e = toRequestError(
      new ApiError({ message: 'm', status: 403, body: { detail: LOCKED_ACCOUNT_DETAIL } }),
    );
    assert.equal(e.message, "fal has locked this account (billing): check your balance on fal's dashboard");
    assert.doesNotMatch(e.hint ?? '', /Set API Key/);
    const plain403 = toRequestError(
      new ApiError({ message: 'Forbidden', status: 403, body: { detail: 'no' } }),
    );
    assert.match(plain403.hint ?? '', /Set API Key/);
  });

  it('401: set the key', () => {
    const e = toRequestError(new ApiError({ message: 'Unauthorized', status: 401 }));
    assert.match(describeError(e), /run "fal: Set API Key"/);
  });

  it("429: the account's concurrency limit, wait or raise it", () => {
    const e = toRequestError(new ApiError({ message: 'Rate limit exceeded', status: 429 }));
    assert.match(
      e.hint ?? '',
      /the account's concurrency limit: wait for its running requests to finish, or raise the limit/,
    );
  });

  it("a user start timeout: no runner started within the record's seconds", () => {
    const err = infra('request_timeout', 504, { timeoutType: 'user' });
    const e = toRequestError(err, { method: 'submit', platform: { startTimeout: 12 } });
    assert.match(e.message, /^No runner started within 12 s/);
    assert.match(e.hint ?? '', /Raise the start timeout/);
    assert.match(toRequestError(err).message, /^No runner started within the start timeout/);
  });

  it("an expired result: the sandbox's marker, or fal's plain 404 for a store-io 0 request it named", () => {
    const marked = new ApiError({
      message: 'm',
      status: 404,
      body: { detail: 'x', error_type: RESULT_EXPIRED_ERROR_TYPE },
    });
    assert.equal(toRequestError(marked).message, RESULT_EXPIRED_MESSAGE);
    assert.match(
      RESULT_EXPIRED_MESSAGE,
      /^fal no longer keeps this result \(requests sent with X-Fal-Store-IO: 0 keep results for 1 hour, 6 minutes when 10 KB or larger\); call it again$/,
    );
    const plain404 = new ApiError({
      message: 'Not found',
      status: 404,
      body: { detail: 'Request req-1 not found' },
    });
    // A record last changed 7 minutes ago: its result may have expired since.
    const old = { ...submitted, updatedAt: Date.now() - 7 * 60 * 1000 };
    assert.equal(toRequestError(plain404, old).message, RESULT_EXPIRED_MESSAGE);
    // Not for one that changed a moment ago (the shortest window is 6 minutes: an app's own 404),
    // nor for a request that stored its payloads, nor for one fal never named (a wrong id).
    assert.match(toRequestError(plain404, { ...submitted, updatedAt: Date.now() - 1000 }).message, /^404: /);
    assert.match(toRequestError(plain404, submitted).message, /^404: /);
    assert.match(toRequestError(plain404, { ...old, platform: {} }).message, /^404: /);
    assert.match(
      toRequestError(plain404, { ...old, requestId: undefined as unknown as string }).message,
      /^404: /,
    );
  });
});
