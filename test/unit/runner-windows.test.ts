// Two windows on one list (windows without a folder share requests.json): a window refuses to cancel
// a direct call another window is making (only that window can stop it), and the list does not
// bring back to life a record this window ended when an older copy on disk says it still runs.
import * as assert from 'node:assert/strict';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, SandboxConnections, tempStoreFile, until } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

describe('runner: calls of another window', () => {
  const sandbox = useSandbox({ concurrency: 4 });

  it("refuses to cancel another window's direct call, saying where to cancel it", async () => {
    const file = tempStoreFile();
    const theirs = new RequestStore(file, { windowId: 'theirs' });
    const theirRunner = new RequestRunner(theirs, new SandboxConnections(() => sandbox.url), new LogLines());
    const ours = new RequestStore(file, { windowId: 'ours' });
    const ourRunner = new RequestRunner(ours, new SandboxConnections(() => sandbox.url), new LogLines());
    try {
      const { record, done } = await theirRunner.start({
        endpointId: 'sandbox/slow',
        method: 'run',
        input: { duration_ms: 600 },
      });
      ours.refresh();
      const seen = ours.get(record.id);
      assert.ok(seen, 'our window lists their call');
      await assert.rejects(ourRunner.cancel(seen), /Another VS Code window is making this call/);
      assert.equal(ours.get(record.id)?.state, 'IN_PROGRESS');
      assert.equal((await done).state, 'COMPLETED');
      await until(theirs, record.id, (r) => r.state === 'COMPLETED', 'completed');
    } finally {
      for (const runner of [theirRunner, ourRunner]) runner.dispose();
      for (const store of [theirs, ours]) store.dispose();
    }
  });

  it('keeps a record it ended when an older copy on disk says it runs', async () => {
    const file = tempStoreFile();
    const a = new RequestStore(file, { windowId: 'a' });
    const b = new RequestStore(file, { windowId: 'b' });
    try {
      a.add({
        id: 'r',
        endpointId: 'sandbox/echo',
        method: 'submit',
        input: {},
        target: { kind: 'sandbox', url: sandbox.url },
        createdAt: 1,
        updatedAt: 1,
        state: 'IN_QUEUE',
        logs: [],
      });
      b.refresh();
      assert.equal(b.get('r')?.state, 'IN_QUEUE');
      // b ends it (say fal answered b's cancel), while a's copy on disk is older and still running.
      b.update('r', { state: 'CANCELLED' });
      await new Promise((resolve) => setTimeout(resolve, 5)); // a later change, by the clock too
      a.update('r', { state: 'IN_PROGRESS' });
      await a.flush(); // on disk now (a move between waiting states waits for the coalesced write)
      b.refresh();
      assert.equal(b.get('r')?.state, 'CANCELLED');
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
