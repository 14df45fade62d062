// Our realtime client against the sandbox over loopback: tokens fetched and refreshed before expiry,
// reconnect on the next send after a close, messages queued while connecting all delivered in order,
// latest-only throttling when asked, normal closes (ours, idle TIMEOUT) not errors, x-fal-error and
// refused handshakes reported, request() pairing outputs with inputs, connections cached per key.
import * as assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { createFalClient } from '../../src/fal/client';
import { resolveConfig } from '../../src/fal/config';
import { ApiError } from '../../src/fal/errors';
import { sandboxHosts } from '../../src/common/hosts';
import { createRealtimeClient, type RealtimeConnectOptions } from '../../src/fal/realtime';
import { createTemporaryToken } from '../../src/fal/tokens';
import { startSandbox } from '../../src/sandbox/server';
import { KEY, delay, waitUntil } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

type Out = Record<string, unknown>;

describe('realtime: our client', () => {
  const sandbox = useSandbox();
  let config: ReturnType<typeof resolveConfig>;
  const opened: Array<{ close(): void }> = [];

  before(() => {
    config = resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) });
  });

  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
  });

  /** A connection recording its results and errors. */
  function connect(id: string, options: Partial<RealtimeConnectOptions<Out>> = {}) {
    const results: Out[] = [];
    const errors: Error[] = [];
    const conn = createRealtimeClient(config).connect<Out>(id, {
      onResult: (r) => results.push(r),
      onError: (e) => errors.push(e),
      ...options,
    });
    opened.push(conn);
    return { conn, results, errors };
  }

  it('delivers every message sent while connecting, in order', async () => {
    const { conn, results, errors } = connect('sandbox/echo');
    for (let n = 1; n <= 25; n++) conn.send({ n });
    await waitUntil(() => results.length === 25, '25 results');
    assert.deepEqual(
      results.map((r) => [r.n, r.seq]),
      Array.from({ length: 25 }, (_, i) => [i + 1, i + 1]),
    );
    assert.deepEqual(errors, []);
  });

  it('pairs request() outputs with their inputs, next to plain sends', async () => {
    const { conn, results } = connect('sandbox/echo');
    conn.send({ kind: 'send', n: 1 });
    const answers = await Promise.all([
      conn.request({ kind: 'request', n: 2 }),
      conn.request({ kind: 'request', n: 3, delay_ms: 30 }),
      conn.request({ kind: 'request', n: 4 }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.n),
      [2, 3, 4],
    );
    assert.deepEqual(results, [{ kind: 'send', n: 1, seq: 1 }]);
  });

  it('rejects request() with the x-fal-error that answers it, and reports it to onError for send()', async () => {
    const { conn, errors } = connect('sandbox/echo');
    await assert.rejects(conn.request({ fail: 'boom' }), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.message, 'INTERNAL_ERROR: boom');
      assert.equal(err.status, 400);
      return true;
    });
    conn.send({ fail: 'again' });
    await waitUntil(() => errors.length === 1, 'onError');
    assert.equal(errors[0].message, 'INTERNAL_ERROR: again');
    assert.deepEqual(await conn.request({ ok: true }), { ok: true, seq: 3 });
  });

  it('answers images with PNG bytes inline', async () => {
    const { conn } = connect('sandbox/image');
    const out = (await conn.request({ prompt: 'fox', seed: 3, width: 16, height: 16 })) as {
      images: Array<{ content: Uint8Array; content_type: string }>;
    };
    assert.equal(out.images[0].content_type, 'image/png');
    assert.equal(Buffer.from(out.images[0].content).subarray(1, 4).toString(), 'PNG');
  });

  it('reconnects on the next send after close(), and a close is not an error', async () => {
    const { conn, results, errors } = connect('sandbox/echo');
    assert.deepEqual(await conn.request({ n: 1 }), { n: 1, seq: 1 });
    conn.close();
    conn.send({ n: 2 });
    await waitUntil(() => results.length === 1, 'a result after reconnecting');
    assert.deepEqual(results, [{ n: 2, seq: 1 }], 'a new session counts from 1');
    assert.deepEqual(errors, []);
  });

  it('ignores the idle TIMEOUT and its normal close, then reconnects on the next request', async () => {
    const { conn, errors } = connect('sandbox/echo', { query: { sandbox_idle_timeout: '0.05' } });
    assert.deepEqual(await conn.request({ n: 1 }), { n: 1, seq: 1 });
    await delay(200);
    assert.deepEqual(await conn.request({ n: 2 }), { n: 2, seq: 1 });
    assert.deepEqual(errors, []);
  });

  it('loses nothing sent around the idle TIMEOUT: what crossed the notice goes out again', async () => {
    const { conn, errors } = connect('sandbox/echo', { query: { sandbox_idle_timeout: '0.05' } });
    for (let n = 0; n < 24; n++) {
      assert.equal((await conn.request({ n })).n, n);
      await delay(35 + (n % 6) * 5);
    }
    assert.deepEqual(errors, []);
  });

  it('is what createFalClient exposes as client.realtime', async () => {
    const client = createFalClient({ credentials: KEY, hosts: sandboxHosts(sandbox.url) });
    const conn = client.realtime.connect<Out>('sandbox/echo', { onResult: () => {} });
    opened.push(conn);
    assert.deepEqual(await conn.request({ via: 'client' }), { via: 'client', seq: 1 });
  });

  it('sends the first message and then only the latest of each window when throttled', async () => {
    const { conn, results } = connect('sandbox/echo', { throttleInterval: 100 });
    await conn.request({ warm: true });
    for (let n = 1; n <= 10; n++) conn.send({ n });
    await waitUntil(() => results.length === 2, 'two results');
    await delay(150);
    assert.deepEqual(
      results.map((r) => r.n),
      [1, 10],
    );
  });

  it('reuses one connection per connectionKey', async () => {
    const key = `key-${Math.random()}`;
    const client = createRealtimeClient(config);
    const a = client.connect<Out>('sandbox/echo', { onResult: () => {}, connectionKey: key });
    const b = client.connect<Out>('sandbox/echo', { onResult: () => {}, connectionKey: key });
    opened.push(a);
    assert.equal((await a.request({ from: 'a' })).seq, 1);
    assert.equal((await b.request({ from: 'b' })).seq, 2);
  });

  it('reports a refused handshake with its reason and rejects pending requests', async () => {
    const { conn, errors } = connect('sandbox/echo', { tokenProvider: async () => 'not-a-token' });
    await assert.rejects(conn.request({ n: 1 }), /Realtime connection refused \(HTTP 401\): Invalid token/);
    assert.equal(errors.length, 1);
    assert.equal((errors[0] as ApiError).status, 401);
  });

  it('reports a token provider failure', async () => {
    const { conn, errors } = connect('sandbox/echo', {
      tokenProvider: async () => {
        throw new Error('no token today');
      },
    });
    await assert.rejects(conn.request({ n: 1 }), /no token today/);
    assert.equal(errors[0].message, 'no token today');
  });

  it('refuses maxBuffering outside 1..60', () => {
    assert.throws(() => connect('sandbox/echo', { maxBuffering: 0 }), RangeError);
  });

  it('asks the provider for "<id>/realtime" and refreshes the token at 90 % of its lifetime', async () => {
    const asked: string[] = [];
    const tokens: string[] = [];
    const { conn, errors } = connect('sandbox/echo', {
      tokenExpirationSeconds: 0.5,
      tokenProvider: async (app) => {
        asked.push(app);
        const token = await createTemporaryToken(config, app, 0.5);
        tokens.push(token);
        return token;
      },
    });
    assert.deepEqual(await conn.request({ n: 1 }), { n: 1, seq: 1 });
    assert.equal(asked[0], 'sandbox/echo/realtime');
    await waitUntil(() => tokens.length >= 2, 'a refreshed token');
    const firstExpiry = decodeJwt(tokens[0]).exp as number;
    assert.ok(firstExpiry < (decodeJwt(tokens[1]).exp as number));
    // Once the first token has expired, reconnecting still works: it uses a fresh one.
    await waitUntil(() => Date.now() > firstExpiry * 1000 + 20, 'the first token to expire');
    conn.close();
    assert.deepEqual(await conn.request({ n: 2 }), { n: 2, seq: 1 });
    assert.deepEqual(errors, []);
  });

  it('refreshes with the default provider too (POST /rest/tokens/ with the key)', async () => {
    const { conn, errors } = connect('sandbox/echo', { tokenExpirationSeconds: 0.3 });
    assert.deepEqual(await conn.request({ n: 1 }), { n: 1, seq: 1 });
    await delay(400);
    conn.close();
    assert.deepEqual(await conn.request({ n: 2 }), { n: 2, seq: 1 });
    assert.deepEqual(errors, []);
  });

  it('reports an abnormal close when the sandbox goes away', async () => {
    const other = await startSandbox({ port: 0 });
    const client = createRealtimeClient(resolveConfig({ credentials: KEY, hosts: sandboxHosts(other.url) }));
    const errors: Error[] = [];
    const conn = client.connect('sandbox/echo', { onResult: () => {}, onError: (e) => errors.push(e) });
    await conn.request({ n: 1 });
    await other.close();
    await waitUntil(() => errors.length === 1, 'onError');
    assert.equal((errors[0] as ApiError).status, 1001);
    assert.match(errors[0].message, /Error closing the connection: sandbox shutting down/);
  });
});
