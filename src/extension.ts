// Entry point of the extension: creates the shared services (the "fal" log channel, the request
// tree) and registers the commands. Everything here is thin glue; the protocol lives in src/fal.
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { RequestsTreeProvider } from './views/requestsTree';

/** What `activate` returns: a small API the integration tests (and other extensions) can read. */
export interface FalPlaygroundApi {
  readonly output: vscode.LogOutputChannel;
}

export function activate(context: vscode.ExtensionContext): FalPlaygroundApi {
  const output = vscode.window.createOutputChannel('fal', { log: true });
  context.subscriptions.push(output);

  const requests = new RequestsTreeProvider();
  context.subscriptions.push(
    requests,
    vscode.window.createTreeView('fal.requests', { treeDataProvider: requests, showCollapseAll: true }),
  );

  registerCommands(context, { output });
  output.info(`fal Playground ${context.extension.packageJSON.version} activated`);
  return { output };
}

export function deactivate(): void {}
