// Compare Outputs / Compare Inputs: two requests (two rows selected in the Requests view, two record
// ids from another command, or two picked from a list) in VS Code's diff editor, each side the
// request's output (or input) pretty-printed with sorted keys (requestDocuments.ts), titled with both
// requests. When both outputs hold images (outputMedia.ts), Compare Outputs also opens the image
// comparison beside it (imageComparePanel.ts).
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';
import { isFinal, type RequestRecord } from '../common/callModel';
import { findOutputMedia } from '../common/outputMedia';
import { ImageComparePanel } from '../playground/imageComparePanel';
import type { RequestStore } from '../requests/requestStore';
import { requestDocumentUri } from '../views/requestDocuments';
import type { RequestNode } from '../views/requestsTree';

export type ComparePart = 'input' | 'output';

/** What a comparison opened (the command's result, for tests and other commands). */
export interface Comparison {
  readonly left: vscode.Uri;
  readonly right: vscode.Uri;
  readonly title: string;
  /** The image comparison, when both outputs hold images. */
  readonly images?: ImageComparePanel;
}

const SELECT_TWO = 'Select two requests in the Requests view (Ctrl/Cmd+click the second) to compare them.';

/** A request as a title names it: "subscribe sandbox/image 10:32:05". */
export function requestLabel(record: RequestRecord): string {
  return `${record.method} ${record.endpointId} ${new Date(record.createdAt).toLocaleTimeString()}`;
}

/**
 * The two records of the command's arguments: `(idA, idB)`, or a tree row with the selection
 * `(clicked, selected[])` (older on the left), or none (a pick of two from the list).
 */
async function twoRecords(
  store: RequestStore,
  args: unknown[],
): Promise<[RequestRecord, RequestRecord] | undefined> {
  const [first, second] = args;
  if (typeof first === 'string' || typeof second === 'string') {
    const ids = [first, second];
    const records = ids.map((id) => (typeof id === 'string' ? store.get(id) : undefined));
    const missing = ids.filter((_, i) => !records[i]);
    if (missing.length > 0) {
      throw new Error(
        `No request ${missing.map((id) => JSON.stringify(id)).join(' or ')} in the Requests view: give two record ids.`,
      );
    }
    return [records[0]!, records[1]!];
  }
  const nodes = Array.isArray(second) ? (second as RequestNode[]) : first ? [first as RequestNode] : [];
  if (nodes.length === 0) return pickTwo(store);
  const ids = [...new Set(nodes.map((n) => n?.id).filter((id): id is string => typeof id === 'string'))];
  const records = ids.map((id) => store.get(id)).filter((r): r is RequestRecord => !!r);
  if (records.length !== 2)
    throw new Error(
      records.length < 2 ? SELECT_TWO : `${records.length} requests are selected. ${SELECT_TWO}`,
    );
  records.sort((a, b) => a.createdAt - b.createdAt);
  return [records[0], records[1]];
}

async function pickTwo(store: RequestStore): Promise<[RequestRecord, RequestRecord] | undefined> {
  if (store.all().length < 2) throw new Error('Compare needs two requests; the Requests view has fewer.');
  const items = store
    .all()
    .map((record) => ({ label: requestLabel(record), description: record.state.toLowerCase(), record }));
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Compare: pick two requests',
    placeHolder: 'Pick two requests to compare',
  });
  if (!picked || picked.length === 0) return undefined;
  if (picked.length !== 2) throw new Error(`${picked.length} requests were picked: pick exactly two.`);
  const [a, b] = picked.map((p) => p.record).sort((x, y) => x.createdAt - y.createdAt);
  return [a, b];
}

export async function compareRequests(
  part: ComparePart,
  store: RequestStore,
  extensionUri: vscode.Uri,
  args: unknown[],
): Promise<Comparison | undefined> {
  let pair: [RequestRecord, RequestRecord] | undefined;
  try {
    pair = await twoRecords(store, args);
  } catch (err) {
    void vscode.window.showErrorMessage(withoutLinks((err as Error).message));
    return undefined;
  }
  if (!pair) return undefined;
  const [a, b] = pair;
  const sorted = part === 'output' ? 'sortedOutput' : 'sortedInput';
  const left = requestDocumentUri(a, sorted);
  const right = requestDocumentUri(b, sorted);
  const title = `${requestLabel(a)} ↔ ${requestLabel(b)} (${part}s, keys sorted)`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: false });
  if (part !== 'output') return { left, right, title };
  const outputs = await Promise.all([a, b].map((r) => outputOf(store, r)));
  const hasImages = outputs.every((o) => findOutputMedia(o).some((m) => m.kind === 'image'));
  if (!hasImages) return { left, right, title };
  const images = await ImageComparePanel.show(
    extensionUri,
    { record: a, label: requestLabel(a), output: outputs[0] },
    { record: b, label: requestLabel(b), output: outputs[1] },
  );
  return { left, right, title, images };
}

/** The record's output, in memory or read back from its file; undefined when it cannot be read. */
async function outputOf(store: RequestStore, record: RequestRecord): Promise<unknown> {
  return record.output ?? (await store.output(record.id).catch(() => undefined));
}

/** The newest finished run of each request-file request, except `record` itself, newest first. */
export function lastRunsOfRequestFiles(store: RequestStore, except?: string): RequestRecord[] {
  const newest = new Map<string, RequestRecord>();
  for (const record of store.all()) {
    if (!record.requestFile || record.id === except || !isFinal(record)) continue;
    const key = `${record.requestFile.uri}#${record.requestFile.index}`;
    const kept = newest.get(key);
    if (!kept || kept.createdAt < record.createdAt) newest.set(key, record);
  }
  return [...newest.values()].sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * Compare Output with a Request File's Last Run: the request clicked (or given by id) against the
 * newest run of a request of a `*.fal.json` file, picked from a list (or given as its file URI and
 * index).
 */
export async function compareWithRequestFileRun(
  store: RequestStore,
  extensionUri: vscode.Uri,
  arg: unknown,
  fileUri?: string,
  index?: number,
): Promise<Comparison | undefined> {
  const id = typeof arg === 'string' ? arg : (arg as RequestNode | undefined)?.id;
  const record = id ? store.get(id) : undefined;
  if (!record) {
    void vscode.window.showErrorMessage(
      'Pick a request in the Requests view to compare with a request file.',
    );
    return undefined;
  }
  const runs = lastRunsOfRequestFiles(store, record.id);
  let run: RequestRecord | undefined;
  if (fileUri !== undefined) {
    run = runs.find((r) => r.requestFile?.uri === fileUri && r.requestFile.index === (index ?? 0));
  } else {
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.requestFile!.label, description: requestLabel(r), run: r })),
      { title: `Compare ${requestLabel(record)} with a request file's last run`, placeHolder: 'Request' },
    );
    if (!picked) return undefined;
    run = picked.run;
  }
  if (!run) {
    void vscode.window.showErrorMessage(
      'No finished run of that request file yet: call it from its CodeLens first, then compare.',
    );
    return undefined;
  }
  return compareRequests('output', store, extensionUri, [run.id, record.id]);
}
