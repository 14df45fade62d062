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
import type { FalHosts } from '../fal/hosts';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { describeTarget, readTarget, type Target } from '../target';

/** The key sent to a sandbox the user runs (`npm run sandbox` accepts any key unless started with --key). */
export const SANDBOX_PLACEHOLDER_KEY = 'sandbox:sandbox';

export interface Connection {
  readonly kind: Target['kind'];
  readonly client: FalClient;
  readonly hosts: FalHosts;
  /** "fal.ai", "the fal sandbox at http://…", "the embedded fal sandbox at http://…". */
  readonly description: string;
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
  private readonly clients = new Map<string, Connection>();

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly userAgent: string,
  ) {}

  /** A client for where the settings send calls now; starts the embedded sandbox when that is the target. */
  async get(): Promise<Connection> {
    const target = readTarget();
    switch (target.kind) {
      case 'fal.ai': {
        if (!(await this.keys.get())) throw new MissingApiKeyError();
        return this.cached('fal.ai', () => ({
          kind: target.kind,
          hosts: target.hosts,
          description: describeTarget(target),
          client: this.client(target.hosts, async () => (await this.keys.get())?.value),
        }));
      }
      case 'sandbox':
        return this.cached(`sandbox ${target.url}`, () => ({
          kind: target.kind,
          hosts: target.hosts,
          description: describeTarget(target),
          client: this.client(target.hosts, SANDBOX_PLACEHOLDER_KEY),
        }));
      case 'embedded-sandbox': {
        const sandbox = await this.embeddedSandbox();
        return this.cached(`embedded ${sandbox.url}`, () => ({
          kind: target.kind,
          hosts: sandbox.hosts,
          description: `${describeTarget(target)} at ${sandbox.url}`,
          client: this.client(sandbox.hosts, sandbox.context.options.key),
        }));
      }
    }
  }

  /** The embedded sandbox's URL once it runs, for messages and tests. */
  async embeddedSandboxUrl(): Promise<string | undefined> {
    return this.embedded ? (await this.embedded).url : undefined;
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

  private cached(id: string, make: () => Connection): Connection {
    let connection = this.clients.get(id);
    if (!connection) this.clients.set(id, (connection = make()));
    return connection;
  }

  private client(hosts: FalHosts, credentials: string | undefined | (() => Promise<string | undefined>)) {
    return createFalClient({ hosts, credentials, userAgent: this.userAgent });
  }

  dispose(): void {
    const embedded = this.embedded;
    this.embedded = undefined;
    this.clients.clear();
    void embedded?.then((sandbox) => sandbox.close()).catch(() => {});
  }
}
