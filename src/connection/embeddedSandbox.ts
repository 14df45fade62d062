// The embedded fal sandbox as a process of its own, so the sandbox's work (drawing images, encoding
// audio) never stalls the extension host. It is `dist/sandbox.js` forked detached on a free port with
// a random key passed in its environment (never on its command line); it outlives a window reload as
// fal's queue keeps results for a client that comes back: this window attaches to it every few
// seconds, and the CLI (`--exit-unattached`, src/sandbox/lifetime.ts) exits once no window is
// attached and no queue result waits to be fetched, at most 10 minutes after the last window went.
// Its URL and key are kept in the editor's secret storage, so the next window reattaches to it after
// checking, by a keyed proof, that the server answering is that sandbox; if it is gone, a new one
// starts. When it dies, `onDidDie` fires with its URL so its running records are marked lost at once.
// Plain Node (no `vscode`), so the unit tests start, reattach and kill real processes.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { setPriority } from 'node:os';
import { createInterface } from 'node:readline';
import { Emitter, type Disposable, type Event } from '../common/emitter';
import { resolveConfig } from '../fal/config';
import { ApiError } from '../fal/errors';
import { request } from '../fal/http';
import { NO_RETRY, type RetryPolicy } from '../fal/retry';
import { sandboxHosts, type FalHosts } from '../common/hosts';
import type { Logger, Messages } from '../common/messages';
import {
  ATTACH_PATH,
  attachProof,
  DETACH_PATH,
  parseListeningLine,
  SANDBOX_KEY_ENV,
  type AttachReply,
} from '../sandbox/controlProtocol';

/** What this module needs of VS Code's SecretStorage (`context.secrets`, whose methods return Thenables). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface EmbeddedSandboxOptions {
  /** Path of `dist/sandbox.js`. */
  readonly cliPath: string;
  /** Where the running sandbox's URL and key are kept for the next window. */
  readonly secrets: SecretStore;
  readonly log: Logger;
  /** Tells the user when the sandbox stopped and a new one starts. */
  readonly messages?: Messages;
  /** How often this window attaches (default 10 s). */
  readonly attachEveryMs?: number;
  /** How long one attempt of an attach (or detach) may take (default 5 s). */
  readonly attachTimeoutMs?: number;
  /** After how long without an attach the sandbox counts a window as gone (default: the CLI's, 30 s). */
  readonly windowTimeoutMs?: number;
  /** Longest stay with results waiting and no window (default: the CLI's, 10 min). */
  readonly holdMs?: number;
}

/** A running embedded sandbox this window uses. */
export interface SandboxProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The key it accepts (random per sandbox). */
  readonly key: string;
  readonly hosts: FalHosts;
  readonly pid: number;
  /** False when an earlier window started it and this one reattached. */
  readonly startedHere: boolean;
}

/** The secret-storage entry: `{"url": ..., "key": ...}`. */
export const EMBEDDED_SANDBOX_SECRET = 'fal.embeddedSandbox';

const DEFAULT_ATTACH_EVERY_MS = 10_000;
/** How long an attach may take before this window gives up on it (the sandbox may be busy drawing). */
const ATTACH_TIMEOUT_MS = 5_000;
/** How long the CLI may take to print its URL. */
const START_TIMEOUT_MS = 20_000;
/** The embedded sandbox's scheduling priority (a Unix nice value; below normal on Windows). */
export const SANDBOX_NICENESS = 10;

/** The server at the saved URL answered, but not as our sandbox does (wrong key or proof, not a sandbox). */
class NotOurSandboxError extends Error {}

export class EmbeddedSandbox implements Disposable {
  private readonly died = new Emitter<string>();
  /** Fires with the URL of the sandbox this window used when it stopped answering or exited. */
  readonly onDidDie: Event<string> = this.died.event;

  /** A random id this window attaches under. */
  private readonly window = randomUUID();
  /** What this window uses: the sandbox found or started, or undefined when none was found. */
  private using: Promise<SandboxProcess | undefined> | undefined;
  private current: SandboxProcess | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  /** The sandbox that died since the last `get()`, and why, for the next call to say so. */
  private lost: { url: string; reason: string } | undefined;
  private disposed = false;

  constructor(private readonly options: EmbeddedSandboxOptions) {}

  /** How long one attempt of an attach or detach may take. */
  private get attachTimeoutMs(): number {
    return this.options.attachTimeoutMs ?? ATTACH_TIMEOUT_MS;
  }

  /** The sandbox this window uses: the one it already has, else the saved one if it answers, else a new one. */
  get(): Promise<SandboxProcess> {
    if (this.disposed)
      return Promise.reject(new Error('The embedded fal sandbox was shut down with its window.'));
    this.reportLoss();
    const using = (this.using ??= this.reattach());
    return using.then((found) => {
      if (found) return found;
      if (this.using === using) this.using = this.startTracked();
      return this.get();
    });
  }

  /** The sandbox this window uses or can reattach to, without starting one (for records of earlier calls). */
  async existing(): Promise<SandboxProcess | undefined> {
    if (this.disposed) return undefined;
    return (this.using ??= this.reattach()).catch(() => undefined);
  }

  /** The sandbox in use now, if any (no waiting, no starting). */
  get running(): SandboxProcess | undefined {
    return this.current;
  }

  /** Stops attaching and tells the sandbox this window is gone; the sandbox itself decides when to exit. */
  async close(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.heartbeat);
    this.died.dispose();
    const sandbox = this.current;
    this.current = undefined;
    this.using = undefined;
    if (!sandbox) return;
    await post(sandbox, DETACH_PATH, { window: this.window }, this.attachTimeoutMs).catch(() => undefined);
  }

  dispose(): void {
    void this.close();
  }

  private reportLoss(): void {
    const lost = this.lost;
    if (!lost) return;
    this.lost = undefined;
    const text = `The embedded fal sandbox at ${lost.url} stopped (${lost.reason}); calls that were running on it are lost. Starting a new one.`;
    this.options.log.warn(text);
    this.options.messages?.show({ level: 'warning', text });
  }

  /** The sandbox an earlier window saved, if it answers as ours; forgets it otherwise. */
  private async reattach(): Promise<SandboxProcess | undefined> {
    const saved = parseSaved(
      await Promise.resolve(this.options.secrets.get(EMBEDDED_SANDBOX_SECRET)).catch(() => undefined),
    );
    if (!saved) return undefined;
    let reply: AttachReply;
    try {
      reply = await this.attach(saved.url, saved.key);
    } catch (err) {
      this.options.log.info(
        `The embedded fal sandbox saved at ${saved.url} does not answer as ours (${describe(err)}); starting a new one.`,
      );
      await this.forget(saved.url);
      return undefined;
    }
    if (this.disposed) return undefined;
    this.options.log.info(
      `Reattached to the embedded fal sandbox at ${saved.url} (process ${reply.pid}, ${reply.unfetched} result(s) not fetched yet)`,
    );
    return this.use({ ...saved, hosts: sandboxHosts(saved.url), pid: reply.pid, startedHere: false });
  }

  private startTracked(): Promise<SandboxProcess> {
    const started = this.start();
    started.catch(() => {
      if (this.using === started) this.using = undefined;
    });
    return started;
  }

  private async start(): Promise<SandboxProcess> {
    const key = randomBytes(24).toString('base64url');
    const { windowTimeoutMs, holdMs } = this.options;
    const args = ['--port', '0', '--exit-unattached'];
    if (windowTimeoutMs !== undefined) args.push('--window-timeout-ms', String(windowTimeoutMs));
    if (holdMs !== undefined) args.push('--hold-ms', String(holdMs));
    const child = fork(this.options.cliPath, args, {
      detached: true,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...sandboxEnvironment(process.env), [SANDBOX_KEY_ENV]: key },
    });
    // Below the editor's priority: its renders keep a core busy for seconds, and the window and the
    // extension host answer first (issue 12: a command within 50 ms while it renders 4 images of 1024²).
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, SANDBOX_NICENESS);
      } catch {
        // Not allowed here: it runs at the editor's priority.
      }
    }
    let url: string;
    try {
      url = await readUrl(child);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`The embedded fal sandbox did not start: ${describe(err)}`);
    }
    // From here on it lives on its own: no pipes, no IPC channel, nothing that keeps this host waiting.
    child.stdout?.destroy();
    child.stderr?.destroy();
    if (child.connected) child.disconnect();
    child.unref();
    let reply: AttachReply;
    try {
      reply = await this.attach(url, key);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`The embedded fal sandbox started at ${url} but does not answer: ${describe(err)}`);
    }
    const sandbox: SandboxProcess = { url, key, hosts: sandboxHosts(url), pid: reply.pid, startedHere: true };
    child.once('exit', (code, signal) =>
      this.lose(sandbox, signal ? `killed by ${signal}` : `exited with code ${code}`),
    );
    await Promise.resolve(
      this.options.secrets.store(EMBEDDED_SANDBOX_SECRET, JSON.stringify({ url, key })),
    ).catch((err: unknown) =>
      this.options.log.warn(`The embedded fal sandbox will not be kept across reloads: ${describe(err)}`),
    );
    this.options.log.info(`Embedded fal sandbox listening on ${url} (process ${reply.pid})`);
    if (this.disposed) {
      await post(sandbox, DETACH_PATH, { window: this.window }, this.attachTimeoutMs).catch(() => undefined);
      throw new Error('The embedded fal sandbox was shut down with its window.');
    }
    return this.use(sandbox);
  }

  /** Makes `sandbox` the one in use and attaches to it every few seconds from now on. */
  private use(sandbox: SandboxProcess): SandboxProcess {
    this.current = sandbox;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      this.attach(sandbox.url, sandbox.key).catch((err: unknown) => {
        // A slow answer is a busy sandbox, not a dead one: the sandbox waits 30 s for the next attach.
        if ((err as Error)?.name === 'TimeoutError') return;
        this.lose(sandbox, `does not answer: ${describe(err)}`);
      });
    }, this.options.attachEveryMs ?? DEFAULT_ATTACH_EVERY_MS);
    this.heartbeat.unref();
    return sandbox;
  }

  /** The sandbox in use died: forget it (here and in the secret store) and say so. */
  private lose(sandbox: SandboxProcess, reason: string): void {
    if (this.disposed || this.current !== sandbox) return;
    clearInterval(this.heartbeat);
    this.current = undefined;
    this.using = undefined;
    this.lost = { url: sandbox.url, reason };
    this.options.log.warn(`The embedded fal sandbox at ${sandbox.url} stopped (${reason})`);
    void this.forget(sandbox.url);
    this.died.fire(sandbox.url);
  }

  /** Removes the saved sandbox if it is the one at `url` (another window may have saved a newer one). */
  private async forget(url: string): Promise<void> {
    try {
      const saved = parseSaved(await this.options.secrets.get(EMBEDDED_SANDBOX_SECRET));
      if (!saved || saved.url === url) await this.options.secrets.delete(EMBEDDED_SANDBOX_SECRET);
    } catch (err) {
      this.options.log.warn(`Could not forget the embedded fal sandbox at ${url}: ${describe(err)}`);
    }
  }

  /** Attaches this window; resolves only when the answer proves the server holds `key`. */
  private async attach(url: string, key: string): Promise<AttachReply> {
    const nonce = randomBytes(16).toString('base64url');
    const res = await post({ url, key }, ATTACH_PATH, { window: this.window, nonce }, this.attachTimeoutMs);
    if (res.status !== 200) throw new NotOurSandboxError(`the attach was answered with HTTP ${res.status}`);
    const reply = res.data as Partial<AttachReply> | undefined;
    const expected = Buffer.from(attachProof(key, nonce));
    const given = Buffer.from(typeof reply?.proof === 'string' ? reply.proof : '');
    if (
      given.length !== expected.length ||
      !timingSafeEqual(given, expected) ||
      typeof reply?.pid !== 'number'
    ) {
      throw new NotOurSandboxError('its answer does not prove it holds the key');
    }
    return reply as AttachReply;
  }
}

/**
 * How a control POST (attach, detach) goes: once more after a transport failure (a refused or reset
 * connection: after ~200 ms; a kept-alive connection found closed: without waiting), never on an
 * HTTP answer or a timeout. Each attempt has the attach timeout.
 */
const CONTROL_RETRY: RetryPolicy = { ...NO_RETRY, maxRetries: 1, baseDelayMs: 200, retryableStatusCodes: [] };
const controlClient = resolveConfig({ credentials: undefined });

/**
 * POSTs a small JSON body to a control route of the sandbox with its key: the reply's status and
 * body. Through the client's HTTP layer (node:http) rather than `fetch`: an attach every 10 s cost
 * this host 4-8 ms of CPU with `fetch` (the first ~75 ms, loading undici), 2-3 ms with node:http,
 * a new connection each time all the same (the sandbox closes a connection idle for 5 s).
 */
async function post(
  sandbox: { url: string; key: string },
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<{ status: number; data: unknown }> {
  try {
    const res = await request(controlClient, {
      method: 'POST',
      url: `${sandbox.url}${path}`,
      body,
      headers: { authorization: `Key ${sandbox.key}` },
      auth: false,
      retry: CONTROL_RETRY,
      timeoutMs,
    });
    return { status: res.status, data: res.data };
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, data: undefined };
    throw error;
  }
}

/** The URL from the CLI's listening line; rejects with its stderr if it exits (or stalls) first. */
function readUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => finish(new Error(`no URL after ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        new Error(`it exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`),
      );
    const finish = (result: string | Error) => {
      clearTimeout(timer);
      lines.close();
      child.off('exit', onExit);
      child.off('error', finish);
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    lines.on('line', (line) => {
      const url = parseListeningLine(line);
      if (url) finish(url);
    });
    child.once('exit', onExit);
    child.once('error', finish);
  });
}

function parseSaved(text: string | undefined): { url: string; key: string } | undefined {
  if (!text) return undefined;
  try {
    const saved = JSON.parse(text) as { url?: unknown; key?: unknown };
    if (typeof saved.url === 'string' && /^http:\/\//.test(saved.url) && typeof saved.key === 'string') {
      return { url: saved.url, key: saved.key };
    }
  } catch {
    // Not ours, or from an older version: start anew.
  }
  return undefined;
}

function describe(err: unknown): string {
  const error = err as (Error & { cause?: { code?: string; message?: string } }) | undefined;
  return error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(err);
}

/**
 * The environment the sandbox process starts with: this one less the fal key (FAL_KEY, FAL_KEY_ID,
 * FAL_KEY_SECRET) and anything else named like a secret, which the sandbox never needs and which
 * would otherwise sit in a process that outlives the window (readable in /proc/<pid>/environ).
 */
export function sandboxEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^FAL_KEY|KEY$|SECRET|TOKEN|PASSWORD/i.test(name)),
  );
}
