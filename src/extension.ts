// Entry point of the extension: creates the shared services (the "fal" log channel, the key store,
// the connection to fal or a sandbox, the request tree) and registers the commands. Everything here
// is thin glue; the protocol lives in src/fal, the sandbox in src/sandbox.
import * as vscode from 'vscode';
import { ApiKeyStore } from './auth/apiKeyStore';
import { registerCommands } from './commands/registerCommands';
import { FalConnection } from './connection/falConnection';
import { describeTarget, readTarget, type Target } from './target';
import { RequestsTreeProvider } from './views/requestsTree';

/** What `activate` returns: a small API the integration tests (and other extensions) can read. */
export interface FalPlaygroundApi {
  readonly output: vscode.LogOutputChannel;
  /** Where calls go now, as the settings say. */
  target(): Target;
  /** The fal key (SecretStorage, else FAL_KEY). */
  readonly keys: ApiKeyStore;
  /** A ready client for the current target; starts the embedded sandbox when that is the target. */
  readonly connection: FalConnection;
}

export function activate(context: vscode.ExtensionContext): FalPlaygroundApi {
  const output = vscode.window.createOutputChannel('fal', { log: true });
  context.subscriptions.push(output);

  const requests = new RequestsTreeProvider();
  context.subscriptions.push(
    requests,
    vscode.window.createTreeView('fal.requests', { treeDataProvider: requests, showCollapseAll: true }),
  );

  const keys = new ApiKeyStore(context.secrets);
  const version = String(context.extension.packageJSON.version);
  const connection = new FalConnection(keys, output, `fal-playground/${version}`);
  context.subscriptions.push(keys, connection);

  registerCommands(context, { output, keys });
  output.info(`fal Playground ${version} activated`);
  output.info(`Calls go to ${describeTarget(readTarget())}`);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fal')) output.info(`Calls now go to ${describeTarget(readTarget())}`);
    }),
  );
  return { output, target: () => readTarget(), keys, connection };
}

export function deactivate(): void {}
