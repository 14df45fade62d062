// The embedded sandbox as a real process (dist/sandbox.js forked by src/connection/embeddedSandbox.ts):
// its key stays off its command line; calls work through it; a second manager on the same secret
// store (a reloaded window) reattaches to the same process and fetches a result submitted before;
// the process exits once no window is attached and nothing waits to be fetched, stays while a result
// waits (at most the hold time); a saved sandbox that is gone or answers wrong is replaced; a killed
// one fires onDidDie with its URL and the next get() says so and starts a new one.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPriority } from 'node:os';
import * as path from 'node:path';
import type { Logger, Message, Messages } from '../../src/common/messages';
import {
  EMBEDDED_SANDBOX_SECRET,
  EmbeddedSandbox,
  SANDBOX_NICENESS,
  type EmbeddedSandboxOptions,
  type SandboxProcess,
} from '../../src/connection/embeddedSandbox';
import { createFalClient } from '../../src/fal/client';
import { repoRoot } from '../../tools/vscode-host/repoRoot';
import { MemorySecrets, submitUnfetched } from './embedded-helpers';

const cliPath = path.join(repoRoot(), 'dist', 'sandbox.js');

class RecordedLog implements Logger {
  readonly lines: string[] = [];
  info = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(m);
  error = (m: string) => void this.lines.push(m);
  debug = (m: string) => void this.lines.push(m);
}

class RecordedMessages implements Messages {
  readonly shown: Message[] = [];
  show(message: Message): void {
    this.shown.push(message);
  }
}

/** Whether `pid` is a live process (a zombie, exited but not yet reaped, counts as gone). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `condition` holds; the test's timeout bounds the wait. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

async function fetchResult(sandbox: SandboxProcess, responseUrl: string): Promise<unknown> {
  const res = await fetch(responseUrl, { headers: { authorization: `Key ${sandbox.key}` } });
  assert.equal(res.status, 200);
  return res.json();
}

describe('embedded sandbox: its own process', () => {
  const managers: EmbeddedSandbox[] = [];
  const pids = new Set<number>();
  const servers: Server[] = [];

  /** A window's manager with fast attaches; every process it reaches is killed after the test. */
  function manager(options: Partial<EmbeddedSandboxOptions> = {}): EmbeddedSandbox {
    const m = new EmbeddedSandbox({
      cliPath,
      secrets: new MemorySecrets(),
      log: new RecordedLog(),
      attachEveryMs: 100,
      windowTimeoutMs: 400,
      ...options,
    });
    managers.push(m);
    return m;
  }

  async function get(m: EmbeddedSandbox): Promise<SandboxProcess> {
    const sandbox = await m.get();
    pids.add(sandbox.pid);
    return sandbox;
  }

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()));
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await waitUntil(() => [...pids].every((pid) => !isRunning(pid)));
    pids.clear();
    for (const server of servers.splice(0)) server.close();
  });

  it("runs below the editor's priority, so its renders do not slow the window", async () => {
    const sandbox = await get(manager());
    assert.equal(getPriority(sandbox.pid), Math.min(19, getPriority() + SANDBOX_NICENESS));
  });

  it('passes the sandbox no fal key: FAL_KEY and secret-named variables stay out of its environment', async () => {
    const saved = { FAL_KEY: process.env.FAL_KEY, OTHER_SECRET: process.env.OTHER_SECRET };
    process.env.FAL_KEY = 'marker-key-id:marker-key-secret';
    process.env.OTHER_SECRET = 'marker-other';
    try {
      const sandbox = await get(manager());
      const environ = readFileSync(`/proc/${sandbox.pid}/environ`, 'utf8');
      assert.ok(!environ.includes('marker-'), 'a secret reached the sandbox process');
      assert.ok(environ.includes('PATH='), 'the rest of the environment is there');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('forks dist/sandbox.js with its key kept off the command line, and calls work through it', async () => {
    const secrets = new MemorySecrets();
    const sandbox = await get(manager({ secrets }));
    assert.notEqual(sandbox.pid, process.pid);
    assert.ok(sandbox.startedHere);
    assert.match(sandbox.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const cmdline = readFileSync(`/proc/${sandbox.pid}/cmdline`, 'utf8').split('\0');
    assert.ok(
      cmdline.some((arg) => arg.endsWith('sandbox.js')),
      cmdline.join(' '),
    );
    assert.ok(!cmdline.join(' ').includes(sandbox.key), 'the key is on the command line');
    assert.deepEqual(JSON.parse(secrets.values.get(EMBEDDED_SANDBOX_SECRET)!), {
      url: sandbox.url,
      key: sandbox.key,
    });

    const client = createFalClient({ hosts: sandbox.hosts, credentials: sandbox.key });
    const result = await client.run('sandbox/echo', { input: { through: 'process' } });
    assert.deepEqual(result.data, { through: 'process' });
    const stranger = await fetch(`${sandbox.url}/run/sandbox/echo`, {
      method: 'POST',
      headers: { authorization: 'Key someone:else', 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(stranger.status, 401);
  });

  it('reattaches after the window reloads: the same process, and a result submitted before is fetchable', async () => {
    const secrets = new MemorySecrets();
    const first = manager({ secrets });
    const before = await get(first);
    const responseUrl = await submitUnfetched(before, { submitted: 'before the reload' });
    await first.close(); // the closing window
    await sleep(600); // past the window timeout: only the waiting result keeps the sandbox

    const second = manager({ secrets });
    const after = await get(second);
    assert.equal(after.url, before.url);
    assert.equal(after.pid, before.pid);
    assert.equal(after.key, before.key);
    assert.equal(after.startedHere, false);
    assert.deepEqual(await fetchResult(after, responseUrl), { submitted: 'before the reload' });
    assert.equal((await second.existing())?.url, before.url);
  });

  it('outlives the process that started it, which ends on its own, and the next window reattaches', async () => {
    const window = path.join(__dirname, 'embeddedSandboxWindow.js');
    // If anything of the sandbox (a pipe, the IPC channel, a timer) kept the window's process running,
    // this would not end by itself and is killed after 15 s.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [window, cliPath], { timeout: 15_000 }, (err, out, errText) =>
        err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out),
      ),
    );
    const ended = JSON.parse(stdout) as { saved: string; pid: number; responseUrl: string };
    pids.add(ended.pid);
    assert.ok(isRunning(ended.pid), 'the sandbox ended with its window');

    const secrets = new MemorySecrets();
    await secrets.store(EMBEDDED_SANDBOX_SECRET, ended.saved);
    const next = await get(manager({ secrets }));
    assert.equal(next.pid, ended.pid);
    assert.deepEqual(await fetchResult(next, ended.responseUrl), { from: 'a window that ended' });
  });

  it('finds the saved sandbox for records without starting one (existing)', async () => {
    const secrets = new MemorySecrets();
    assert.equal(await manager({ secrets }).existing(), undefined);
    const first = manager({ secrets });
    const started = await get(first);
    await submitUnfetched(started, { keep: 'alive' });
    await first.close();
    assert.equal((await manager({ secrets }).existing())?.url, started.url);
  });

  it('exits once no window is attached and no result is left to fetch', async () => {
    const m = manager();
    const sandbox = await get(m);
    const client = createFalClient({ hosts: sandbox.hosts, credentials: sandbox.key });
    const responseUrl = await submitUnfetched(sandbox, { fetched: true });
    assert.deepEqual(await fetchResult(sandbox, responseUrl), { fetched: true });
    await client.run('sandbox/echo', { input: {} });
    await m.close();
    await waitUntil(() => !isRunning(sandbox.pid));
  });

  it('stays while a result waits to be fetched, and exits once it is fetched', async () => {
    const m = manager();
    const sandbox = await get(m);
    const responseUrl = await submitUnfetched(sandbox, { waiting: 'for a window' });
    await m.close();
    // Long past the window timeout (400 ms) and the start-up grace: without the wait for the result,
    // the sandbox would have exited by now.
    await sleep(1200);
    assert.ok(isRunning(sandbox.pid), 'the sandbox exited with a result not fetched');
    assert.deepEqual(await fetchResult(sandbox, responseUrl), { waiting: 'for a window' });
    await waitUntil(() => !isRunning(sandbox.pid));
  });

  it('waits for results at most the hold time', async () => {
    const m = manager({ holdMs: 300 });
    const sandbox = await get(m);
    await submitUnfetched(sandbox, { never: 'fetched' });
    await m.close();
    await waitUntil(() => !isRunning(sandbox.pid));
  });

  it('starts a new sandbox when the saved one is gone, refuses the key or answers without proving it holds it', async () => {
    const listening = async (handle: Parameters<typeof createServer>[1]) => {
      const server = createServer(handle);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const impostorUrl = await listening((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ proof: 'made-up', pid: 1, windows: 1, unfetched: 0 }));
    });
    const refusingUrl = await listening((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Invalid key' }));
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const goneUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));

    for (const saved of [impostorUrl, refusingUrl, goneUrl]) {
      const secrets = new MemorySecrets();
      await secrets.store(EMBEDDED_SANDBOX_SECRET, JSON.stringify({ url: saved, key: 'old:key' }));
      const log = new RecordedLog();
      const sandbox = await get(manager({ secrets, log }));
      assert.notEqual(sandbox.url, saved);
      assert.ok(sandbox.startedHere);
      assert.equal(JSON.parse(secrets.values.get(EMBEDDED_SANDBOX_SECRET)!).url, sandbox.url);
      assert.ok(
        log.lines.some((l) => l.includes(saved) && /does not answer as ours/.test(l)),
        log.lines.join('\n'),
      );
      assert.ok(!log.lines.some((l) => l.includes('old:key')), 'the saved key is in no log line');
    }
  });

  it('keeps a sandbox that is too busy to answer its attaches in time, and goes on attaching', async () => {
    const m = manager({ attachTimeoutMs: 150, windowTimeoutMs: 5_000 });
    const sandbox = await get(m);
    let died = false;
    m.onDidDie(() => (died = true));
    // Stopped, it answers nothing: several attaches time out.
    process.kill(sandbox.pid, 'SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, 800));
    } finally {
      process.kill(sandbox.pid, 'SIGCONT');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(died, false, 'a timed-out attach is a busy sandbox, not a dead one');
    assert.equal(m.running?.url, sandbox.url);
    // And it is still the one in use: calls keep going to it.
    assert.equal((await m.get()).pid, sandbox.pid);
  });

  it('says why when the sandbox cannot start, and tries again on the next call', async () => {
    const m = manager({ cliPath: path.join(repoRoot(), 'dist', 'no-such-sandbox.js') });
    await assert.rejects(m.get(), /did not start: it exited \(code 1\).*Cannot find module/s);
    await assert.rejects(m.get(), /did not start/);
  });

  it('fires onDidDie with its URL when killed; the next get() says so and starts a new one', async () => {
    const messages = new RecordedMessages();
    const secrets = new MemorySecrets();
    const m = manager({ messages, secrets });
    const sandbox = await get(m);
    const died = new Promise<string>((resolve) => m.onDidDie(resolve));
    process.kill(sandbox.pid, 'SIGKILL');
    assert.equal(await died, sandbox.url);
    assert.equal(m.running, undefined);

    const next = await get(m);
    assert.notEqual(next.pid, sandbox.pid);
    assert.equal(messages.shown.length, 1);
    assert.equal(messages.shown[0].level, 'warning');
    assert.ok(messages.shown[0].text.includes(sandbox.url), messages.shown[0].text);
    assert.match(messages.shown[0].text, /killed by SIGKILL.*lost.*new one/);
    assert.equal(JSON.parse(secrets.values.get(EMBEDDED_SANDBOX_SECRET)!).url, next.url);
  });

  it('notices the death of a sandbox it reattached to (not its child) through its attaches', async () => {
    const secrets = new MemorySecrets();
    const first = manager({ secrets });
    const started = await get(first);
    await submitUnfetched(started, { keep: 'alive' });
    await first.close();
    const second = manager({ secrets });
    const reattached = await get(second);
    assert.equal(reattached.startedHere, false);
    const died = new Promise<string>((resolve) => second.onDidDie(resolve));
    process.kill(reattached.pid, 'SIGKILL');
    assert.equal(await died, started.url);
    await waitUntil(() => !secrets.values.has(EMBEDDED_SANDBOX_SECRET));
  });
});
