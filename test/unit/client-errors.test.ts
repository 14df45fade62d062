import * as assert from 'node:assert/strict';
import { ApiError, ValidationError, errorMessage } from '../../src/fal/errors';

describe('client: errors', () => {
  it('takes the message from body.message, then detail, then the status', () => {
    assert.equal(errorMessage(400, { message: 'm', detail: 'd' }), 'm');
    assert.equal(
      errorMessage(401, { detail: 'Authorization header is required' }),
      'Authorization header is required',
    );
    assert.equal(
      errorMessage(422, {
        detail: [
          { loc: ['body', 'prompt'], msg: 'field required', type: 'value_error.missing' },
          { loc: ['body', 'num_images'], msg: 'must be <= 4', type: 'value_error' },
        ],
      }),
      'prompt: field required; num_images: must be <= 4',
    );
    assert.equal(errorMessage(502, '<html>nginx</html>', 'Bad Gateway'), 'HTTP 502: Bad Gateway');
    assert.equal(errorMessage(500, undefined), 'HTTP 500');
  });

  it('exposes field errors of a ValidationError', () => {
    const e = new ValidationError({
      message: 'x',
      status: 422,
      body: { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'missing' }] },
    });
    assert.ok(e instanceof ApiError);
    assert.equal(e.name, 'ValidationError');
    assert.equal(e.getFieldErrors('prompt').length, 1);
    assert.equal(e.getFieldErrors('seed').length, 0);
    const s = new ValidationError({ message: 'x', status: 422, body: { detail: 'bad input' } });
    assert.deepEqual(s.fieldErrors, [{ loc: ['body'], msg: 'bad input', type: 'value_error' }]);
  });

  it('recognises a user timeout', () => {
    assert.ok(new ApiError({ message: '', status: 504, timeoutType: 'user' }).isUserTimeout);
    assert.ok(!new ApiError({ message: '', status: 504 }).isUserTimeout);
    assert.ok(!new ApiError({ message: '', status: 503, timeoutType: 'user' }).isUserTimeout);
    assert.equal(new ApiError({ message: '', status: 500 }).requestId, '');
  });
});
