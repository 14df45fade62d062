// Temporary tokens over loopback: the sandbox's `POST /rest/tokens/` (key required, a bare JSON string
// naming the app aliases and expiry), its verification (signature, expiry, app), and the client's
// createTemporaryToken, including the legacy `{detail}` / `{token}` reply shapes.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { createTemporaryToken } from '../../src/fal/tokens';
import { createContext } from '../../src/sandbox/context';
import { issueToken, verifyToken } from '../../src/sandbox/tokens';
import { KEY, delay, fetchToken } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

describe('realtime tokens: sandbox POST /rest/tokens/', () => {
  const sandbox = useSandbox();

  const post = (body: unknown, headers: Record<string, string> = { authorization: `Key ${KEY}` }) =>
    fetch(`${sandbox.url}/rest/tokens/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers a bare JSON string: a JWT naming the aliases and its expiry', async () => {
    const before = Date.now() / 1000;
    const token = await fetchToken(sandbox.url, ['echo'], 120);
    const claims = decodeJwt(token);
    assert.deepEqual(claims.allowed_apps, ['echo']);
    assert.ok(typeof claims.exp === 'number' && claims.exp >= before + 119 && claims.exp <= before + 122);
  });

  it('requires the key', async () => {
    const res = await post({ allowed_apps: ['echo'] }, {});
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { detail: string }).detail, /Authorization/);
  });

  it('refuses full endpoint ids, empty lists and bad expirations with a 422', async () => {
    for (const body of [
      { allowed_apps: ['sandbox/echo'] },
      { allowed_apps: [] },
      { allowed_apps: ['echo'], token_expiration: 0 },
      { allowed_apps: ['echo'], token_expiration: 'soon' },
    ]) {
      const res = await post(body);
      assert.equal(res.status, 422, JSON.stringify(body));
      const detail = ((await res.json()) as { detail: Array<{ loc: string[] }> }).detail;
      assert.equal(detail[0].loc[0], 'body');
    }
  });
});

describe('realtime tokens: verification', () => {
  const ctx = createContext({});

  it('accepts a token for its app', async () => {
    const check = await verifyToken(ctx, await issueToken(ctx, ['echo', 'image'], 60), 'image');
    assert.equal(check.ok, true);
  });

  it('refuses another app with 403', async () => {
    const check = await verifyToken(ctx, await issueToken(ctx, ['echo'], 60), 'image');
    assert.equal(check.ok, false);
    if (!check.ok) {
      assert.equal(check.status, 403);
      assert.match(check.reason, /not valid for app "image"/);
    }
  });

  it('refuses an expired token with 401', async () => {
    const token = await issueToken(ctx, ['echo'], 0.05);
    await delay(80);
    const check = await verifyToken(ctx, token, 'echo');
    assert.deepEqual(check, { ok: false, status: 401, reason: 'Token expired.' });
  });

  it("refuses another sandbox's token (other secret) and garbage with 401", async () => {
    const other = createContext({});
    for (const token of [await issueToken(other, ['echo'], 60), 'not.a.jwt']) {
      const check = await verifyToken(ctx, token, 'echo');
      assert.equal(check.ok, false);
      if (!check.ok) {
        assert.equal(check.status, 401);
        assert.match(check.reason, /Invalid token/);
      }
    }
  });
});

describe('realtime tokens: client createTemporaryToken', () => {
  const sandbox = useSandbox();

  it('asks for the alias of an endpoint id, with the expiration', async () => {
    const config = resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) });
    const now = Date.now() / 1000;
    const token = await createTemporaryToken(config, 'sandbox/echo/realtime', 30);
    const claims = decodeJwt(token);
    assert.deepEqual(claims.allowed_apps, ['echo']);
    assert.ok(typeof claims.exp === 'number' && claims.exp >= now + 29 && claims.exp <= now + 32);
  });

  it('raises an ApiError when the key is missing', async () => {
    const config = resolveConfig({ credentials: undefined, hosts: sandboxHosts(sandbox.url) });
    await assert.rejects(createTemporaryToken(config, 'sandbox/echo'), { name: 'ApiError', status: 401 });
  });

  it('accepts the {detail} and {token} shapes of older proxies', async () => {
    const seen: unknown[] = [];
    const bodies = [{ detail: 'tok-detail' }, { token: 'tok-token' }];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(bodies.shift()));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const config = resolveConfig({ credentials: KEY, hosts: sandboxHosts(base) });
      assert.equal(await createTemporaryToken(config, 'fal-ai/flux/dev'), 'tok-detail');
      assert.equal(await createTemporaryToken(config, 'fal-ai/flux/dev'), 'tok-token');
      assert.deepEqual(seen[0], {
        url: '/rest/tokens/',
        body: { allowed_apps: ['flux'], token_expiration: 120 },
      });
    } finally {
      server.close();
    }
  });
});
