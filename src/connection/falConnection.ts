// Turns the settings (src/target.ts) and the key (src/auth) into a ready protocol client, so commands
// and views ask for "the client" and never deal with hosts or keys:
// - fal.ai: the key from the ApiKeyStore, read on every call so a new key applies at once;
// - a sandbox at a URL: a placeholder key, because the fal key is only ever sent to fal.ai;
// - the embedded sandbox (the default): a process of its own started on first use, on a free
//   loopback port, with a random key of its own; it outlives a window reload while results wait to be
//   fetched and the next window reattaches to it (embeddedSandbox.ts). `onDidLoseSandbox` fires when
//   it dies, so the records running on it are marked lost at once; the next call starts a new one.
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import { createFalClient, type FalClient } from '../fal/client';
import { falHosts, SANDBOX_PLACEHOLDER_KEY, sandboxHosts, type FalHosts } from '../common/hosts';
import type { RecordTarget } from '../common/callModel';
import type { Event } from '../common/emitter';
import type { Messages } from '../common/messages';
import { readTarget } from '../target';
import { EmbeddedSandbox, type SandboxProcess, type SecretStore } from './embeddedSandbox';

export interface Connection {
  readonly client: FalClient;
  readonly hosts: FalHosts;
  /** "fal.ai", "the fal sandbox at http://…", "the embedded fal sandbox at http://…". */
  readonly description: string;
  /** Where calls go, as a request record keeps it to reach the same place after a reload. */
  readonly target: RecordTarget;
}

/** Calls to fal.ai need a key and there is none; the message says how to add one. */
export class MissingApiKeyError extends Error {
  constructor() {
    super(
      'No fal key. Run "fal: Set API Key" (or set FAL_KEY) to call fal.ai, ' +
        'or set "fal.target" to "sandbox" to try the sandbox without a key.',
    );
    this.name = 'MissingApiKeyError';
  }
}

/** Where the embedded sandbox comes from and where it is kept across reloads. */
export interface EmbeddedSandboxSettings {
  /** Path of `dist/sandbox.js` in the installed extension. */
  readonly cliPath: string;
  /** `context.secrets`: keeps the running sandbox's URL and key for the next window. */
  readonly secrets: SecretStore;
  /** Tells the user when the sandbox stopped and a new one starts. */
  readonly messages?: Messages;
  /** Longest stay of the sandbox with results waiting and no window (default 10 min). */
  readonly holdMs?: number;
  /**
   * Test mode only (extension.ts passes it nowhere else): where the fal.ai target's hosts point
   * instead of fal.ai, so a test can send the real key path to a sandbox started with `--key`.
   */
  readonly testFalHosts?: { readonly hosts?: FalHosts };
}

export class FalConnection implements vscode.Disposable {
  private readonly embedded: EmbeddedSandbox;
  private readonly connections = new Map<string, Connection>();
  private readonly testFalHosts: { readonly hosts?: FalHosts } | undefined;
  /** Fires with the URL of the embedded sandbox when it dies: its running records are lost. */
  readonly onDidLoseSandbox: Event<string>;

  constructor(
    private readonly keys: ApiKeyStore,
    log: vscode.LogOutputChannel,
    private readonly userAgent: string,
    settings: EmbeddedSandboxSettings,
  ) {
    this.embedded = new EmbeddedSandbox({ ...settings, log });
    this.testFalHosts = settings.testFalHosts;
    this.onDidLoseSandbox = this.embedded.onDidDie;
    this.embedded.onDidDie((url) =>
      this.connections.delete(connectionId({ kind: 'embedded-sandbox', url }, undefined)),
    );
  }

  /** A client for where the settings send calls now; starts the embedded sandbox when that is the target. */
  async get(): Promise<Connection> {
    const target = readTarget();
    switch (target.kind) {
      case 'fal.ai':
        if (!(await this.keys.get())) throw new MissingApiKeyError();
        return this.connect({ kind: 'fal.ai' }, undefined);
      case 'sandbox':
        return this.connect({ kind: 'sandbox', url: target.url }, undefined);
      case 'embedded-sandbox': {
        const sandbox = await this.embedded.get();
        return this.connect({ kind: 'embedded-sandbox', url: sandbox.url }, sandbox);
      }
    }
  }

  /**
   * A client for where an earlier request went, whatever the settings say now; undefined when that
   * target is gone (an embedded sandbox that is no longer running) or needs a key there is not. An
   * embedded sandbox an earlier window started is reattached to, never started.
   */
  async forRecord(target: RecordTarget): Promise<Connection | undefined> {
    if (target.kind === 'fal.ai')
      return (await this.keys.get()) ? this.connect(target, undefined) : undefined;
    if (target.kind === 'sandbox') return this.connect(target, undefined);
    const sandbox = await this.embedded.existing();
    return sandbox?.url === target.url ? this.connect(target, sandbox) : undefined;
  }

  /** The embedded sandbox's URL once it runs, for messages and tests. */
  embeddedSandboxUrl(): Promise<string | undefined> {
    return Promise.resolve(this.embedded.running?.url);
  }

  private connect(target: RecordTarget, sandbox: SandboxProcess | undefined): Connection {
    const id = connectionId(target, this.testFalHosts?.hosts);
    let connection = this.connections.get(id);
    if (!connection) {
      connection = this.make(target, sandbox);
      this.connections.set(id, connection);
    }
    return connection;
  }

  private make(target: RecordTarget, sandbox: SandboxProcess | undefined): Connection {
    const client = (hosts: FalHosts, credentials: string | undefined | (() => Promise<string | undefined>)) =>
      createFalClient({ hosts, credentials, userAgent: this.userAgent });
    switch (target.kind) {
      case 'fal.ai': {
        const hosts = this.testFalHosts?.hosts ?? falHosts();
        return {
          hosts,
          target,
          description: 'fal.ai',
          client: client(hosts, async () => (await this.keys.get())?.value),
        };
      }
      case 'sandbox': {
        const hosts = sandboxHosts(target.url);
        return {
          hosts,
          target,
          description: `the fal sandbox at ${target.url}`,
          client: client(hosts, SANDBOX_PLACEHOLDER_KEY),
        };
      }
      case 'embedded-sandbox': {
        if (!sandbox) throw new Error('The embedded fal sandbox is not running.');
        return {
          hosts: sandbox.hosts,
          target,
          description: `the embedded fal sandbox at ${sandbox.url}`,
          client: client(sandbox.hosts, sandbox.key),
        };
      }
    }
  }

  /** Stops attaching to the embedded sandbox, which keeps serving what waits to be fetched, then exits. */
  dispose(): void {
    this.connections.clear();
    this.embedded.dispose();
  }
}

function connectionId(target: RecordTarget, testFalHosts: FalHosts | undefined): string {
  if (target.kind === 'fal.ai') return testFalHosts ? `fal.ai at ${testFalHosts.run}` : 'fal.ai';
  return `${target.kind} ${target.url}`;
}
