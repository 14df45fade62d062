// How many requests the client starts in one turn of the event loop (src/fal/pacing.ts): a burst
// of calls goes out in turns, in order, the first on the wire while the rest are still being made.
import * as assert from 'node:assert/strict';
import * as diagnostics from 'node:diagnostics_channel';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveConfig } from '../../src/fal/config';
import { FalAbortError } from '../../src/fal/errors';
import { request } from '../../src/fal/http';
import { REQUESTS_PER_TURN, requestSlot } from '../../src/fal/pacing';
import { NO_RETRY } from '../../src/fal/retry';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('client: requests paced per turn of the event loop', () => {
  it(`starts ${REQUESTS_PER_TURN} at once, then as many a turn, in the order asked`, async () => {
    const asked = REQUESTS_PER_TURN * 2 + 5;
    const started: number[] = [];
    const waits: Promise<void>[] = [];
    for (let i = 0; i < asked; i++) {
      const slot = requestSlot();
      if (slot) waits.push(slot.then(() => void started.push(i)));
      else started.push(i);
    }
    assert.equal(started.length, REQUESTS_PER_TURN, 'the first turn starts only its share');
    await nextTurn();
    await Promise.resolve();
    assert.equal(started.length, REQUESTS_PER_TURN * 2, 'the next turn starts as many more');
    await Promise.all(waits);
    assert.deepEqual(
      started,
      Array.from({ length: asked }, (_, i) => i),
      'in the order they were asked',
    );
    // Once the burst is through, a request starts at once again.
    await nextTurn();
    await nextTurn();
    assert.equal(requestSlot(), undefined);
  });

  it('lets a waiting request go at once when its signal aborts, taking no room from the others', async () => {
    await nextTurn();
    await nextTurn();
    for (let i = 0; i < REQUESTS_PER_TURN; i++) assert.equal(requestSlot(), undefined);
    const controller = new AbortController();
    let aborted = false;
    void requestSlot(controller.signal)!.then(() => (aborted = true));
    const after: number[] = [];
    const waits = Array.from({ length: REQUESTS_PER_TURN }, (_, i) =>
      requestSlot()!.then(() => void after.push(i)),
    );
    controller.abort();
    await Promise.resolve();
    assert.ok(aborted, 'the aborted one left before the next turn');
    await nextTurn();
    await Promise.resolve();
    assert.equal(after.length, REQUESTS_PER_TURN, 'the next turn started all the others');
    await Promise.all(waits);
  });

  describe('over a real loopback server', () => {
    let server: http.Server;
    let base: string;
    let firstSeenAt = 0;
    const config = resolveConfig({ credentials: 'id:secret' });

    before(async () => {
      server = http.createServer((_req, res) => {
        if (!firstSeenAt) firstSeenAt = performance.now();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('rejects a call waiting for its turn as soon as it is aborted', async () => {
      // Enough calls ahead of it that it waits several turns.
      const ahead = Array.from({ length: REQUESTS_PER_TURN * 8 }, (_, i) =>
        request(config, { url: `${base}/call/${i}`, retry: NO_RETRY }),
      );
      const controller = new AbortController();
      const late = request(config, { url: `${base}/late`, retry: NO_RETRY, signal: controller.signal });
      let settled = false;
      late.catch(() => (settled = true));
      await nextTurn();
      assert.equal(settled, false);
      controller.abort();
      await new Promise((resolve) => process.nextTick(resolve));
      assert.ok(settled, 'rejected before the next turn');
      await assert.rejects(late, FalAbortError);
      await Promise.all(ahead);
    });

    it('has the first of 200 calls at the server before the last has its connection', async () => {
      const connectionsMade: number[] = [];
      const onSocket = () => void connectionsMade.push(performance.now());
      diagnostics.subscribe('net.client.socket', onSocket);
      try {
        firstSeenAt = 0;
        const calls = Array.from({ length: 200 }, (_, i) =>
          request(config, { url: `${base}/call/${i}`, retry: NO_RETRY }),
        );
        const replies = await Promise.all(calls);
        assert.equal(replies.length, 200);
        assert.ok(replies.every((r) => r.status === 200));
        assert.ok(firstSeenAt > 0);
        const after = connectionsMade.filter((t) => t > firstSeenAt).length;
        // Made all in one turn, every connection would exist before any request could be sent.
        assert.ok(
          after > 0,
          `${connectionsMade.length} connections, none made after the server saw the first request`,
        );
      } finally {
        diagnostics.unsubscribe('net.client.socket', onSocket);
      }
    });
  });
});
