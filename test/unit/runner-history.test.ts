// History with responses: every call keeps its response in the request store whatever its method
// (run, subscribe, submit, stream's final output, realtime), also across a reload (a new store on the
// same file), an output over 16 KB in a file of its own, read back through the store.
import * as assert from 'node:assert/strict';
import type { CallMethod } from '../../src/common/callModel';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, SandboxConnections, tempStoreFile, until } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

describe('runner: every call keeps its response', () => {
  const sandbox = useSandbox();

  it('run, subscribe, submit, stream and realtime outputs are kept, and come back after a reload', async () => {
    const file = tempStoreFile();
    const store = new RequestStore(file);
    const runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    const methods: CallMethod[] = ['run', 'subscribe', 'submit', 'stream', 'realtime'];
    const big = 'z'.repeat(20_000);
    const ids = new Map<CallMethod, string>();
    try {
      for (const method of methods) {
        const input = { method, big: method === 'subscribe' ? big : undefined, n: 1 };
        const { record } = await runner.start({ endpointId: 'sandbox/echo', method, input });
        ids.set(method, record.id);
        const done = await until(store, record.id, (r) => r.state === 'COMPLETED', 'completed');
        assert.equal((done.output as { method: string }).method, method, JSON.stringify(done.error));
      }
    } finally {
      runner.dispose();
    }
    await store.flush();
    store.dispose();

    const reloaded = new RequestStore(file);
    try {
      for (const method of methods) {
        const id = ids.get(method)!;
        const output = (await reloaded.output(id)) as { method: string; big?: string };
        assert.equal(output?.method, method, `${method}'s output after the reload`);
        if (method === 'subscribe') {
          assert.equal(output.big, big);
          assert.ok(reloaded.get(id)?.outputFile, 'the output over 16 KB is in its own file');
        }
      }
      // The stream's output is its final event (the whole object), not one of the per-key events.
      assert.deepEqual(await reloaded.output(ids.get('stream')!), { method: 'stream', n: 1 });
    } finally {
      reloaded.dispose();
    }
  });
});
