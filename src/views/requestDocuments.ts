// Read-only documents of a request: its input and output as JSON (`fal-request:/{endpoint}/output.json?{id}`),
// and its diagnosis as plain text (`diagnosis.txt`, see src/common/requestDiagnosis.ts), kept up to
// date while the request runs: a stream's latest event, then the final output, or the error with what
// to do about it. An output kept in its own file (too large for the saved index) is
// read back through the store; one that could not be kept at all (`outputDropped`) is fetched again.
import * as vscode from 'vscode';
import { formatSize } from '../common/outputMedia';
import { describeError } from '../common/recordText';
import { diagnoseRequest } from '../common/requestDiagnosis';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';

export const REQUEST_SCHEME = 'fal-request';
export type RequestPart = 'input' | 'output' | 'diagnosis';

const FILE_NAMES: Record<RequestPart, string> = {
  input: 'input.json',
  output: 'output.json',
  diagnosis: 'diagnosis.txt',
};

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
      this.changed.fire(requestDocumentUri(record, 'diagnosis'));
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const record = this.store.get(uri.query);
    const diagnosis = uri.path.endsWith(`/${FILE_NAMES.diagnosis}`);
    if (!record) {
      const note = 'This request is no longer in the Requests view.';
      return diagnosis ? `${note}\n` : json({ note });
    }
    if (diagnosis) {
      return diagnoseRequest(record, {
        now: Date.now(),
        extensionVersion: this.extensionVersion,
        vscodeVersion: vscode.version,
      });
    }
    if (uri.path.endsWith('/input.json')) return json(record.input);
    if (record.output !== undefined) return json(record.output);
    if (record.outputFile && record.outputPreview !== undefined) {
      // Too large to read (it was never parsed): where it is, and its start as text.
      const { file } = this.store.outputFileOf(record.id);
      return json({
        note: `The output is ${formatSize(record.outputBytes ?? 0)}, too large to show here; it is saved whole in the file below. Its start:`,
        file,
        preview: record.outputPreview,
      });
    }
    if (record.outputFile) {
      try {
        return json(await this.store.output(record.id));
      } catch (err) {
        return json({ note: (err as Error).message });
      }
    }
    if (record.error) return json({ error: { ...record.error, summary: describeError(record.error) } });
    if (record.outputDropped) {
      try {
        return json(await this.runner.fetchResult(record));
      } catch (err) {
        return json({
          note: `The output was too large to keep and could not be fetched again: ${(err as Error).message}`,
        });
      }
    }
    if (!isFinal(record))
      return json({ state: record.state, note: 'No output yet; this document updates when it comes.' });
    return json({ state: record.state });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2) ?? 'null'}\n`;
}
