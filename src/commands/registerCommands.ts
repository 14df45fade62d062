// Registers every palette command in one place, so the list in package.json has one counterpart here.
import * as vscode from 'vscode';

export interface CommandServices {
  readonly output: vscode.LogOutputChannel;
}

export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('fal.showOutput', () => services.output.show(true)),
  );
}
