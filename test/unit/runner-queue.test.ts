// The runner's queue calls and its glue, over loopback to a real sandbox: a cancel while the submit
// is on its way (forced with the sandbox's slow-headers fault) ends the record and the request at fal;
// "Remove from List" stops a running request; an unknown method is refused; a chatty job's logs stay
// bounded on the record (and in the client's subscribe); a lost embedded sandbox fails its records.
import * as assert from 'node:assert/strict';
import type { CallMethod, CallSpec } from '../../src/common/callModel';
import { MAX_RECORD_LOGS } from '../../src/common/callModel';
import { describeLogCount } from '../../src/common/recordText';
import { createFalClient } from '../../src/fal/client';
import type { QueueStatus } from '../../src/fal/types';
import { RequestRunner } from '../../src/requests/requestRunner';
import type { RequestStore } from '../../src/requests/requestStore';
import {
  armFault,
  KEY,
  LogLines,
  newStore,
  sandboxOutcome,
  SandboxConnections,
  until,
} from './runner-harness';
import { useSandbox } from './sandbox-helpers';

const slow = (method: CallMethod, input: Record<string, unknown>): CallSpec => ({
  endpointId: 'sandbox/slow',
  method,
  input,
});

describe('runner: queue calls and the glue', () => {
  const sandbox = useSandbox({ concurrency: 4 });
  let store: RequestStore;
  let log: LogLines;
  let runner: RequestRunner;
  let connections: SandboxConnections;

  beforeEach(() => {
    store = newStore();
    log = new LogLines();
    connections = new SandboxConnections(() => sandbox.url);
    runner = new RequestRunner(store, connections, log);
  });
  afterEach(() => runner.dispose());

  it('a cancel while the submit is on its way ends the record, and cancels the request at fal', async () => {
    await armFault(sandbox.url, { kind: 'slow-headers:300', on: 'submit' });
    const started = await runner.start(slow('submit', { duration_ms: 5000 }));
    assert.equal(started.record.state, 'SUBMITTING');
    await runner.cancel(started.record);
    assert.equal(store.get(started.record.id)?.state, 'CANCELLED', 'at once');

    const ended = await started.done;
    assert.equal(ended.state, 'CANCELLED', 'fal naming the request does not bring it back');
    assert.ok(ended.requestId, "fal's request id is kept");
    assert.equal(await sandboxOutcome(sandbox.url, 'sandbox/slow', ended.requestId), 499);
  });

  it('"Remove from List" of a running request removes it and cancels it at fal', async () => {
    const started = await runner.start(slow('submit', { duration_ms: 5000 }));
    const running = await until(store, started.record.id, (r) => r.state === 'IN_PROGRESS', 'in progress');
    await runner.remove(running.id);
    assert.equal(store.get(running.id), undefined);
    assert.equal(await sandboxOutcome(sandbox.url, 'sandbox/slow', running.requestId!), 499);
    await started.done;
    assert.equal(store.get(running.id), undefined, 'the end of the following does not bring it back');
  });

  it('refuses a method that is not one of the five, and keeps no record of it', async () => {
    const before = store.all().length;
    await assert.rejects(
      runner.start({ endpointId: 'sandbox/echo', method: 'shout' as CallMethod, input: {} }),
      /"shout" is not a way to call an endpoint: use one of run, subscribe, submit, stream, realtime/,
    );
    assert.equal(store.all().length, before);
  });

  it("keeps a chatty job's 1,000 newest log lines on the record and counts the others", async () => {
    const ended = await (await runner.start(slow('subscribe', { duration_ms: 0, log_lines: 1233 }))).done;
    assert.equal(ended.state, 'COMPLETED', JSON.stringify(ended.error));
    assert.equal(ended.logs.length, MAX_RECORD_LOGS);
    assert.equal(ended.logsDropped, 234);
    assert.equal(ended.logs[0].message, 'Line 235/1233');
    assert.equal(ended.logs[ended.logs.length - 1].message, 'Step 1/1');
    assert.equal(describeLogCount(ended), '1,000 newest of 1,234');
    const told = log.lines.filter((l) => /INFO: (Line \d+\/1233|Step 1\/1)$/.test(l));
    assert.equal(told.length, 1234, 'every line went to the log once');
  });

  for (const mode of ['streaming', 'polling'] as const) {
    it(`the client's subscribe (${mode}) keeps the 1,000 newest lines, or hands over only new ones`, async () => {
      const client = createFalClient({ credentials: KEY, hosts: sandbox.hosts });
      const follow = async (newLogsOnly: boolean) => {
        const queued = await client.queue.submit('sandbox/slow', {
          input: { duration_ms: 200, steps: 2, log_lines: 1100 },
        });
        const updates: QueueStatus[] = [];
        await client.queue.subscribeToStatus('sandbox/slow', {
          requestId: queued.request_id,
          logs: true,
          mode,
          pollInterval: 20,
          newLogsOnly,
          onQueueUpdate: (status) => updates.push(status),
        });
        return updates;
      };
      const windows = await follow(false);
      const last = windows[windows.length - 1];
      assert.equal(last.logs?.length, MAX_RECORD_LOGS);
      assert.equal(last.logsDropped, 102);
      assert.equal(last.logs?.[MAX_RECORD_LOGS - 1].message, 'Step 2/2');
      assert.ok(windows.every((s) => (s.logs?.length ?? 0) <= MAX_RECORD_LOGS));

      const increments = await follow(true);
      const lines = increments.flatMap((s) => s.logs ?? []).map((l) => l.message);
      assert.equal(lines.length, 1102, 'each line once');
      assert.equal(lines[0], 'Line 1/1100');
      assert.equal(lines[1101], 'Step 2/2');
    });
  }
});

describe('runner: a lost embedded sandbox', () => {
  const sandbox = useSandbox({ concurrency: 4 });

  it('fails every running record on it at once, saying the sandbox stopped and what to do', async () => {
    const store = newStore();
    const connections = new SandboxConnections(() => sandbox.url, 'embedded-sandbox');
    const runner = new RequestRunner(store, connections, new LogLines());
    try {
      const queued = await runner.start(slow('submit', { duration_ms: 5000 }));
      await until(store, queued.record.id, (r) => r.state === 'IN_PROGRESS', 'in progress');
      const realtime = await runner.start({
        endpointId: 'sandbox/echo',
        method: 'realtime',
        input: { delay_ms: 5000 },
      });
      const direct = await runner.start(slow('run', { duration_ms: 5000 }));
      connections.loseSandbox();
      for (const { record } of [queued, realtime, direct]) {
        const lost = store.get(record.id)!;
        assert.equal(lost.state, 'FAILED', `${record.method} ended at once`);
        assert.match(lost.error!.message, /embedded fal sandbox stopped/);
        assert.match(lost.error!.hint ?? '', /Call again; a new embedded sandbox starts/);
      }
      for (const started of [queued, realtime, direct]) {
        assert.equal((await started.done).state, 'FAILED', 'and stays so');
      }
    } finally {
      runner.dispose();
    }
  });
});
