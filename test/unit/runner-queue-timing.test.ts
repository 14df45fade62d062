// What a record keeps of a wait in the queue, over loopback to a real sandbox running one request at
// a time: a request queued behind another has its queue timing and state history, and one whose start
// timeout passes in the queue goes from IN_QUEUE straight to FAILED (fal's COMPLETED status for it
// does not make it "in progress").
import * as assert from 'node:assert/strict';
import { RequestRunner } from '../../src/requests/requestRunner';
import type { RequestStore } from '../../src/requests/requestStore';
import { LogLines, newStore, SandboxConnections, until } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

describe('runner: the queue timing and state history of a record', () => {
  const sandbox = useSandbox({ concurrency: 1 });
  let store: RequestStore;
  let runner: RequestRunner;

  beforeEach(() => {
    store = newStore();
    runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
  });
  afterEach(() => runner.dispose());

  it('a request whose start timeout passes behind another: queued, then failed, never in progress', async () => {
    const blocker = await runner.start({
      endpointId: 'sandbox/slow',
      method: 'submit',
      input: { duration_ms: 5000 },
    });
    try {
      await until(store, blocker.record.id, (r) => r.state === 'IN_PROGRESS', 'blocker running');
      const late = await runner.start({
        endpointId: 'sandbox/slow',
        method: 'submit',
        input: { duration_ms: 10 },
        platform: { startTimeout: 1.2 },
      });
      const queued = await until(store, late.record.id, (r) => r.state === 'IN_QUEUE', 'queued');
      assert.ok(queued.queue, 'the record has its queue timing');
      assert.equal(queued.queue.firstPosition, 0);
      const ended = await late.done;
      assert.equal(ended.state, 'FAILED');
      assert.equal(ended.error?.status, 504);
      assert.deepEqual(
        ended.history?.map((h) => h.state),
        ['SUBMITTING', 'IN_QUEUE', 'FAILED'],
      );
      assert.equal(ended.startedAt, undefined, 'it never started');
      assert.equal(ended.queue?.leftAt, ended.completedAt);
      assert.ok(ended.queue!.enteredAt <= ended.queue!.leftAt!);
    } finally {
      await runner.cancel(store.get(blocker.record.id) ?? blocker.record);
      await blocker.done;
    }
  });
});
