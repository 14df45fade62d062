// The one rule for secret-looking headers: redacted by name (case-insensitive), other values kept,
// and the snippets and the records both follow it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isSecretHeader, REDACTED, redactHeaders } from '../../src/common/secretHeaders';
import { RequestStore } from '../../src/requests/requestStore';

describe('secret headers', () => {
  it('redacts values of headers named like authorization, token, secret, key, cookie or password', () => {
    for (const name of ['Authorization', 'x-api-token', 'X-Secret', 'x-api-key', 'Cookie', 'x-password'])
      assert.ok(isSecretHeader(name), name);
    for (const name of ['X-Auth', 'x-auth-user', 'X-Credential', 'x-session-id', 'x-signature'])
      assert.ok(isSecretHeader(name), name);
    for (const name of ['x-custom', 'x-fal-runner-hint', 'accept-language'])
      assert.ok(!isSecretHeader(name), name);
    assert.deepEqual(redactHeaders({ 'x-api-token': 'secret-value', 'x-custom': 'one' }), {
      'x-api-token': REDACTED,
      'x-custom': 'one',
    });
    assert.deepEqual(redactHeaders({ Authorization: 'Key k' }, '<your value>'), {
      Authorization: '<your value>',
    });
    assert.equal(redactHeaders(undefined), undefined);
  });

  it('redacts the headers of records saved before (or under a narrower rule) as the store loads them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-redact-'));
    try {
      const file = path.join(dir, 'requests.json');
      const saved = {
        id: 'old',
        endpointId: 'sandbox/echo',
        method: 'run',
        input: {},
        target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
        createdAt: 1,
        updatedAt: 1,
        state: 'COMPLETED',
        logs: [],
        headers: { 'x-auth-user': 'secret-value', 'x-custom': 'one' },
      };
      fs.writeFileSync(file, JSON.stringify({ version: 1, records: [saved], removed: [] }));
      const store = new RequestStore(file);
      assert.deepEqual(store.get('old')?.headers, { 'x-auth-user': REDACTED, 'x-custom': 'one' });
      store.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
