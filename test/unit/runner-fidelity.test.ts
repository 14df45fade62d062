// The runner over a sandbox failing as fal does: a queue request fal ends with an infrastructure
// error type fails with its plain wording, and a request sent with `x-fal-store-io: 0` whose result
// window passed while no window followed it (closed, waited, resumed by a second runner on the same
// store file) fails saying fal no longer keeps the result.
import * as assert from 'node:assert/strict';
import type { CallSpec } from '../../src/common/callModel';
import { RESULT_EXPIRED_MESSAGE } from '../../src/common/falErrorTypes';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, newStore, SandboxConnections, tempStoreFile, until } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

// Windows of 300 ms (under 10 KB) and 30 ms (10 KB or more).
const RETENTION_SCALE = 300 / 3_600_000;

describe('runner: fal error types and result retention', () => {
  const sandbox = useSandbox({ concurrency: 4, retentionScale: RETENTION_SCALE });

  it('a queue request fal ends with runner_disconnected fails with what it means', async () => {
    const store = newStore();
    const runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    try {
      const { record } = await runner.start({
        endpointId: 'sandbox/echo',
        method: 'submit',
        input: { a: 1 },
        headers: { 'x-sandbox-fault': 'runner_disconnected' },
      });
      const failed = await until(store, record.id, (r) => r.state === 'FAILED', 'failed');
      assert.match(
        failed.error!.message,
        /^The app's runner went away while handling the request \(503 runner_disconnected\)$/,
      );
      assert.equal(failed.error!.errorType, 'runner_disconnected');
      assert.match(failed.error!.hint ?? '', /call again/);
      assert.ok(failed.requestId);
    } finally {
      runner.dispose();
    }
  });

  it('a store-io 0 request whose window passed while the window was closed fails with the retention sentence', async () => {
    const call: CallSpec = {
      endpointId: 'sandbox/slow',
      method: 'submit',
      input: { duration_ms: 200 },
      platform: { storeIo: false },
    };
    const file = tempStoreFile();
    const firstStore = new RequestStore(file);
    const first = new RequestRunner(firstStore, new SandboxConnections(() => sandbox.url), new LogLines());
    const { record } = await first.start(call);
    await until(firstStore, record.id, (r) => !!r.requestId, 'a fal request id');
    first.dispose();
    await firstStore.flush();
    firstStore.dispose();
    // The window is closed: the request completes (200 ms) and its 300 ms window passes.
    await new Promise((resolve) => setTimeout(resolve, 900));
    const store = new RequestStore(file);
    const runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    try {
      assert.notEqual(store.get(record.id)?.state, 'COMPLETED', 'not followed to its end before the reload');
      await runner.resume();
      const failed = await until(store, record.id, (r) => r.state === 'FAILED', 'failed');
      assert.equal(failed.error!.message, RESULT_EXPIRED_MESSAGE);
    } finally {
      runner.dispose();
    }
  });
});
