// Tells the user when a request nobody is watching ends: one they submitted, or one still running
// when the window reloaded (its progress notification is gone). A message with the time it took and
// a button to open the output, or what went wrong and what to do. Other calls end in front of the
// user (progress, output document, playground) and say nothing here.
import * as vscode from 'vscode';
import { requestDocumentUri } from '../views/requestDocuments';
import { describeError, formatDuration, isFinal, withoutLinks, type RequestRecord } from './requestRecord';
import type { RequestStore } from './requestStore';

export class CompletionNotifier implements vscode.Disposable {
  /** Records seen running, by id. */
  private readonly running = new Set<string>();
  /** Records that were running when this window started: followed again, watched by nobody. */
  private readonly resumed = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(store: RequestStore) {
    for (const record of store.all()) {
      if (!isFinal(record)) {
        this.running.add(record.id);
        this.resumed.add(record.id);
      }
    }
    this.subscription = store.onDidChange((record) => record && this.onChange(record));
  }

  private onChange(record: RequestRecord): void {
    if (!isFinal(record)) {
      this.running.add(record.id);
      return;
    }
    const resumed = this.resumed.delete(record.id);
    if (!this.running.delete(record.id) || (record.method !== 'submit' && !resumed)) return;
    if (record.state === 'COMPLETED') {
      void vscode.window
        .showInformationMessage(`${record.endpointId} completed in ${formatDuration(record)}.`, 'Open Output')
        .then((choice) => choice && vscode.window.showTextDocument(requestDocumentUri(record, 'output')));
    } else if (record.state === 'FAILED') {
      showFailure(record);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/**
 * Says what went wrong with a call and what to do, with buttons to its input and to the output
 * channel. Not awaited by callers: the call is over, whether or not the message is answered.
 */
export function showFailure(record: RequestRecord): void {
  if (!record.error) return;
  void vscode.window
    .showErrorMessage(
      withoutLinks(`${record.endpointId}: ${describeError(record.error)}`),
      'Open Input',
      'Show Output',
    )
    .then((choice) => {
      if (choice === 'Open Input') void vscode.window.showTextDocument(requestDocumentUri(record, 'input'));
      if (choice === 'Show Output') void vscode.commands.executeCommand('fal.showOutput');
    });
}
