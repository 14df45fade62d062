// After a window reload (a second runner on the same store file): a queue request is followed again
// to its end, a direct call is marked cut with what to do, and a request whose sandbox is gone is
// marked lost. Over loopback to a real sandbox; the first runner is disposed as a closing window is.
import * as assert from 'node:assert/strict';
import type { CallSpec } from '../../src/common/callModel';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, SandboxConnections, tempStoreFile, until } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

const slow = (method: CallSpec['method'], durationMs: number): CallSpec => ({
  endpointId: 'sandbox/slow',
  method,
  input: { duration_ms: durationMs },
});

describe('runner: resume after a reload', () => {
  const sandbox = useSandbox({ concurrency: 4 });

  /** Starts `call` in a first window, closes that window once `ready` holds, and opens a second. */
  async function reloadDuring(
    call: CallSpec,
    ready: (state: string, requestId?: string) => boolean,
    kind: 'sandbox' | 'embedded-sandbox' = 'sandbox',
  ) {
    const file = tempStoreFile();
    const firstStore = new RequestStore(file);
    const first = new RequestRunner(
      firstStore,
      new SandboxConnections(() => sandbox.url, kind),
      new LogLines(),
    );
    const { record } = await first.start(call);
    await until(firstStore, record.id, (r) => ready(r.state, r.requestId), 'ready for the reload');
    first.dispose();
    await firstStore.flush();
    firstStore.dispose();
    const store = new RequestStore(file);
    const connections = new SandboxConnections(() => sandbox.url, kind);
    const log = new LogLines();
    const runner = new RequestRunner(store, connections, log);
    return { id: record.id, store, connections, runner, log };
  }

  it('follows a queue request again to COMPLETED', async () => {
    const { id, store, runner, log } = await reloadDuring(
      slow('submit', 600),
      (_state, requestId) => !!requestId,
    );
    try {
      assert.notEqual(store.get(id)?.state, 'COMPLETED', 'still running at the reload');
      await runner.resume();
      const done = await until(store, id, (r) => r.state === 'COMPLETED', 'completed');
      assert.deepEqual(done.output, { duration_ms: 600, steps: 1 });
      assert.ok(log.lines.some((l) => /following again after a reload/.test(l)));
    } finally {
      runner.dispose();
    }
  });

  it('marks a direct call cut by the reload, with what to do', async () => {
    const { id, store, runner } = await reloadDuring(slow('run', 2000), (state) => state === 'IN_PROGRESS');
    try {
      await runner.resume();
      const cut = store.get(id)!;
      assert.equal(cut.state, 'FAILED');
      assert.match(cut.error!.message, /window closed during this direct call/);
      assert.match(cut.error!.hint ?? '', /use submit to follow requests across reloads/);
    } finally {
      runner.dispose();
    }
  });

  it('marks lost a request whose embedded sandbox is gone', async () => {
    const { id, store, connections, runner } = await reloadDuring(
      slow('submit', 2000),
      (_state, requestId) => !!requestId,
      'embedded-sandbox',
    );
    connections.reachable = false; // forRecord answers undefined, as for an earlier window's sandbox
    try {
      await runner.resume();
      const lost = store.get(id)!;
      assert.equal(lost.state, 'FAILED');
      assert.match(lost.error!.message, /embedded sandbox that ran this request stopped/);
    } finally {
      runner.dispose();
    }
  });
});
