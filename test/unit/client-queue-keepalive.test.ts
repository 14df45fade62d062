// subscribe and the keep-alive pool: after COMPLETED the status stream is read to the end the server
// gives it, so its socket goes back to the pool and serves the next call (no new connection per
// subscribe); a server that keeps the stream open after COMPLETED gets it aborted after a grace period.
import * as assert from 'node:assert/strict';
import * as diagnostics from 'node:diagnostics_channel';
import { createServer, type ClientRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createFalClient } from '../../src/fal/client';
import { sandboxHosts } from '../../src/common/hosts';
import { COMPLETED_STREAM_GRACE_MS } from '../../src/fal/queue';
import type { QueueStatus } from '../../src/fal/types';
import { KEY, useSandboxClient } from './clientSandbox';

/** Every request our http layer starts while `body` runs, with the socket it was sent on. */
async function recordRequests(
  body: () => Promise<void>,
): Promise<Array<{ method: string; path: string; socket: Socket }>> {
  const seen: Array<{ method: string; path: string; socket?: Socket }> = [];
  const onStart = (message: unknown) => {
    const req = (message as { request: ClientRequest }).request;
    const entry: { method: string; path: string; socket?: Socket } = { method: req.method, path: req.path };
    seen.push(entry);
    // Published once the request is sent, which may be after its socket was assigned.
    if (req.socket) entry.socket = req.socket;
    else req.once('socket', (socket) => (entry.socket = socket as Socket));
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  try {
    await body();
  } finally {
    diagnostics.unsubscribe('http.client.request.start', onStart);
  }
  for (const entry of seen) assert.ok(entry.socket, `${entry.method} ${entry.path} got a socket`);
  return seen as Array<{ method: string; path: string; socket: Socket }>;
}

describe('client: subscribe reuses the keep-alive connection of the status stream', () => {
  const h = useSandboxClient();

  it('two sequential subscribes send all six calls on one socket', async () => {
    // Warm the pool, so the first call takes a pooled socket like every later one.
    await h.client.run('sandbox/echo', { input: { warm: true } });
    const updates: QueueStatus[][] = [[], []];
    const results: unknown[] = [];
    const requests = await recordRequests(async () => {
      for (const i of [0, 1]) {
        const result = await h.client.subscribe('sandbox/echo', {
          input: { call: i },
          logs: true,
          onQueueUpdate: (status) => updates[i].push(status),
        });
        results.push(result.data);
      }
    });

    assert.deepEqual(results, [{ call: 0 }, { call: 1 }]);
    for (const list of updates) {
      const last = list.at(-1);
      assert.equal(last?.status, 'COMPLETED');
      assert.ok(Array.isArray(last?.logs) && last.logs.length >= 1, 'logs accumulated up to COMPLETED');
    }
    const calls = requests.map((r) => `${r.method} ${r.path.replace(/requests\/[^/?]+/, 'requests/ID')}`);
    assert.deepEqual(calls, [
      ...['POST /queue/sandbox/echo', 'GET /queue/sandbox/echo/requests/ID/status/stream?logs=1'],
      'GET /queue/sandbox/echo/requests/ID',
      ...['POST /queue/sandbox/echo', 'GET /queue/sandbox/echo/requests/ID/status/stream?logs=1'],
      'GET /queue/sandbox/echo/requests/ID',
    ]);
    // Sequential calls on a keep-alive agent take the socket the previous call gave back; a status
    // stream destroyed at COMPLETED would force the result call (and the next ones) onto a new one.
    const sockets = new Set(requests.map((r) => r.socket));
    assert.equal(sockets.size, 1, `calls spread over ${sockets.size} sockets`);
    assert.ok(!requests[0].socket.destroyed, 'the socket is still open, back in the pool');
  });
});

describe('client: a status stream left open after COMPLETED', () => {
  let server: Server;
  let base: string;
  const streams: ServerResponse[] = [];
  const paths: string[] = [];

  before(async () => {
    // Answers every status stream with IN_PROGRESS then COMPLETED, and never ends it.
    server = createServer((req, res) => {
      paths.push(`${req.method} ${req.url}`);
      if (!req.url?.includes('/status/stream')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"detail":"not here"}');
        return;
      }
      streams.push(res);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-fal-request-id': 'req-1' });
      const event = (body: unknown) => res.write(`data: ${JSON.stringify(body)}\n\n`);
      event({ status: 'IN_PROGRESS', request_id: 'req-1', logs: [{ message: 'one' }] });
      setTimeout(() => {
        event({ status: 'COMPLETED', request_id: 'req-1', logs: [{ message: 'two' }] });
        event({ status: 'COMPLETED', request_id: 'req-1', logs: [{ message: 'ignored' }] });
      }, 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('is aborted after the grace period; the COMPLETED status is returned and the timeout no longer applies', async () => {
    const fal = createFalClient({ credentials: KEY, hosts: sandboxHosts(base) });
    const updates: QueueStatus[] = [];
    const started = Date.now();
    const completed = await fal.queue.subscribeToStatus('some/app', {
      requestId: 'req-1',
      logs: true,
      // Shorter than the grace period: once COMPLETED is seen, the client timeout is off.
      timeout: COMPLETED_STREAM_GRACE_MS / 4,
      onQueueUpdate: (status) => updates.push(status),
    });
    const elapsed = Date.now() - started;

    assert.equal(completed.status, 'COMPLETED');
    assert.deepEqual(
      completed.logs?.map((l) => l.message),
      ['one', 'two'],
    );
    assert.deepEqual(
      updates.map((u) => u.status),
      ['IN_PROGRESS', 'COMPLETED'],
    );
    assert.equal(updates[1], completed);
    assert.equal(streams.length, 1);
    // The client waited for the server to end the stream, then gave up and closed it.
    assert.ok(elapsed >= COMPLETED_STREAM_GRACE_MS - 100, `returned after ${elapsed} ms`);
    await new Promise((resolve) =>
      streams[0].closed ? resolve(undefined) : streams[0].once('close', resolve),
    );
    // Neither a cancel (timeout) nor a fallback to polling.
    assert.deepEqual(
      paths.map((p) => p.replace(/\?.*/, '')),
      ['GET /queue/some/app/requests/req-1/status/stream'],
    );
  });
});
