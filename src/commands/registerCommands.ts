// Registers every palette command in one place, so the list in package.json has one counterpart here.
import * as vscode from 'vscode';
import type { ApiKeyStore } from '../auth/apiKeyStore';
import type { FalConnection } from '../connection/falConnection';
import type { Messages } from '../common/messages';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';
import type { CompletionNotifier } from '../requests/completionNotifier';
import { formOf, PlaygroundPanel, type PlaygroundServices } from '../playground/playgroundPanel';
import { selectTarget, useEmbeddedSandbox } from '../views/statusBar';
import { USE_EMBEDDED_SANDBOX_COMMAND } from '../requests/completionNotifier';
import { isRedactedUrl, REDACTED } from '../common/secretHeaders';
import { SNIPPET_LANGUAGES, type SnippetLanguage } from '../snippets/codeSnippets';
import { clearApiKey, setApiKey } from './apiKeyCommands';
import { copyAsCode } from '../snippets/copyAsCode';
import { saveAllOutputs } from '../playground/outputSaving';
import { callEndpoint, openRealtimeSession, type CallArgs } from './callCommands';
import { compareRequests, compareWithRequestFileRun } from './compareCommands';
import { clearRequestsFilter, filterRequests } from './filterCommands';
import type { RequestsTreeProvider } from '../views/requestsTree';
import {
  cancelRequest,
  clearFinishedRequests,
  copyRequestId,
  openRequestDocument,
  recordOf,
  removeRequest,
  type RecordArg,
} from './requestCommands';

export interface CommandServices extends PlaygroundServices {
  readonly output: vscode.LogOutputChannel;
  readonly keys: ApiKeyStore;
  readonly connection: FalConnection;
  readonly store: RequestStore;
  readonly runner: RequestRunner;
  readonly messages: Messages;
  readonly notifier: CompletionNotifier;
  readonly requestsTree: RequestsTreeProvider;
}

export function registerCommands(context: vscode.ExtensionContext, services: CommandServices): void {
  const { output, keys, store, runner } = services;
  const register = (id: string, handler: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('fal.openPlayground', () => void PlaygroundPanel.show(services));
  // Ctrl/Cmd+Enter in the focused playground (package.json keybinding): the page calls as its button would.
  register('fal.playground.call', () => PlaygroundPanel.open?.requestCall());
  register('fal.openInPlayground', (arg: RecordArg) => {
    const record = recordOf(store, arg);
    if (record) PlaygroundPanel.showWith(services, formOf(record), record);
  });
  register('fal.callAgain', (arg: RecordArg) => {
    const record = recordOf(store, arg);
    if (!record) return undefined;
    const { endpointId, input, headers, platform, webhookUrl } = record;
    if (Object.values(headers ?? {}).includes(REDACTED) || isRedactedUrl(webhookUrl)) {
      // A secret header's value (or a webhook URL's token) was not kept: the playground shows the call to fill it in.
      void vscode.window.showWarningMessage(
        'This call had a header or webhook URL token whose value looks secret, and it was not kept: fill it in and call from the playground.',
      );
      PlaygroundPanel.showWith(services, formOf(record));
      return undefined;
    }
    return callEndpoint(record.method, services, { endpointId, input, headers, platform, webhookUrl });
  });
  register('fal.showOutput', () => output.show(true));
  register('fal.setApiKey', () => setApiKey(keys, output));
  register('fal.clearApiKey', () => clearApiKey(keys, output));
  register('fal.selectTarget', (chosen?: 'sandbox' | 'fal.ai') => selectTarget(chosen));
  register(USE_EMBEDDED_SANDBOX_COMMAND, () => useEmbeddedSandbox());

  register('fal.run', (args?: CallArgs) => callEndpoint('run', services, args));
  register('fal.subscribe', (args?: CallArgs) => callEndpoint('subscribe', services, args));
  register('fal.submit', (args?: CallArgs) => callEndpoint('submit', services, args));
  register('fal.stream', (args?: CallArgs) => callEndpoint('stream', services, args));
  register('fal.realtime', (args?: CallArgs) => openRealtimeSession(services, args));

  register('fal.cancelRequest', (arg: RecordArg) => cancelRequest(store, runner, arg));
  register('fal.openResult', (arg: RecordArg) => openRequestDocument(store, arg, 'output'));
  register('fal.openInput', (arg: RecordArg) => openRequestDocument(store, arg, 'input'));
  register('fal.diagnoseRequest', (arg: RecordArg) => openRequestDocument(store, arg, 'diagnosis'));
  register('fal.copyRequestId', (arg: RecordArg) => copyRequestId(store, arg));
  // The tree takes a selection, so a menu passes the selected nodes second: only a language or a
  // folder given by a caller counts.
  register('fal.copyAsCode', async (arg: RecordArg, language?: unknown) => {
    const record = recordOf(store, arg);
    return record ? copyAsCode(record, isSnippetLanguage(language) ? language : undefined) : undefined;
  });
  // `folder` skips the folder picker (tests, other extensions); resolves with the files saved.
  register('fal.saveOutputs', async (arg: RecordArg, folder?: unknown) => {
    const record = recordOf(store, arg);
    const to = folder instanceof vscode.Uri ? folder : undefined;
    return record ? saveAllOutputs(record, record.output ?? (await store.output(record.id)), to) : [];
  });
  register('fal.removeRequest', (arg: RecordArg) => removeRequest(store, runner, arg));
  register('fal.clearFinishedRequests', () => clearFinishedRequests(store));
  // Two rows of the tree (clicked, selection), two record ids, or none (a pick of two).
  register('fal.compareOutputs', (...args: unknown[]) =>
    compareRequests('output', store, services.extensionUri, args),
  );
  register('fal.compareInputs', (...args: unknown[]) =>
    compareRequests('input', store, services.extensionUri, args),
  );
  register('fal.compareWithRequestFileRun', (arg: unknown, fileUri?: string, index?: number) =>
    compareWithRequestFileRun(store, services.extensionUri, arg, fileUri, index),
  );
  register('fal.filterRequests', (filter?: unknown) => filterRequests(store, services.requestsTree, filter));
  register('fal.clearRequestsFilter', () => clearRequestsFilter(services.requestsTree));
}

function isSnippetLanguage(value: unknown): value is SnippetLanguage {
  return (SNIPPET_LANGUAGES as readonly unknown[]).includes(value);
}
