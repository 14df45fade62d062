// Registers every palette command in one place, so the list in package.json has one counterpart here.
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import { clearApiKey, setApiKey } from './apiKeyCommands';

export interface CommandServices {
  readonly output: vscode.LogOutputChannel;
  readonly keys: ApiKeyStore;
}

export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): void {
  const { output, keys } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand('fal.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('fal.setApiKey', () => setApiKey(keys, output)),
    vscode.commands.registerCommand('fal.clearApiKey', () => clearApiKey(keys, output)),
  );
}
