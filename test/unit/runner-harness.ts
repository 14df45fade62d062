// What the tests of the request runner and the notifier share: a ConnectionSource that makes real
// clients of a sandbox over loopback (and can play an embedded sandbox that dies), a Logger that
// keeps its lines, a request store in a temporary folder, and waits on a record's state.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter } from '../../src/common/emitter';
import { sandboxHosts } from '../../src/common/hosts';
import type { RecordTarget, RequestRecord } from '../../src/common/callModel';
import type { Logger } from '../../src/common/messages';
import type { Connection } from '../../src/connection/falConnection';
import { createFalClient } from '../../src/fal/client';
import type { RetryOptions } from '../../src/fal/retry';
import type { ConnectionSource } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { call } from './sandbox-helpers';

export const KEY = 'runner-id:runner-secret';

/** Real clients of the sandbox at `url()`, labelled as a plain or an embedded sandbox. */
export class SandboxConnections implements ConnectionSource {
  private readonly lost = new Emitter<string>();
  readonly onDidLoseSandbox = this.lost.event;
  /** False once the sandbox is "gone": `forRecord` then answers undefined, as after a reload. */
  reachable = true;
  private connection: Connection | undefined;
  /** Every retry the client made (its URL and what it waited), in order. */
  readonly retries: Array<{ url: string; delayMs: number; error: unknown }> = [];

  constructor(
    private readonly url: () => string,
    private readonly kind: 'sandbox' | 'embedded-sandbox' = 'sandbox',
    /** The client's retry overrides (default: a fast base delay, at most 50 ms between tries). */
    private readonly retry: RetryOptions = { baseDelayMs: 2, maxDelayMs: 50 },
  ) {}

  get(): Promise<Connection> {
    this.connection ??= this.make();
    return Promise.resolve(this.connection);
  }

  async forRecord(target: RecordTarget): Promise<Connection | undefined> {
    if (!this.reachable || target.kind !== this.kind || target.url !== this.url()) return undefined;
    return this.get();
  }

  /** The embedded sandbox "died": tells the runner, and forgets it. */
  loseSandbox(): void {
    this.reachable = false;
    this.lost.fire(this.url());
  }

  private make(): Connection {
    const url = this.url();
    const hosts = sandboxHosts(url);
    return {
      client: createFalClient({
        credentials: KEY,
        hosts,
        retry: {
          ...this.retry,
          onRetry: ({ url, delayMs, error }) => this.retries.push({ url, delayMs, error }),
        },
      }),
      hosts,
      description: `the test sandbox at ${url}`,
      target: { kind: this.kind, url },
    };
  }
}

/** A Logger that keeps every line, with its level. */
export class LogLines implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
  debug(message: string): void {
    this.lines.push(`debug ${message}`);
  }
}

let tempRoot: string | undefined;

/** A fresh store file in a temporary folder (all of them removed when the process exits). */
export function tempStoreFile(): string {
  if (!tempRoot) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-runner-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    tempRoot = root;
  }
  return path.join(fs.mkdtempSync(path.join(tempRoot, 'store-')), 'requests.json');
}

/** Everything the store beside `file` wrote (its index, journal and output files), as one text. */
export function storeFilesText(file: string): string {
  const folder = path.dirname(file);
  return fs
    .readdirSync(folder, { recursive: true })
    .map((name) => path.join(folder, String(name)))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
}

export function newStore(): RequestStore {
  return new RequestStore(tempStoreFile());
}

/** Resolves with the record once `check` holds for it (looked at on every change of the store). */
export function until(
  store: RequestStore,
  id: string,
  check: (record: RequestRecord) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<RequestRecord> {
  return new Promise((resolve, reject) => {
    const now = store.get(id);
    if (now && check(now)) return resolve(now);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`record never got ${what}; it is ${JSON.stringify(store.get(id))}`));
    }, timeoutMs);
    const subscription = store.onDidChange(() => {
      const record = store.get(id);
      if (record && check(record)) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(record);
      }
    });
  });
}

/** Arms a sandbox fault (`POST /_sandbox/faults`). */
export async function armFault(
  base: string,
  fault: { kind: string; times?: number; on?: string; retry_after?: number },
): Promise<void> {
  const reply = await call(base, '/_sandbox/faults', { body: fault, key: KEY });
  assert.equal(reply.status, 200, reply.text);
}

/** How the sandbox ended a queue request: waits for COMPLETED, then answers the result's status. */
export async function sandboxOutcome(base: string, appPath: string, requestId: string): Promise<number> {
  for (;;) {
    const status = await call(base, `/queue/${appPath}/requests/${requestId}/status`, { key: KEY });
    if (status.json?.status === 'COMPLETED') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return (await call(base, `/queue/${appPath}/requests/${requestId}`, { key: KEY })).status;
}
