// The http layer and the SSE stream over a real loopback server of this test's own, for the
// transport-level cases the sandbox doesn't stage (keep-alive reuse, aborts, default headers).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig } from '../../src/fal/config';
import { ApiError, FalAbortError, FalTimeoutError, NetworkError, ProtocolError } from '../../src/fal/errors';
import { request } from '../../src/fal/http';
import { NO_RETRY } from '../../src/fal/retry';
import { FalStream } from '../../src/fal/streaming';

/**
 * A server that answers the first request of each connection and drops the connection, `dropAfterMs`
 * later and without answering, when another request comes on it: at once, what a client sees sending on
 * a kept-alive socket just as the server closes it for idling; later, a reset that is the server's answer.
 */
function dropsReusedConnections(dropAfterMs: number) {
  const served = new Set<unknown>();
  const counted = {
    requests: 0,
    handle: (req: http.IncomingMessage, res: http.ServerResponse) => {
      counted.requests++;
      if (served.has(req.socket)) {
        if (dropAfterMs === 0) req.socket.destroy();
        else setTimeout(() => req.socket.destroy(), dropAfterMs);
        return;
      }
      served.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    },
  };
  return counted;
}

describe('client: http layer', () => {
  let server: http.Server;
  let base: string;
  const sockets = new Set<unknown>();
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => {};

  before(async () => {
    server = http.createServer((req, res) => handler(req, res));
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const config = resolveConfig({
    credentials: 'id:secret',
    userAgent: 'test-agent',
    retry: { baseDelayMs: 1 },
  });

  it('sends the fal headers and reuses one kept-alive connection', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    handler = (req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json', 'x-fal-request-id': 'req-1' });
      res.end('{"ok":true}');
    };
    sockets.clear();
    const first = await request<{ ok: boolean }>(config, {
      method: 'POST',
      url: `${base}/a`,
      body: { x: 1 },
      headers: { 'X-Custom': 'v' },
    });
    await request(config, { url: `${base}/b` });
    assert.deepEqual(first.data, { ok: true });
    assert.equal(first.requestId, 'req-1');
    assert.equal(seen[0].authorization, 'Key id:secret');
    assert.equal(seen[0].accept, 'application/json');
    assert.equal(seen[0]['content-type'], 'application/json');
    assert.equal(seen[0]['user-agent'], 'test-agent');
    assert.equal(seen[0]['x-custom'], 'v');
    assert.equal(sockets.size, 1);
  });

  it('sends again at once a read whose kept-alive connection the server had closed, whatever the policy; a POST when its policy says', async () => {
    // The server drops a connection when a second request comes on it, without answering: what a
    // client sees when it sends on a kept-alive socket just as the server closes it for idling.
    const dropping = dropsReusedConnections(0);
    handler = dropping.handle;
    const noRetry = { ...NO_RETRY, baseDelayMs: 60_000 };
    await request(config, { url: `${base}/first`, retry: noRetry });
    const second = await request<{ ok: boolean }>(config, { url: `${base}/second`, retry: noRetry });
    assert.deepEqual(second.data, { ok: true });
    assert.equal(dropping.requests, 3, 'the first, the one dropped, the same sent again on a new connection');
    // A POST may have been taken before the connection closed: it is left to the retry policy.
    const post = await request(config, {
      method: 'POST',
      url: `${base}/third`,
      body: {},
      retry: noRetry,
    }).catch((e: unknown) => e);
    assert.ok(post instanceof NetworkError && post.staleConnection, String(post));
    assert.equal(dropping.requests, 4);
    // When the policy sends a POST again, a stale connection's is sent at once, not after its
    // back-off (20 s here: a client of its own, without the 1 ms back-off of `config`).
    const patient = resolveConfig({ credentials: 'id:secret', userAgent: 'test-agent' });
    const oneRetry = { ...noRetry, maxRetries: 1, baseDelayMs: 20_000, maxDelayMs: 20_000 };
    await request(patient, { method: 'POST', url: `${base}/fourth`, body: {}, retry: oneRetry });
    const t0 = performance.now();
    const fifth = await request<{ ok: boolean }>(patient, {
      method: 'POST',
      url: `${base}/fifth`,
      body: {},
      retry: oneRetry,
    });
    assert.deepEqual(fifth.data, { ok: true });
    assert.equal(dropping.requests, 7, 'the fourth, the fifth dropped, the fifth sent again');
    assert.ok(performance.now() - t0 < 5_000, 'not after the back-off of 20 s');
  });

  it('keeps the back-off for a POST reset long after it went out, and sends a POST no more than its policy says', async () => {
    const delays: number[] = [];
    const watched = resolveConfig({
      credentials: 'id:secret',
      userAgent: 'test-agent',
      retry: { onRetry: ({ delayMs }) => delays.push(delayMs) },
    });
    const policy = { ...NO_RETRY, maxRetries: 2, baseDelayMs: 40, maxDelayMs: 40 };
    // A kept-alive connection reset 1.5 s after the request came: the server's doing, not staleness.
    const dropping = dropsReusedConnections(1500);
    handler = dropping.handle;
    await request(watched, { method: 'POST', url: `${base}/one`, body: {}, retry: policy });
    const late = await request<{ ok: boolean }>(watched, {
      method: 'POST',
      url: `${base}/two`,
      body: {},
      retry: policy,
    });
    assert.deepEqual(late.data, { ok: true });
    assert.equal(dropping.requests, 3);
    assert.equal(delays.length, 1);
    assert.ok(delays[0] > 0, `a back-off, not an immediate resend: ${delays[0]} ms`);
    // Every connection dropped as soon as the request comes: 1 + maxRetries sends, then the error.
    let requests = 0;
    handler = (req) => {
      requests++;
      req.socket.destroy();
    };
    await assert.rejects(
      request(watched, { method: 'POST', url: `${base}/three`, body: {}, retry: policy }),
      NetworkError,
    );
    assert.equal(requests, 3);
  });

  it('sends no Authorization without credentials', async () => {
    let auth: string | undefined = 'unset';
    handler = (req, res) => {
      auth = req.headers.authorization;
      res.end();
    };
    await request(resolveConfig({ credentials: undefined }), { url: `${base}/x` });
    assert.equal(auth, undefined);
  });

  it('decodes by content type and reports invalid JSON clearly', async () => {
    handler = (req, res) => {
      if (req.url === '/bin')
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from([1, 2]));
      else if (req.url === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('hi');
      else res.writeHead(200, { 'content-type': 'application/json', 'x-fal-request-id': 'r9' }).end('{"a":');
    };
    assert.deepEqual((await request(config, { url: `${base}/bin` })).data, Buffer.from([1, 2]));
    assert.equal((await request(config, { url: `${base}/text` })).data, 'hi');
    await assert.rejects(
      request(config, { url: `${base}/json` }),
      (e: unknown) => e instanceof ProtocolError && /Invalid JSON/.test(e.message) && e.requestId === 'r9',
    );
  });

  it('never retries after an abort, and aborts a pending call', async () => {
    let calls = 0;
    handler = () => {
      calls++; // never answers
    };
    const controller = new AbortController();
    const pending = request(config, { url: `${base}/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, FalAbortError);
    assert.equal(calls, 1);
  });

  it('times out without retrying', async () => {
    let calls = 0;
    handler = () => {
      calls++;
    };
    await assert.rejects(request(config, { url: `${base}/slow`, timeoutMs: 30 }), FalTimeoutError);
    assert.equal(calls, 1);
  });

  it('keeps a non-JSON error body as text', async () => {
    handler = (_req, res) => res.writeHead(418, { 'content-type': 'text/html' }).end('<h1>teapot</h1>');
    await assert.rejects(
      request(config, { url: `${base}/t` }),
      (e: unknown) =>
        e instanceof ApiError &&
        e.status === 418 &&
        e.body === '<h1>teapot</h1>' &&
        /HTTP 418/.test(e.message),
    );
  });

  it('streams SSE events, skips comments, and resolves done() with the last', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-fal-request-id': 'sse-1' });
      res.write(': keepalive\n\n');
      res.write('data: {"n":1}\n\n');
      res.write('data: {"n"');
      setTimeout(() => res.end(':2}\n\ndata: {"n":3}\n\n'), 5);
    };
    const stream = new FalStream<{ n: number }>(config, { url: `${base}/s` });
    const seen: number[] = [];
    for await (const event of stream) seen.push(event.n);
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(await stream.done(), { n: 3 });
    assert.equal(stream.requestId, 'sse-1');
  });

  it('fails a stream on a bad event and on a cut connection', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (req.url === '/bad') res.end('data: {"n":1}\n\ndata: nope\n\n');
      else {
        res.write('data: {"n":1}\n\n');
        setTimeout(() => res.socket?.destroy(), 5);
      }
    };
    const bad = new FalStream(config, { url: `${base}/bad` });
    await assert.rejects(bad.done(), (e: unknown) => e instanceof ProtocolError && /event 2/.test(e.message));
    const cut = new FalStream(config, { url: `${base}/cut` });
    const seen: unknown[] = [];
    await assert.rejects(async () => {
      for await (const event of cut) seen.push(event);
    }, /broke after 1 event/);
    assert.deepEqual(seen, [{ n: 1 }]);
  });

  it('resolves done() with the last event on abort', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
    };
    const stream = new FalStream(config, { url: `${base}/open` });
    for await (const event of stream) {
      assert.deepEqual(event, { n: 1 });
      break; // leaving the loop aborts the stream
    }
    assert.deepEqual(await stream.done(), { n: 1 });
  });
});
