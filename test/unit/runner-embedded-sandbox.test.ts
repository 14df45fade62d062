// The runner over the real embedded sandbox process (the extension's own pair of parts): a queue
// request running there fails at once, marked lost, when the process is killed, and a reloaded
// window (a second manager and runner on the same secrets and store) reattaches to the same process
// and follows a request submitted before the reload to its end.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Emitter } from '../../src/common/emitter';
import type { RecordTarget } from '../../src/common/callModel';
import type { Connection } from '../../src/connection/falConnection';
import { EmbeddedSandbox } from '../../src/connection/embeddedSandbox';
import { createFalClient } from '../../src/fal/client';
import type { ConnectionSource } from '../../src/requests/requestRunner';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { repoRoot } from '../../tools/vscode-host/repoRoot';
import { MemorySecrets } from './embedded-helpers';
import { LogLines, tempStoreFile, until } from './runner-harness';

const cliPath = path.join(repoRoot(), 'dist', 'sandbox.js');

/** A window's connections, as FalConnection makes them for the embedded sandbox target. */
class EmbeddedConnections implements ConnectionSource {
  private readonly lost = new Emitter<string>();
  readonly onDidLoseSandbox = this.lost.event;

  constructor(readonly sandbox: EmbeddedSandbox) {
    sandbox.onDidDie((url) => this.lost.fire(url));
  }

  async get(): Promise<Connection> {
    const running = await this.sandbox.get();
    return {
      client: createFalClient({ credentials: running.key, hosts: running.hosts }),
      hosts: running.hosts,
      description: `the embedded fal sandbox at ${running.url}`,
      target: { kind: 'embedded-sandbox', url: running.url },
    };
  }

  async forRecord(target: RecordTarget): Promise<Connection | undefined> {
    const running = await this.sandbox.existing();
    return running && target.kind === 'embedded-sandbox' && target.url === running.url
      ? this.get()
      : undefined;
  }
}

describe('runner on the embedded sandbox process', function () {
  this.timeout(30_000);
  const managers: EmbeddedSandbox[] = [];
  const runners: RequestRunner[] = [];
  const pids = new Set<number>();

  function window(secrets: MemorySecrets, file: string, windowTimeoutMs = 400) {
    const sandbox = new EmbeddedSandbox({
      cliPath,
      secrets,
      log: new LogLines(),
      attachEveryMs: 100,
      windowTimeoutMs,
    });
    managers.push(sandbox);
    const store = new RequestStore(file);
    const runner = new RequestRunner(store, new EmbeddedConnections(sandbox), new LogLines());
    runners.push(runner);
    return { sandbox, store, runner };
  }

  afterEach(async () => {
    for (const runner of runners.splice(0)) runner.dispose();
    await Promise.all(managers.splice(0).map((m) => m.close()));
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    pids.clear();
  });

  it('marks a request running there lost at once when the process is killed', async () => {
    const { sandbox, store, runner } = window(new MemorySecrets(), tempStoreFile());
    const { record } = await runner.start({
      endpointId: 'sandbox/slow',
      method: 'submit',
      input: { duration_ms: 20_000 },
    });
    await until(store, record.id, (r) => r.state === 'IN_PROGRESS', 'in progress');
    const running = (await sandbox.existing())!;
    pids.add(running.pid);
    process.kill(running.pid, 'SIGKILL');
    const lost = await until(store, record.id, (r) => r.state === 'FAILED', 'failed', 5_000);
    assert.match(lost.error!.message, /embedded fal sandbox stopped/);
    assert.equal(lost.input && (lost.input as { duration_ms: number }).duration_ms, 20_000);
  });

  it('reattaches after a reload and follows a request submitted before it to its end', async () => {
    const secrets = new MemorySecrets();
    const file = tempStoreFile();
    const first = window(secrets, file);
    const { record } = await first.runner.start({
      endpointId: 'sandbox/slow',
      method: 'submit',
      input: { duration_ms: 1_500 },
    });
    await until(first.store, record.id, (r) => r.state === 'IN_PROGRESS', 'in progress');
    const before = (await first.sandbox.existing())!;
    pids.add(before.pid);
    // The window closes: its runner stops following, the store is saved, the manager lets go.
    first.runner.dispose();
    await first.store.flush();
    first.store.dispose();
    await first.sandbox.close();

    const second = window(secrets, file);
    await second.runner.resume();
    const done = await until(second.store, record.id, (r) => r.state === 'COMPLETED', 'completed');
    assert.equal((await second.sandbox.existing())!.pid, before.pid, 'a new sandbox was started');
    assert.ok(done.output, 'no output');
  });

  it('a reload with 100 requests running there: all followed again and completed', async () => {
    const secrets = new MemorySecrets();
    const file = tempStoreFile();
    // A busy test process may miss attaches for a while: the sandbox waits 5 s before it counts
    // the window gone (the extension's default is 30 s).
    const first = window(secrets, file, 5_000);
    // The embedded sandbox runs one at a time: most are still queued when the window reloads.
    const started = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        first.runner.start({ endpointId: 'sandbox/slow', method: 'submit', input: { duration_ms: 20, n } }),
      ),
    );
    const ids = started.map((s) => s.record.id);
    await Promise.all(ids.map((id) => until(first.store, id, (r) => !!r.requestId, 'a request id')));
    pids.add((await first.sandbox.existing())!.pid);
    first.runner.dispose();
    await first.store.flush();
    first.store.dispose();
    await first.sandbox.close();

    const second = window(secrets, file, 5_000);
    const running = second.store.all().filter((r) => r.state !== 'COMPLETED').length;
    assert.ok(running > 50, `only ${running} of 100 were still running at the reload`);
    await second.runner.resume();
    for (const id of ids) {
      const done = await until(second.store, id, (r) => r.state === 'COMPLETED', 'completed', 20_000);
      assert.equal((done.output as { duration_ms: number }).duration_ms, 20);
    }
    assert.equal(second.store.all().length, 100, 'none lost, none doubled');
  });
});
