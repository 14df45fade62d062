// Read-only documents of a request: its input and output as JSON (`fal-request:/{endpoint}/output.json?{id}`),
// and its diagnosis as plain text (`diagnosis.txt`, see src/common/requestDiagnosis.ts), kept up to
// date while the request runs: a stream's latest event, then the final output, or the error with what
// to do about it. An output kept in its own file (too large for the saved index) is
// read back through the store; one that could not be kept at all (`outputDropped`) is fetched again.
// For Compare Outputs / Compare Inputs, the same input and output with every object's keys sorted
// (`input.sorted.json`, `output.sorted.json`: sortedJson.ts), so a diff shows only real differences.
import * as vscode from 'vscode';
import { sortedJson } from '../common/sortedJson';
import { formatSize } from '../common/outputMedia';
import { describeError } from '../common/recordText';
import { diagnoseRequest } from '../common/requestDiagnosis';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';

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

export class RequestDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: RequestStore,
    private readonly runner: RequestRunner,
    /** This extension's version, for the diagnosis. */
    private readonly extensionVersion?: string,
  ) {
    this.subscription = store.onDidChange((record) => {
      if (!record) return;
      this.changed.fire(requestDocumentUri(record, 'output'));
      this.changed.fire(requestDocumentUri(record, 'sortedOutput'));
      this.changed.fire(requestDocumentUri(record, 'diagnosis'));
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
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
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2) ?? 'null'}\n`;
}
