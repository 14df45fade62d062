// From a request in a `*.fal.json` document to the call the runner makes: the request read from the
// document as it is now (saved or not), its variables resolved (only in a trusted workspace, never a
// secret's name, after the file's one question about the environment variables it reads), and each
// `{"$file": …}` read and uploaded through the playground's own file code (a file outside the
// workspace only after the user agrees; inline for realtime) and replaced by its URL.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';
import type { CallMethod, CallSpec } from '../common/callModel';
import { fileReferencesIn, withFileUrls } from '../common/fileReferences';
import { callOf, parseRequestFile, requestAt, type FileRequest } from '../common/requestFile';
import { checkVariables, resolveVariables } from '../common/requestVariables';
import type { FalConnection } from '../connection/falConnection';
import { placeFile } from '../playground/playgroundFiles';
import type { EnvConsent } from './envConsent';

/** The request at `index` of the document at `uri`, as written; rejects saying what is wrong. */
export async function readRequest(
  uri: vscode.Uri,
  index: number,
): Promise<{ request: FileRequest; label: string; document: vscode.TextDocument }> {
  const document = await vscode.workspace.openTextDocument(uri);
  const parsed = parseRequestFile(document.getText());
  const request = requestAt(parsed, index);
  if (request instanceof Error) throw request;
  return { request, label: parsed.entries[index].label, document };
}

/** The call the request at `index` makes with `method`, variables resolved and files uploaded. */
export async function prepareCall(
  services: { readonly connection: FalConnection; readonly consent: EnvConsent },
  uri: vscode.Uri,
  index: number,
  method?: CallMethod,
): Promise<CallSpec> {
  const { request, label, document } = await readRequest(uri, index);
  const names = checkVariables(request, vscode.workspace.isTrusted, label);
  if (!(await services.consent.allow(document.uri, names))) {
    throw new Error(
      `Not called: ${label} needs the environment variables ${names.join(', ')}, which were not allowed.`,
    );
  }
  const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
  const resolved = resolveVariables(
    request,
    {
      trusted: vscode.workspace.isTrusted,
      env: (name) => process.env[name],
      workspaceFolder: folder?.uri.fsPath,
    },
    label,
  );
  const call = callOf(resolved, method);
  const references = fileReferencesIn(call.input);
  if (references.length === 0) return call;
  const connection = await services.connection.get();
  const urls: string[] = [];
  for (const reference of references) {
    const file = fileUri(document, reference.file, label);
    const placed = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: withoutLinks(`Uploading ${reference.file}`),
        cancellable: true,
      },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return placeFile(connection, file, { inline: call.method === 'realtime', signal: abort.signal });
      },
    );
    urls.push(placed.url);
  }
  return { ...call, input: withFileUrls(call.input, references, urls) };
}

/**
 * Where a `$file` path points: an absolute path as is; a relative one from the request file's
 * folder (an unsaved file's: the workspace folder's).
 */
function fileUri(document: vscode.TextDocument, file: string, label: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (path.isAbsolute(file)) {
    // The file's own scheme (a remote workspace's), or the folder's for an unsaved file.
    const base = document.isUntitled ? folder : document.uri;
    return base ? base.with({ path: vscode.Uri.file(file).path }) : vscode.Uri.file(file);
  }
  if (document.isUntitled) {
    if (!folder) {
      throw new Error(
        `In ${label}: "${file}" is relative, and this unsaved file has no folder: save it first.`,
      );
    }
    return vscode.Uri.joinPath(folder, file);
  }
  return vscode.Uri.joinPath(document.uri, '..', file);
}
