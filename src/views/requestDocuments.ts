// Read-only JSON documents of a request's input and output (`fal-request:/{endpoint}/output.json?{id}`),
// kept up to date while the request runs: a stream's latest event, then the final output, or the
// error with what to do about it. An output kept in its own file (too large for the saved index) is
// read back through the store; one that could not be kept at all (`outputDropped`) is fetched again.
import * as vscode from 'vscode';
import { describeError } from '../common/recordText';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';

export const REQUEST_SCHEME = 'fal-request';
export type RequestPart = 'input' | 'output';

export function requestDocumentUri(record: RequestRecord, part: RequestPart): vscode.Uri {
  return vscode.Uri.from({
    scheme: REQUEST_SCHEME,
    path: `/${record.endpointId}/${part}.json`,
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
  ) {
    this.subscription = store.onDidChange((record) => {
      if (record) this.changed.fire(requestDocumentUri(record, 'output'));
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const record = this.store.get(uri.query);
    if (!record) return json({ note: 'This request is no longer in the Requests view.' });
    if (uri.path.endsWith('/input.json')) return json(record.input);
    if (record.output !== undefined) return json(record.output);
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
