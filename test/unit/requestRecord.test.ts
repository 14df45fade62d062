// What the extension keeps and shows of a failed call: errors turned into what went wrong and what to
// do, and server text kept from becoming links in notifications.
import * as assert from 'node:assert/strict';
import { ApiError, ValidationError } from '../../src/fal/errors';
import { InvalidEndpointIdError } from '../../src/common/endpointId';
import { describeError, withoutLinks } from '../../src/common/recordText';
import { toRequestError } from '../../src/requests/requestErrors';

describe('request records: errors', () => {
  it('names the fields of a 422 and says to fix them', () => {
    const err = new ValidationError({
      message: 'prompt: field required',
      status: 422,
      body: { detail: [{ loc: ['body', 'prompt'], msg: 'field required', type: 'missing' }] },
    });
    const e = toRequestError(err);
    assert.equal(e.message, 'The input did not validate: prompt: field required');
    assert.equal(e.status, 422);
    assert.equal(
      describeError(e),
      'The input did not validate: prompt: field required. Fix the fields named and call again.',
    );
  });

  it('points 401 to the key, 404 to the id, 429 to waiting', () => {
    const hint = (status: number) => toRequestError(new ApiError({ message: 'x', status })).hint ?? '';
    assert.match(hint(401), /Set API Key/);
    assert.match(hint(404), /endpoint id/);
    assert.match(hint(429), /wait/);
    assert.match(toRequestError(new InvalidEndpointIdError('nope')).hint ?? '', /owner\/app/);
  });

  it('breaks link syntax in server text meant for a notification', () => {
    const text = withoutLinks('Click [here](command:fal.clearApiKey) or [there] (https://evil.example)');
    assert.ok(!/\]\(/.test(text), text);
    assert.equal(withoutLinks('no links [1] here'), 'no links [1] here');
  });
});
