// The one rule for secret-looking headers: redacted by name (case-insensitive), other values kept,
// and the snippets and the records both follow it.
import * as assert from 'node:assert/strict';
import { isSecretHeader, REDACTED, redactHeaders } from '../../src/common/secretHeaders';

describe('secret headers', () => {
  it('redacts values of headers named like authorization, token, secret, key, cookie or password', () => {
    for (const name of ['Authorization', 'x-api-token', 'X-Secret', 'x-api-key', 'Cookie', 'x-password'])
      assert.ok(isSecretHeader(name), name);
    assert.deepEqual(redactHeaders({ 'x-api-token': 'secret-value', 'x-custom': 'one' }), {
      'x-api-token': REDACTED,
      'x-custom': 'one',
    });
    assert.deepEqual(redactHeaders({ Authorization: 'Key k' }, '<your value>'), {
      Authorization: '<your value>',
    });
    assert.equal(redactHeaders(undefined), undefined);
  });
});
