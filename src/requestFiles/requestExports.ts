// Requests of the Requests view (the one clicked, or the selection) written out: as a request file
// ("Save as Request File...", "Export to Request File...": one request object, or an array of named
// ones), which the playground's Save as Request File also writes for its form's call; or as JSON Lines
// ("Export as JSONL...": one line per request with its endpoint, input, output, request id and
// metrics). Secret-looking headers are never written (secretHeaders.ts), and the key never is.
import * as vscode from 'vscode';
import type { CallSpec, RequestRecord } from '../common/callModel';
import { jsonlLine } from '../common/requestExport';
import { requestFileName, requestFileText } from '../common/requestFile';
import { recordOf, type RecordArg } from '../commands/requestCommands';
import type { RequestStore } from '../requests/requestStore';
import { REQUEST_FILE_FILTERS, writeTextFile } from './requestFileWriting';

/** What a tree command is given: the node clicked (or an id), and with several selected, all of them. */
export type ExportArg = RecordArg | CallSpec;

function isCall(arg: unknown): arg is CallSpec {
  return typeof arg === 'object' && arg !== null && 'endpointId' in arg && !('kind' in arg);
}

/** The records a tree command acts on: the selection when there is one, else the node clicked; each once. */
function recordsOf(
  store: RequestStore,
  clicked: RecordArg,
  selection?: readonly RecordArg[],
): RequestRecord[] {
  const records = (selection?.length ? selection : [clicked]).map((arg) => recordOf(store, arg));
  const seen = new Set<string>();
  return records.filter((r): r is RequestRecord => !!r && !seen.has(r.id) && !!seen.add(r.id));
}

/**
 * Writes the call (the playground's), the request clicked or the selection as a request file, asking
 * where unless `target` is given, and opens it. Resolves with where it went.
 */
export async function saveAsRequestFile(
  store: RequestStore,
  arg: ExportArg,
  selection?: readonly RecordArg[],
  target?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const calls: CallSpec[] = isCall(arg) ? [arg] : recordsOf(store, arg, selection);
  if (calls.length === 0) return undefined;
  return writeTextFile(requestFileText(calls.map((call) => ({ call }))), {
    title: 'Save as Request File',
    name: calls.length === 1 ? requestFileName(calls[0].endpointId) : 'requests.fal.json',
    filters: REQUEST_FILE_FILTERS,
    target,
    open: true,
  });
}

/** Writes the request clicked or the selection as JSON Lines, asking where unless `target` is given. */
export async function exportJsonl(
  store: RequestStore,
  arg: RecordArg,
  selection?: readonly RecordArg[],
  target?: vscode.Uri,
): Promise<vscode.Uri | undefined> {
  const records = recordsOf(store, arg, selection);
  if (records.length === 0) return undefined;
  const lines = await Promise.all(
    records.map(async (record) => {
      const output = await store.output(record.id).catch(() => undefined);
      return jsonlLine(record, output);
    }),
  );
  const uri = await writeTextFile(`${lines.join('\n')}\n`, {
    title: 'Export as JSONL',
    name: 'fal-requests.jsonl',
    filters: { 'JSON Lines': ['jsonl'] },
    target,
  });
  if (uri) {
    const count = records.length === 1 ? '1 request' : `${records.length} requests`;
    void vscode.window.setStatusBarMessage(
      `Exported ${count} to ${vscode.workspace.asRelativePath(uri)}`,
      4000,
    );
  }
  return uri;
}
