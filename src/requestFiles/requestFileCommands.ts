// The commands of request files: what the CodeLens runs (a call with any of the five methods through
// the palette's own call path, so it lands in the Requests view with the same progress and
// notifications; Open in Playground; Copy as Code) and "fal: New Request File..." (an endpoint picked
// as the palette picks it, its input the schema's example, saved where the user says and opened).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';
import type { CallMethod, CallSpec } from '../common/callModel';
import { callOf, requestFileName, requestFileText } from '../common/requestFile';
import { askEndpoint, callEndpoint, openRealtimeSession, type CallServices } from '../commands/callCommands';
import { formOf, PlaygroundPanel, type PlaygroundServices } from '../playground/playgroundPanel';
import { exampleInput } from '../playground/exampleInput';
import { copyAsCode } from '../snippets/copyAsCode';
import type { SnippetLanguage } from '../snippets/codeSnippets';
import type { EnvConsent } from './envConsent';
import { prepareCall, readRequest } from './requestFilePreparation';
import { REQUEST_FILE_FILTERS, writeTextFile } from './requestFileWriting';

export interface RequestFileServices extends CallServices, PlaygroundServices {
  readonly consent: EnvConsent;
}

export const NEW_REQUEST_FILE_TITLE = 'fal: New Request File';

/**
 * Calls the request at `index` of `uri` with `method` (its own by default). Resolves with the record
 * as the palette's command does (a realtime call: the playground's session it was sent on), or
 * undefined when nothing was sent (the reason shown as an error).
 */
export async function callRequest(
  services: RequestFileServices,
  uri: vscode.Uri,
  index: number,
  method?: CallMethod,
): Promise<unknown> {
  const call = await prepared(services, uri, index, method);
  if (!call) return undefined;
  if (call.method === 'realtime') {
    const panel = await openRealtimeSession(services, { endpointId: call.endpointId, input: call.input });
    const problem = panel?.realtime.send(formOf(call));
    if (problem) void vscode.window.showErrorMessage(withoutLinks(problem));
    return panel;
  }
  const { endpointId, input, headers, platform, webhookUrl } = call;
  const { label } = await readRequest(uri, index);
  const requestFile = { uri: uri.toString(), index, label: `${path.posix.basename(uri.path)} · ${label}` };
  return callEndpoint(call.method, services, {
    endpointId,
    input,
    headers,
    platform,
    webhookUrl,
    requestFile,
  });
}

/** Opens the playground with the request's call in it (variables resolved, files uploaded). */
export async function openRequestInPlayground(
  services: RequestFileServices,
  uri: vscode.Uri,
  index: number,
): Promise<PlaygroundPanel | undefined> {
  const call = await prepared(services, uri, index);
  return call ? PlaygroundPanel.showWith(services, formOf(call)) : undefined;
}

/** Copies the request as code, as written in the file (variables and `$file` left for the reader). */
export async function copyRequestAsCode(
  uri: vscode.Uri,
  index: number,
  language?: SnippetLanguage,
): Promise<string | undefined> {
  try {
    const { request } = await readRequest(uri, index);
    return await copyAsCode(callOf(request), language);
  } catch (err) {
    void vscode.window.showErrorMessage(withoutLinks((err as Error).message));
    return undefined;
  }
}

/**
 * "fal: New Request File...": `endpointId` and `target` skip the questions. Resolves with the new
 * file (an untitled one when no folder is open), or undefined when the user gave up.
 */
export async function newRequestFile(
  services: RequestFileServices,
  args: { readonly endpointId?: string; readonly target?: vscode.Uri } = {},
): Promise<vscode.Uri | undefined> {
  const endpointId = await askEndpoint(NEW_REQUEST_FILE_TITLE, services, args.endpointId);
  if (endpointId === undefined) return undefined;
  let input: Record<string, unknown> = {};
  try {
    const connection = await services.connection.get();
    const schema =
      (await services.schemas?.schema(connection.target, endpointId)) ??
      (await connection.client.schema(endpointId));
    input = exampleInput(schema).input;
  } catch (err) {
    services.output.debug(
      `No schema for ${endpointId}, the new request's input is empty: ${(err as Error).message}`,
    );
  }
  const call: CallSpec = { endpointId, method: 'subscribe', input };
  return writeTextFile(requestFileText([{ call }]), {
    title: NEW_REQUEST_FILE_TITLE,
    name: requestFileName(endpointId),
    filters: REQUEST_FILE_FILTERS,
    target: args.target,
    open: true,
  });
}

/** The call to make, or undefined once why not has been shown. */
async function prepared(
  services: RequestFileServices,
  uri: vscode.Uri,
  index: number,
  method?: CallMethod,
): Promise<CallSpec | undefined> {
  try {
    return await prepareCall(services, uri, index, method);
  } catch (err) {
    void vscode.window.showErrorMessage(withoutLinks((err as Error).message));
    return undefined;
  }
}
