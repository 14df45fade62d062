// Turns the settings (src/target.ts) and the key (src/auth) into a ready protocol client, so commands
// and views ask for "the client" and never deal with hosts or keys:
// - fal.ai: the key from the ApiKeyStore, read on every call so a new key applies at once;
// - a sandbox at a URL: a placeholder key, because the fal key is only ever sent to fal.ai;
// - the embedded sandbox (the default): started in this extension host on first use, on a free
//   loopback port, with a random key of its own, and stopped with the extension.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import { createFalClient, type FalClient } from '../fal/client';
import { falHosts, SANDBOX_PLACEHOLDER_KEY, sandboxHosts, type FalHosts } from '../common/hosts';
import type { RecordTarget } from '../common/callModel';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { readTarget } from '../target';

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

export class FalConnection implements vscode.Disposable {
  private embedded: Promise<RunningSandbox> | undefined;
  private readonly connections = new Map<string, Connection>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
  ) {}

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
        const sandbox = await this.embeddedSandbox();
        return this.connect({ kind: 'embedded-sandbox', url: sandbox.url }, sandbox);
      }
    }
  }

  /**
   * A client for where an earlier request went, whatever the settings say now; undefined when that
   * target is gone (the embedded sandbox of an earlier window) or needs a key there is not.
   */
  async forRecord(target: RecordTarget): Promise<Connection | undefined> {
    if (target.kind === 'fal.ai')
      return (await this.keys.get()) ? this.connect(target, undefined) : undefined;
    if (target.kind === 'sandbox') return this.connect(target, undefined);
    const sandbox = this.embedded && (await this.embedded.catch(() => undefined));
    return sandbox?.url === target.url ? this.connect(target, sandbox) : undefined;
  }

  /** The embedded sandbox's URL once it runs, for messages and tests. */
  async embeddedSandboxUrl(): Promise<string | undefined> {
    return this.embedded ? (await this.embedded).url : undefined;
  }

  private connect(target: RecordTarget, sandbox: RunningSandbox | undefined): Connection {
    const id = target.kind === 'fal.ai' ? 'fal.ai' : `${target.kind} ${target.url}`;
    let connection = this.connections.get(id);
    if (!connection) {
      connection = this.make(target, sandbox);
      this.connections.set(id, connection);
    }
    return connection;
  }

  private make(target: RecordTarget, sandbox: RunningSandbox | undefined): Connection {
    const client = (hosts: FalHosts, credentials: string | undefined | (() => Promise<string | undefined>)) =>
      createFalClient({ hosts, credentials, userAgent: this.userAgent });
    switch (target.kind) {
      case 'fal.ai': {
        const hosts = falHosts();
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
          client: client(sandbox.hosts, sandbox.context.options.key),
        };
      }
    }
  }

  private embeddedSandbox(): Promise<RunningSandbox> {
    this.embedded ??= startSandbox({
      port: 0,
      key: randomUUID(),
      log: (line) => this.log.debug(`sandbox: ${line}`),
    }).then(
      (sandbox) => {
        this.log.info(`Embedded fal sandbox listening on ${sandbox.url}`);
        return sandbox;
      },
      (err: unknown) => {
        this.embedded = undefined;
        throw new Error(`The embedded fal sandbox did not start: ${(err as Error)?.message ?? err}`);
      },
    );
    return this.embedded;
  }

  dispose(): void {
    const embedded = this.embedded;
    this.embedded = undefined;
    this.connections.clear();
    void embedded?.then((sandbox) => sandbox.close()).catch(() => {});
  }
}
