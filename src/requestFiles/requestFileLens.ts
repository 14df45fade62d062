// The CodeLens above each request of a `*.fal.json` file: Run · Subscribe · Submit · Stream · Realtime
// (the request's own method first) · Open in Playground · Copy as Code; a request that cannot be
// called gets one lens saying why instead. Re-read at every edit, from the document's text.
import * as vscode from 'vscode';
import { CALL_METHODS, type CallMethod } from '../common/callModel';
import { parseRequestFile } from '../common/requestFile';

/** The files the lenses (and the request file commands) are for. */
export const REQUEST_FILE_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/*.fal.json' }];

export const CALL_COMMAND = 'fal.requestFile.call';
export const OPEN_COMMAND = 'fal.requestFile.openInPlayground';
export const COPY_COMMAND = 'fal.requestFile.copyAsCode';

const METHOD_TITLES: Record<CallMethod, string> = {
  run: 'Run',
  subscribe: 'Subscribe',
  submit: 'Submit',
  stream: 'Stream',
  realtime: 'Realtime',
};

export class RequestFileLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const parsed = parseRequestFile(document.getText());
    const at = (offset: number) => new vscode.Range(document.positionAt(offset), document.positionAt(offset));
    const note = (range: vscode.Range, text: string) =>
      new vscode.CodeLens(range, { title: `$(warning) ${text}`, command: '', tooltip: text });
    if (parsed.entries.length === 0) return parsed.problem ? [note(at(0), parsed.problem)] : [];
    return parsed.entries.flatMap((entry) => {
      const range = at(entry.offset);
      const request = entry.request;
      if (!request || parsed.problem) return [note(range, parsed.problem ?? entry.problem ?? '')];
      const args = [document.uri, entry.index];
      const methods = [request.method, ...CALL_METHODS.filter((m) => m !== request.method)];
      return [
        ...methods.map(
          (method) =>
            new vscode.CodeLens(range, {
              title: METHOD_TITLES[method],
              command: CALL_COMMAND,
              arguments: [...args, method],
              tooltip: `${METHOD_TITLES[method]} ${request.endpoint}${method === request.method ? " (the request's method)" : ''}`,
            }),
        ),
        new vscode.CodeLens(range, { title: 'Open in Playground', command: OPEN_COMMAND, arguments: args }),
        new vscode.CodeLens(range, { title: 'Copy as Code', command: COPY_COMMAND, arguments: args }),
      ];
    });
  }
}
