// The runner's realtime calls on a shared warm connection, over loopback to a real sandbox: fal pairs
// realtime outputs with inputs by order only, so a cancelled call must leave its slot (its late output
// dropped, the calls after it answered with their own), a call with no output in time resets the
// connection (the others waiting on it fail saying so), and a connection the server closed comes back
// on the next call. Outputs of sandbox/echo carry `seq`, the input's ordinal on its connection.
import * as assert from 'node:assert/strict';
import type { CallSpec } from '../../src/common/callModel';
import { RequestRunner } from '../../src/requests/requestRunner';
import type { RequestStore } from '../../src/requests/requestStore';
import { realtimeSettings } from '../../src/sandbox/realtime';
import { LogLines, newStore, SandboxConnections } from './runner-harness';
import { waitUntil } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

const echo = (input: Record<string, unknown>): CallSpec => ({
  endpointId: 'sandbox/echo',
  method: 'realtime',
  input,
});

describe('runner: realtime calls on a shared connection', () => {
  const sandboxLog: string[] = [];
  const sandbox = useSandbox({ log: (line) => sandboxLog.push(line) });
  let store: RequestStore;
  let log: LogLines;
  let runner: RequestRunner;

  const makeRunner = (realtimeTimeoutMs?: () => number) => {
    runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), log, { realtimeTimeoutMs });
    return runner;
  };

  /** Opens the warm connection with one call, so later inputs go straight onto the open socket. */
  const warmUp = async () => {
    const warm = await (await runner.start(echo({ n: 'warm' }))).done;
    assert.equal(warm.state, 'COMPLETED', JSON.stringify(warm.error));
    assert.equal((warm.output as { seq: number }).seq, 1);
  };

  beforeEach(() => {
    store = newStore();
    log = new LogLines();
  });
  afterEach(() => runner?.dispose());

  it('cancelling one call ends it at once; the next call on the socket gets its own output', async () => {
    makeRunner();
    await warmUp();
    const first = await runner.start(echo({ n: 'first', delay_ms: 300 }));
    const second = await runner.start(echo({ n: 'second' }));
    await runner.cancel(first.record);
    assert.equal(store.get(first.record.id)?.state, 'CANCELLED', 'cancelled at once');

    const answered = await second.done;
    assert.equal(answered.state, 'COMPLETED', JSON.stringify(answered.error));
    assert.deepEqual(answered.output, { n: 'second', seq: 3 }, 'its own output, on the same connection');
    const cancelled = await first.done;
    assert.equal(cancelled.state, 'CANCELLED');
    assert.equal(cancelled.output, undefined, "the first call's late output was dropped");
  });

  it('removing a running call stops it, and the calls after it still get their own outputs', async () => {
    makeRunner();
    await warmUp();
    const first = await runner.start(echo({ n: 'first', delay_ms: 300 }));
    const second = await runner.start(echo({ n: 'second' }));
    await runner.remove(first.record.id);
    assert.equal(store.get(first.record.id), undefined);
    const answered = await second.done;
    assert.equal(answered.state, 'COMPLETED', JSON.stringify(answered.error));
    assert.deepEqual(answered.output, { n: 'second', seq: 3 });
    const third = await (await runner.start(echo({ n: 'third' }))).done;
    assert.deepEqual(
      third.output,
      { n: 'third', seq: 4 },
      'the pairing still holds after the dropped output',
    );
  });

  it('a call with no output in time resets its connection; the calls waiting on it fail saying why', async () => {
    // Short only for the two calls under test, so a slow machine does not time out the others.
    let timeoutMs = 10_000;
    makeRunner(() => timeoutMs);
    await warmUp();
    timeoutMs = 400;
    const stuck = await runner.start(echo({ n: 'stuck', delay_ms: 5000 }));
    const waiting = await runner.start(echo({ n: 'waiting' }));
    timeoutMs = 10_000;

    const timedOut = await stuck.done;
    assert.equal(timedOut.state, 'FAILED');
    assert.match(
      timedOut.error!.message,
      /No output within 0\.4 s: the realtime connection to sandbox\/echo was reset/,
    );
    assert.match(timedOut.error!.hint ?? '', /fal\.realtime\.timeoutSeconds/);
    const failed = await waiting.done;
    assert.equal(failed.state, 'FAILED');
    assert.match(failed.error!.message, /was reset: an earlier call on it got no output within 0\.4 s/);

    const next = await (await runner.start(echo({ n: 'next' }))).done;
    assert.equal(next.state, 'COMPLETED', JSON.stringify(next.error));
    assert.deepEqual(next.output, { n: 'next', seq: 1 }, 'on a new connection');
  });

  it('a connection the server closed reconnects on the next call', async () => {
    makeRunner();
    const count = (pattern: RegExp) => sandboxLog.filter((line) => pattern.test(line)).length;
    const idle = realtimeSettings.idleTimeoutMs;
    realtimeSettings.idleTimeoutMs = 100;
    try {
      await warmUp();
    } finally {
      realtimeSettings.idleTimeoutMs = idle;
    }
    // The runner keeps its connection open: only the server's idle close ends the warm session.
    await waitUntil(
      () => count(/sandbox\/echo closed/) === count(/sandbox\/echo connected/),
      'the server to close the idle session',
    );
    const connects = count(/sandbox\/echo connected/);
    const again = await (await runner.start(echo({ n: 'again' }))).done;
    assert.equal(again.state, 'COMPLETED', JSON.stringify(again.error));
    assert.deepEqual(again.output, { n: 'again', seq: 1 }, 'on a new session');
    assert.equal(count(/sandbox\/echo connected/), connects + 1);
  });
});
