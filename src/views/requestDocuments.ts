// Read-only documents of a request: its input and output as JSON (`fal-request:/{endpoint}/output.json?{id}`),
// and its diagnosis as plain text (`diagnosis.txt`, see src/common/requestDiagnosis.ts), kept up to
// date while the request runs: a stream's latest event, then the final output, or the error with what
// to do about it. An output kept in its own file (too large for the saved index) is
// read back through the store; one that could not be kept at all (`outputDropped`) is fetched again.
// For Compare Outputs / Compare Inputs, the same input and output with every object's keys sorted
// (`input.sorted.json`, `output.sorted.json`: sortedJson.ts), so a diff shows only real differences.
// A record's change is told only for its documents that are open, and a stream's thousands of changes
// a second at most once per DOCUMENT_REFRESH_MS (VS Code reads an open document again at each).
// A record changed while its document was opening is told again once it is open (openingDocuments.ts).
import * as vscode from 'vscode';
import { sortedJson } from '../common/sortedJson';
import { formatSize } from '../common/outputMedia';
import { describeError } from '../common/recordText';
import { diagnoseRequest } from '../common/requestDiagnosis';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';
import { OpeningDocuments } from './openingDocuments';

export const REQUEST_SCHEME = 'fal-request';
export type RequestPart = 'input' | 'output' | 'diagnosis' | 'sortedInput' | 'sortedOutput';

const FILE_NAMES: Record<RequestPart, string> = {
  input: 'input.json',
  output: 'output.json',
  diagnosis: 'diagnosis.txt',
  sortedInput: 'input.sorted.json',
  sortedOutput: 'output.sorted.json',
};

/** The part a document's URI names (by its file name). */
function partOf(uri: vscode.Uri): RequestPart | undefined {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return (Object.keys(FILE_NAMES) as RequestPart[]).find((part) => FILE_NAMES[part] === name);
}

export function requestDocumentUri(
  record: Pick<RequestRecord, 'id' | 'endpointId'>,
  part: RequestPart,
): vscode.Uri {
  return vscode.Uri.from({
    scheme: REQUEST_SCHEME,
    path: `/${record.endpointId}/${FILE_NAMES[part]}`,
    query: record.id,
  });
}

/** The shortest time between two refreshes of a record's open documents (the first is told at once). */
export const DOCUMENT_REFRESH_MS = 50;

/** The parts that change while a request runs. */
const CHANGING: readonly RequestPart[] = ['output', 'sortedOutput', 'diagnosis'];

export class RequestDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  /** The documents of this scheme asked for and not closed since, by record id and then by URI. */
  private readonly open = new Map<string, Map<string, vscode.Uri>>();
  /** Records changed while their documents wait for the next refresh. */
  private readonly pending = new Set<string>();
  /** How many changes each record with documents asked for has had (what `opening` compares). */
  private readonly changes = new Map<string, number>();
  private readonly opening = new OpeningDocuments(
    REQUEST_SCHEME,
    // The parts that never change (the input) are never told again.
    (uri) => (CHANGING.includes(partOf(uri) ?? 'output') ? (this.changes.get(uri.query) ?? 0) : 0),
    (uri) => this.refreshSoon(uri.query),
  );
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: RequestStore,
    private readonly runner: RequestRunner,
    /** This extension's version, for the diagnosis. */
    private readonly extensionVersion?: string,
  ) {
    for (const document of vscode.workspace.textDocuments) this.opened(document.uri);
    this.subscriptions = [
      store.onDidChange((record) => {
        if (!record || !this.open.has(record.id)) return;
        this.changes.set(record.id, (this.changes.get(record.id) ?? 0) + 1);
        this.refreshSoon(record.id);
      }),
      this.opening,
      vscode.workspace.onDidCloseTextDocument(({ uri }) => {
        if (uri.scheme !== REQUEST_SCHEME) return;
        const uris = this.open.get(uri.query);
        uris?.delete(uri.toString());
        if (uris?.size === 0) {
          this.open.delete(uri.query);
          this.changes.delete(uri.query);
        }
      }),
    ];
  }

  /** Tells VS Code of the record's open documents now, or at the next refresh. */
  private refreshSoon(id: string): void {
    this.pending.add(id);
    if (this.timer === undefined) this.refresh();
  }

  /** Tells VS Code of the pending records' open documents, then waits DOCUMENT_REFRESH_MS for more. */
  private refresh(): void {
    this.timer = undefined;
    if (this.pending.size === 0) return;
    for (const id of this.pending) {
      for (const uri of this.open.get(id)?.values() ?? []) {
        const part = partOf(uri);
        if (part && CHANGING.includes(part)) this.changed.fire(uri);
      }
    }
    this.pending.clear();
    this.timer = setTimeout(() => this.refresh(), DOCUMENT_REFRESH_MS);
  }

  private opened(uri: vscode.Uri): void {
    if (uri.scheme !== REQUEST_SCHEME) return;
    let uris = this.open.get(uri.query);
    if (!uris) this.open.set(uri.query, (uris = new Map()));
    uris.set(uri.toString(), uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    // Asked for: it is being opened (or is open), so its record's changes are told from now on.
    this.opened(uri);
    this.opening.made(uri);
    const record = this.store.get(uri.query);
    const part = partOf(uri) ?? 'output';
    const format = part === 'sortedInput' || part === 'sortedOutput' ? sortedJson : json;
    if (!record) {
      const note = 'This request is no longer in the Requests view.';
      return part === 'diagnosis' ? `${note}\n` : format({ note });
    }
    if (part === 'diagnosis') {
      return diagnoseRequest(record, {
        now: Date.now(),
        extensionVersion: this.extensionVersion,
        vscodeVersion: vscode.version,
      });
    }
    if (part === 'input' || part === 'sortedInput') return format(record.input);
    return format(await this.outputOf(record));
  }

  /** What the output document shows: the output, or the error, or why there is none (yet). */
  private async outputOf(record: RequestRecord): Promise<unknown> {
    if (record.output !== undefined) return record.output;
    if (record.outputFile && record.outputPreview !== undefined) {
      // Too large to read (it was never parsed): where it is, and its start as text.
      const { file } = this.store.outputFileOf(record.id);
      return {
        note: `The output is ${formatSize(record.outputBytes ?? 0)}, too large to show here; it is saved whole in the file below. Its start:`,
        file,
        preview: record.outputPreview,
      };
    }
    if (record.outputFile) {
      try {
        return await this.store.output(record.id);
      } catch (err) {
        return { note: (err as Error).message };
      }
    }
    if (record.error) return { error: { ...record.error, summary: describeError(record.error) } };
    if (record.outputDropped) {
      try {
        return await this.runner.fetchResult(record);
      } catch (err) {
        return {
          note: `The output was too large to keep and could not be fetched again: ${(err as Error).message}`,
        };
      }
    }
    if (!isFinal(record))
      return { state: record.state, note: 'No output yet; this document updates when it comes.' };
    return { state: record.state };
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2) ?? 'null'}\n`;
}
