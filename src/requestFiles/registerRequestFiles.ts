// Registers what request files add to the editor: the CodeLens for `*.fal.json`, its commands, "fal:
// New Request File...", and the Requests view's Save as Request File and exports.
import * as vscode from 'vscode';
import type { CallMethod } from '../common/callModel';
import type { SnippetLanguage } from '../snippets/codeSnippets';
import type { RecordArg } from '../commands/requestCommands';
import { EnvConsent } from './envConsent';
import {
  CALL_COMMAND,
  COPY_COMMAND,
  OPEN_COMMAND,
  REQUEST_FILE_SELECTOR,
  RequestFileLensProvider,
} from './requestFileLens';
import {
  callRequest,
  copyRequestAsCode,
  newRequestFile,
  openRequestInPlayground,
  type RequestFileServices,
} from './requestFileCommands';
import { exportJsonl, saveAsRequestFile, type ExportArg } from './requestExports';

export function registerRequestFiles(
  context: vscode.ExtensionContext,
  services: Omit<RequestFileServices, 'consent'>,
): void {
  const all: RequestFileServices = { ...services, consent: new EnvConsent(context.workspaceState) };
  const register = (id: string, handler: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider(REQUEST_FILE_SELECTOR, new RequestFileLensProvider()),
  );
  register(CALL_COMMAND, (uri: vscode.Uri, index: number, method?: CallMethod) =>
    callRequest(all, uri, index, method),
  );
  register(OPEN_COMMAND, (uri: vscode.Uri, index: number) => openRequestInPlayground(all, uri, index));
  register(COPY_COMMAND, (uri: vscode.Uri, index: number, language?: SnippetLanguage) =>
    copyRequestAsCode(uri, index, language),
  );
  register('fal.newRequestFile', (args?: { endpointId?: string; target?: vscode.Uri }) =>
    newRequestFile(all, args),
  );
  // Tree commands get the node clicked and, with several selected, all of them; `target` skips the dialog.
  const save = (arg: ExportArg, selection?: RecordArg[], target?: vscode.Uri) =>
    saveAsRequestFile(services.store, arg, selection, target);
  register('fal.saveAsRequestFile', save);
  register('fal.exportToRequestFile', save);
  register('fal.exportJsonl', (arg: RecordArg, selection?: RecordArg[], target?: vscode.Uri) =>
    exportJsonl(services.store, arg, selection, target),
  );
}
