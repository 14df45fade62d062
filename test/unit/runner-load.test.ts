// The runner and its store under load, over loopback to a real sandbox: 500 subscribes at once
// (the sandbox runs 50 at a time, 100 ms each) and 50 streams at once, every record in the store:
// none lost (each completes with its own output), the list bounded by `fal.history.maxRecords`
// while none of the running ones is dropped, and done within a bound (generous: the machine has 2
// shared cores) over the theoretical floor.
import * as assert from 'node:assert/strict';
import type { CallSpec, RequestRecord } from '../../src/common/callModel';
import { isFinal } from '../../src/common/callModel';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, SandboxConnections, tempStoreFile } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

/** Starts every call at once and resolves with their ended records, in order, and the time taken. */
async function all(
  runner: RequestRunner,
  store: RequestStore,
  calls: CallSpec[],
): Promise<{ records: RequestRecord[]; ms: number; mostKept: number; writes: number }> {
  let mostKept = 0;
  let writes = 0;
  const watch = store.onDidChange(() => (mostKept = Math.max(mostKept, store.all().length)));
  const saves = store.onDidSave(() => writes++);
  const begun = Date.now();
  const started = await Promise.all(calls.map((call) => runner.start(call)));
  const records = await Promise.all(started.map((s) => s.done));
  watch.dispose();
  saves.dispose();
  return { records, ms: Date.now() - begun, mostKept, writes };
}

describe('runner: under load', function () {
  this.timeout(150_000);
  const sandbox = useSandbox({ concurrency: 50 });
  let runner: RequestRunner | undefined;
  afterEach(() => runner?.dispose());

  it('500 concurrent subscribes (50 at a time, 100 ms each): none lost, the list bounded, in time', async () => {
    const store = new RequestStore(tempStoreFile(), { maxRecords: 200 });
    runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    const calls = Array.from({ length: 500 }, (_, n): CallSpec => ({
      endpointId: 'sandbox/slow',
      method: 'subscribe',
      input: { duration_ms: 100, n },
    }));
    const { records, ms, mostKept, writes } = await all(runner, store, calls);
    for (const [n, record] of records.entries()) {
      assert.equal(record.state, 'COMPLETED', `call ${n}: ${JSON.stringify(record.error)}`);
      assert.deepEqual(record.output, { duration_ms: 100, steps: 1 }, `call ${n} has its output`);
    }
    assert.equal(new Set(records.map((r) => r.requestId)).size, 500, 'each its own request at fal');
    // Running records are never dropped, so the list held all 500 while they ran; then the limit.
    assert.equal(mostKept, 500);
    assert.equal(store.all().length, 200);
    assert.ok(store.all().every(isFinal));
    // Each new record, state and request id is on disk before the call goes on (requestStore.ts):
    // about 4 synchronous writes under the lock per call, each a line appended to the journal
    // (7 s measured here on 2 loaded cores; 40 to 60 s when each rewrote the whole index); the
    // write count is the bound that does not depend on the machine (a write per log line or event
    // would break it), the time bound only catches a hang.
    assert.ok(writes <= 5 * 500, `${writes} writes of the index for 500 calls`);
    const floor = (500 / 50) * 100;
    assert.ok(ms < 100 * floor, `took ${ms} ms; the floor is ${floor} ms`);
    store.dispose();
  });

  it('50 concurrent streams: every event of each reaches its own record, in time', async () => {
    const store = new RequestStore(tempStoreFile());
    const log = new LogLines();
    runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), log, {
      outputEvents: () => 'summary',
    });
    const keys = Array.from({ length: 20 }, (_, k) => `k${k}`);
    const calls = Array.from({ length: 50 }, (_, n): CallSpec => ({
      endpointId: 'sandbox/echo',
      method: 'stream',
      input: Object.fromEntries(keys.map((k) => [k, n])),
    }));
    const { records, ms } = await all(runner, store, calls);
    for (const [n, record] of records.entries()) {
      assert.equal(record.state, 'COMPLETED', `stream ${n}: ${JSON.stringify(record.error)}`);
      assert.deepEqual(record.output, calls[n].input, `stream ${n} ended with its own last event`);
    }
    // Each stream's 20 events (one per key) and its final one were counted on its own last line.
    assert.equal(log.lines.filter((line) => / · 21 events$/.test(line)).length, 50, log.lines.join('\n'));
    assert.equal(store.all().length, 50);
    assert.ok(ms < 10_000, `took ${ms} ms`);
    store.dispose();
  });
});
