// Entry point of the extension: creates the shared services (the "fal" log channel, the request
// tree) and registers the commands. Everything here is thin glue; the protocol lives in src/fal.
import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { describeTarget, readTarget, type Target } from './target';
import { RequestsTreeProvider } from './views/requestsTree';

/** What `activate` returns: a small API the integration tests (and other extensions) can read. */
export interface FalPlaygroundApi {
  readonly output: vscode.LogOutputChannel;
  /** Where calls go now, as the settings say. */
  target(): Target;
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
  output.info(`Calls go to ${describeTarget(readTarget())}`);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('fal')) output.info(`Calls now go to ${describeTarget(readTarget())}`);
    }),
  );
  return { output, target: () => readTarget() };
}

export function deactivate(): void {}
