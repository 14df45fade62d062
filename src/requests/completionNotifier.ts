// Tells the user when a request nobody is watching ends: one they submitted, or one still running
// when the window reloaded (its progress notification is gone). A message with the time it took and
// a button to open the output, or what went wrong and what to do. Other calls end in front of the
// user (progress, output document, playground) and say nothing here. Calls another window owns (the
// windows without a folder share their list) are that window's to tell of.
import { isFinal, type RequestRecord } from '../common/callModel';
import type { Disposable } from '../common/emitter';
import { describeError, formatDuration } from '../common/recordText';
import type { Messages } from '../common/messages';
import type { RequestStore } from './requestStore';

export class CompletionNotifier implements Disposable {
  /** Records seen running, by id. */
  private readonly running = new Set<string>();
  /** Records that were running when this window started: followed again, watched by nobody. */
  private readonly resumed = new Set<string>();
  private readonly subscription: Disposable;

  constructor(
    private readonly store: RequestStore,
    private readonly messages: Messages,
  ) {
    for (const record of store.all()) {
      if (!isFinal(record)) {
        this.running.add(record.id);
        this.resumed.add(record.id);
      }
    }
    this.subscription = store.onDidChange((record) => record && this.onChange(record));
  }

  private onChange(record: RequestRecord): void {
    if (record.windowId !== undefined && record.windowId !== this.store.windowId) return;
    if (!isFinal(record)) {
      this.running.add(record.id);
      return;
    }
    const resumed = this.resumed.delete(record.id);
    if (!this.running.delete(record.id) || (record.method !== 'submit' && !resumed)) return;
    if (record.state === 'COMPLETED') {
      this.messages.show({
        level: 'info',
        text: `${record.endpointId} completed in ${formatDuration(record)}.`,
        actions: [{ title: 'Open Output', command: 'fal.openResult', args: [record.id] }],
      });
    } else if (record.state === 'FAILED') {
      showFailure(this.messages, record);
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
export function showFailure(messages: Messages, record: RequestRecord): void {
  if (!record.error) return;
  messages.show({
    level: 'error',
    text: `${record.endpointId}: ${describeError(record.error)}`,
    actions: [
      { title: 'Open Input', command: 'fal.openInput', args: [record.id] },
      { title: 'Show Output', command: 'fal.showOutput' },
    ],
  });
}
