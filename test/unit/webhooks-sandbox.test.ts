// Webhooks end to end over loopback: a submit with `fal_webhook` to a real sandbox is delivered to a
// local receiver, signed with Ed25519 and verified by our verifyWebhook against the sandbox JWKS; a
// failed delivery is retried; forged, tampered, stale and replayed deliveries are refused. The retry
// loop itself (bounded attempts, transport errors, shutdown) is driven through deliverWebhook.
import * as assert from 'node:assert/strict';
import { generateKeyPairSync, sign, createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReplayCache, fetchJwks, verifyWebhook, type WebhookJwks } from '../../src/fal/webhooks';
import { createContext } from '../../src/sandbox/context';
import { deliverWebhook } from '../../src/sandbox/webhooks';
import { useSandbox } from './sandbox-helpers';

const KEY = 'test-id:test-secret';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A webhook target on 127.0.0.1:0 that records deliveries and answers with `respond`. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  private server!: http.Server;
  url = '';

  constructor(private readonly respond: (delivery: Delivery, index: number) => number = () => 200) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const delivery = { headers: req.headers, body: Buffer.concat(chunks) };
        const index = this.deliveries.push(delivery) - 1;
        res.writeHead(this.respond(delivery, index)).end();
        for (const w of this.waiters.filter((w) => this.deliveries.length >= w.count)) w.resolve();
        this.waiters = this.waiters.filter((w) => this.deliveries.length < w.count);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/fal`;
    return this;
  }

  /** Resolves once `count` deliveries have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.deliveries.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function submit(base: string, endpoint: string, input: unknown, webhook: string): Promise<string> {
  const res = await fetch(`${base}/queue/${endpoint}?fal_webhook=${encodeURIComponent(webhook)}`, {
    method: 'POST',
    headers: { authorization: `Key ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { request_id: string };
  return body.request_id;
}

describe('webhooks: sandbox delivery', () => {
  const sandbox = useSandbox();
  let jwks: WebhookJwks;

  before(async () => {
    jwks = await fetchJwks(sandbox.hosts.webhookJwks, { force: true });
  });

  it('serves its Ed25519 public key as a JWKS', async () => {
    const res = await fetch(`${sandbox.url}/rest/.well-known/jwks.json`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as WebhookJwks;
    assert.equal(body.keys.length, 1);
    const [key] = body.keys;
    assert.equal(key.kty, 'OKP');
    assert.equal(key.crv, 'Ed25519');
    assert.equal(key.use, 'sig');
    assert.equal(key.alg, 'EdDSA');
    assert.match(key.x ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok(key.kid);
    assert.deepEqual(body, jwks);
  });

  it('delivers fal body and headers on completion, verified by verifyWebhook', async () => {
    const receiver = await new Receiver().start();
    try {
      const requestId = await submit(sandbox.url, 'sandbox/echo', { message: 'hooked' }, receiver.url);
      await receiver.waitFor(1);
      const [delivery] = receiver.deliveries;
      assert.equal(delivery.headers['content-type'], 'application/json');
      assert.equal(delivery.headers['x-fal-webhook-request-id'], requestId);
      assert.ok(delivery.headers['x-fal-webhook-user-id']);
      const result = verifyWebhook(delivery.headers, delivery.body, jwks, { seen: new ReplayCache() });
      assert.ok(result.ok, !result.ok ? result.reason : '');
      assert.equal(result.payload.request_id, requestId);
      assert.equal(typeof result.payload.gateway_request_id, 'string');
      assert.equal(result.payload.status, 'OK');
      assert.deepEqual(result.payload.payload, { message: 'hooked' });
    } finally {
      await receiver.stop();
    }
  });

  it('delivers a failed request as status ERROR with the error and the error body', async () => {
    const receiver = await new Receiver().start();
    try {
      await submit(sandbox.url, 'sandbox/error', { status: 422 }, receiver.url);
      await receiver.waitFor(1);
      const [delivery] = receiver.deliveries;
      const result = verifyWebhook(delivery.headers, delivery.body, jwks, { seen: new ReplayCache() });
      assert.ok(result.ok, !result.ok ? result.reason : '');
      assert.equal(result.payload.status, 'ERROR');
      assert.equal(result.payload.error, 'Invalid status code: 422');
      const payload = result.payload.payload as { detail: unknown[] };
      assert.ok(Array.isArray(payload.detail));
    } finally {
      await receiver.stop();
    }
  });

  it('retries a failed delivery; the receiver releases the id it failed on so the retry verifies', async () => {
    const seen = new ReplayCache();
    const verdicts: string[] = [];
    const receiver = await new Receiver((delivery, index) => {
      const result = verifyWebhook(delivery.headers, delivery.body, jwks, { seen });
      verdicts.push(result.ok ? 'ok' : result.reason);
      if (!result.ok) return 401;
      if (index === 0) {
        seen.delete(result.requestId); // processing failed: let fal's retry in
        return 500;
      }
      return 204;
    }).start();
    try {
      const requestId = await submit(sandbox.url, 'sandbox/echo', { attempt: 'twice' }, receiver.url);
      await receiver.waitFor(2);
      assert.deepEqual(verdicts, ['ok', 'ok']);
      for (const d of receiver.deliveries) assert.equal(d.headers['x-fal-webhook-request-id'], requestId);
      assert.equal(receiver.deliveries[0].body.toString(), receiver.deliveries[1].body.toString());
    } finally {
      await receiver.stop();
    }
  });

  describe('refusals, on a real delivery', () => {
    let delivery: Delivery;

    before(async () => {
      const receiver = await new Receiver().start();
      try {
        await submit(sandbox.url, 'sandbox/echo', { message: 'capture' }, receiver.url);
        await receiver.waitFor(1);
        delivery = receiver.deliveries[0];
      } finally {
        await receiver.stop();
      }
    });

    it('accepts it as delivered', () => {
      assert.ok(verifyWebhook(delivery.headers, delivery.body, jwks, { seen: new ReplayCache() }).ok);
    });

    it('refuses a forged signature (another key, same message layout)', () => {
      const { privateKey } = generateKeyPairSync('ed25519');
      const h = delivery.headers;
      const digest = createHash('sha256').update(delivery.body).digest('hex');
      const message = `${h['x-fal-webhook-request-id']}\n${h['x-fal-webhook-user-id']}\n${h['x-fal-webhook-timestamp']}\n${digest}`;
      const forged = {
        ...h,
        'x-fal-webhook-signature': sign(null, Buffer.from(message), privateKey).toString('hex'),
      };
      const result = verifyWebhook(forged, delivery.body, jwks, { seen: new ReplayCache() });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /Signature does not match/);
    });

    it('refuses a tampered body', () => {
      const tampered = Buffer.from(delivery.body.toString().replace('capture', 'captured'));
      const result = verifyWebhook(delivery.headers, tampered, jwks, { seen: new ReplayCache() });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /Signature does not match/);
    });

    it('refuses it once stale (more than 300 s later)', () => {
      const timestamp = Number(delivery.headers['x-fal-webhook-timestamp']);
      const later = (timestamp + 301) * 1000;
      const result = verifyWebhook(delivery.headers, delivery.body, jwks, {
        now: later,
        seen: new ReplayCache(),
      });
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /window/);
    });

    it('refuses it replayed', () => {
      const seen = new ReplayCache();
      assert.ok(verifyWebhook(delivery.headers, delivery.body, jwks, { seen }).ok);
      const replay = verifyWebhook(delivery.headers, delivery.body, jwks, { seen });
      assert.equal(replay.ok, false);
      assert.match(!replay.ok ? replay.reason : '', /replay/);
    });
  });
});

describe('webhooks: delivery retries', () => {
  const delivery = (url: string) => ({
    url,
    requestId: 'req-retry',
    gatewayRequestId: 'req-retry',
    status: 'OK' as const,
    payload: { ok: true },
  });

  it('gives up after the bounded number of attempts, without rejecting', async () => {
    const ctx = createContext({});
    const receiver = await new Receiver(() => 503).start();
    try {
      await deliverWebhook(ctx, delivery(receiver.url), { attempts: 3, baseDelayMs: 10 });
      assert.equal(receiver.deliveries.length, 3);
      // Every attempt is signed afresh.
      for (const d of receiver.deliveries) assert.ok(d.headers['x-fal-webhook-signature']);
    } finally {
      await receiver.stop();
    }
  });

  it('retries transport errors and resolves when the target never answers', async () => {
    const ctx = createContext({});
    const receiver = await new Receiver().start();
    const url = receiver.url;
    await receiver.stop(); // nothing listens there any more
    await deliverWebhook(ctx, delivery(url), { attempts: 2, baseDelayMs: 10 });
  });

  it('stops retrying when the sandbox shuts down', async () => {
    const ctx = createContext({});
    const receiver = await new Receiver(() => {
      ctx.shutdown.abort();
      return 500;
    }).start();
    try {
      await deliverWebhook(ctx, delivery(receiver.url), { attempts: 5, baseDelayMs: 10 });
      assert.equal(receiver.deliveries.length, 1);
    } finally {
      await receiver.stop();
    }
  });

  it('sends payload null with payload_error when the output is not JSON-serialisable', async () => {
    const ctx = createContext({});
    const receiver = await new Receiver().start();
    try {
      await deliverWebhook(ctx, { ...delivery(receiver.url), payload: { big: 1n } });
      const body = JSON.parse(receiver.deliveries[0].body.toString()) as Record<string, unknown>;
      assert.equal(body.payload, null);
      assert.match(String(body.payload_error), /serialised/);
      assert.equal(body.status, 'OK');
    } finally {
      await receiver.stop();
    }
  });
});
