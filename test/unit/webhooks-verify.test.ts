// verifyWebhook against deliveries signed here, independently, with fal's message layout; and
// fetchJwks's cache. No sandbox: the signing side is node:crypto in the test itself.
import * as assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ReplayCache,
  clearJwksCache,
  fetchJwks,
  verifyWebhook,
  type WebhookJwks,
} from '../../src/fal/webhooks';

function keyPair(): { jwks: WebhookJwks; privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'] } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { x } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x, use: 'sig', alg: 'EdDSA' }] } };
}

function signed(
  privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'],
  body: string,
  { requestId = 'req-1', userId = 'user-1', timestamp = Math.floor(Date.now() / 1000) } = {},
): Record<string, string> {
  const digest = createHash('sha256').update(body).digest('hex');
  const message = `${requestId}\n${userId}\n${timestamp}\n${digest}`;
  return {
    'X-Fal-Webhook-Request-Id': requestId,
    'X-Fal-Webhook-User-Id': userId,
    'X-Fal-Webhook-Timestamp': String(timestamp),
    'X-Fal-Webhook-Signature': sign(null, Buffer.from(message), privateKey).toString('hex'),
  };
}

const body = JSON.stringify({ request_id: 'req-1', status: 'OK', payload: { images: [] } });

describe('webhooks: verifyWebhook', () => {
  const { privateKey, jwks } = keyPair();

  it('accepts a delivery signed over request_id, user_id, timestamp and sha256(body)', () => {
    const result = verifyWebhook(signed(privateKey, body), Buffer.from(body), jwks, {
      seen: new ReplayCache(),
    });
    assert.ok(result.ok, !result.ok ? result.reason : '');
    assert.equal(result.payload.status, 'OK');
    assert.equal(result.requestId, 'req-1');
    assert.equal(result.userId, 'user-1');
  });

  it('reads headers case-insensitively, from a plain record or a Headers object', () => {
    const headers = new Headers(signed(privateKey, body));
    const result = verifyWebhook(headers, body, jwks, { seen: new ReplayCache() });
    assert.ok(result.ok);
  });

  it('tries every key of the set', () => {
    const other = keyPair();
    const both: WebhookJwks = { keys: [...other.jwks.keys, ...jwks.keys] };
    assert.ok(verifyWebhook(signed(privateKey, body), body, both, { seen: new ReplayCache() }).ok);
  });

  it('refuses a signature made with another key', () => {
    const forger = keyPair();
    const result = verifyWebhook(signed(forger.privateKey, body), body, jwks, { seen: new ReplayCache() });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /Signature does not match/);
  });

  it('refuses a tampered body and tampered headers', () => {
    const headers = signed(privateKey, body);
    const tampered = body.replace('"OK"', '"ERROR"');
    assert.equal(verifyWebhook(headers, tampered, jwks, { seen: new ReplayCache() }).ok, false);
    const otherUser = { ...headers, 'X-Fal-Webhook-User-Id': 'user-2' };
    assert.equal(verifyWebhook(otherUser, body, jwks, { seen: new ReplayCache() }).ok, false);
  });

  it('refuses a timestamp outside the ±300 s window, either way', () => {
    const now = Date.now();
    const stale = signed(privateKey, body, { timestamp: Math.floor(now / 1000) - 301 });
    const future = signed(privateKey, body, { timestamp: Math.floor(now / 1000) + 301 });
    for (const headers of [stale, future]) {
      const result = verifyWebhook(headers, body, jwks, { now, seen: new ReplayCache() });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /outside the ±300 s window/);
    }
    const edge = signed(privateKey, body, { timestamp: Math.floor(now / 1000) - 299 });
    assert.ok(verifyWebhook(edge, body, jwks, { now, seen: new ReplayCache() }).ok);
  });

  it('honours a custom tolerance', () => {
    const now = Date.now();
    const headers = signed(privateKey, body, { timestamp: Math.floor(now / 1000) - 60 });
    assert.equal(verifyWebhook(headers, body, jwks, { now, toleranceSeconds: 30, seen: false }).ok, false);
    assert.ok(verifyWebhook(headers, body, jwks, { now, toleranceSeconds: 90, seen: false }).ok);
  });

  it('refuses a request id already accepted within the window, and forgets it after', () => {
    const seen = new ReplayCache();
    const now = Date.now();
    const headers = signed(privateKey, body, { requestId: 'req-replay', timestamp: Math.floor(now / 1000) });
    assert.ok(verifyWebhook(headers, body, jwks, { now, seen }).ok);
    const again = verifyWebhook(headers, body, jwks, { now: now + 1000, seen });
    assert.equal(again.ok, false);
    assert.match(!again.ok ? again.reason : '', /replay/);
    // Once the id is released (the receiver failed to process it), fal's retry is accepted.
    seen.delete('req-replay');
    assert.ok(verifyWebhook(headers, body, jwks, { now: now + 2000, seen }).ok);
    // Past the window the entry is gone (and the timestamp would be refused anyway).
    assert.equal(seen.has('req-replay', now + 10 * 60 * 1000), false);
  });

  it('records only verified deliveries, so a forgery cannot burn a real request id', () => {
    const seen = new ReplayCache();
    const forger = keyPair();
    const forged = signed(forger.privateKey, body, { requestId: 'req-burn' });
    assert.equal(verifyWebhook(forged, body, jwks, { seen }).ok, false);
    assert.ok(verifyWebhook(signed(privateKey, body, { requestId: 'req-burn' }), body, jwks, { seen }).ok);
  });

  it('names missing headers and malformed values', () => {
    const headers = signed(privateKey, body);
    const noSig: Record<string, string> = { ...headers };
    delete noSig['X-Fal-Webhook-Signature'];
    const missing = verifyWebhook(noSig, body, jwks, { seen: false });
    assert.match(!missing.ok ? missing.reason : '', /X-Fal-Webhook-Signature/);
    const badSig = verifyWebhook({ ...headers, 'X-Fal-Webhook-Signature': 'zz' }, body, jwks, {
      seen: false,
    });
    assert.match(!badSig.ok ? badSig.reason : '', /hex Ed25519/);
    const empty = verifyWebhook(headers, body, { keys: [] }, { seen: false });
    assert.match(!empty.ok ? empty.reason : '', /no Ed25519/);
  });
});

describe('webhooks: fetchJwks', () => {
  let server: http.Server;
  let url: string;
  let hits = 0;
  const { jwks } = keyPair();

  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rest/.well-known/jwks.json`;
  });

  after(async () => {
    clearJwksCache();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fetches the set once and serves it from the cache after', async () => {
    clearJwksCache();
    const first = await fetchJwks(url);
    const second = await fetchJwks(url);
    assert.deepEqual(first, jwks);
    assert.deepEqual(second, jwks);
    assert.equal(hits, 1);
    await fetchJwks(url, { force: true });
    assert.equal(hits, 2);
  });
});
