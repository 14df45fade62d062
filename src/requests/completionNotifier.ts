// Tells the user when a call ends that nobody is watching: not shown in the playground, not followed
// by a progress notification (a submit, a call still running when the window reloaded, a playground
// call whose panel was closed). A message with the time it took and a button to open the output, or
// what went wrong and what to do. Calls that end in front of the user say nothing here (VS Code's
// guidelines: notify only where the user must act); watchers register with RecordWatchers. Calls
// another window owns (the windows without a folder share their list) are that window's to tell of.
// `fal.notifications` picks what is told: `all`, `errors` (failures only) or `none`.
import { isFinal, type RequestRecord } from '../common/callModel';
import type { Disposable } from '../common/emitter';
import { describeError, formatDuration } from '../common/recordText';
import type { Messages } from '../common/messages';
import { RecordWatchers } from './recordWatchers';
import type { RequestStore } from './requestStore';

export const NOTIFICATIONS = ['all', 'errors', 'none'] as const;
export type Notifications = (typeof NOTIFICATIONS)[number];
export const DEFAULT_NOTIFICATIONS: Notifications = 'all';

export interface CompletionNotifierOptions {
  /** Who watches which record; nobody by default. */
  readonly watchers?: RecordWatchers;
  /** `fal.notifications`, read at each call's end (default `all`). */
  readonly setting?: () => Notifications;
}

/** Clears `fal.sandboxUrl` (and picks the sandbox target), so calls go to the embedded sandbox. */
export const USE_EMBEDDED_SANDBOX_COMMAND = 'fal.useEmbeddedSandbox';

export class CompletionNotifier implements Disposable {
  /** Records seen running, by id. */
  private readonly running = new Set<string>();
  private readonly subscription: Disposable;
  readonly watchers: RecordWatchers;
  private readonly setting: () => Notifications;

  constructor(
    private readonly store: RequestStore,
    private readonly messages: Messages,
    options: CompletionNotifierOptions = {},
  ) {
    this.watchers = options.watchers ?? new RecordWatchers();
    this.setting = options.setting ?? (() => DEFAULT_NOTIFICATIONS);
    // Running when this window started (followed again after a reload): watched by nobody yet.
    for (const record of store.all()) if (!isFinal(record)) this.running.add(record.id);
    this.subscription = store.onDidChange((record) => record && this.onChange(record));
  }

  private onChange(record: RequestRecord): void {
    if (record.windowId !== undefined && record.windowId !== this.store.windowId) return;
    if (!isFinal(record)) {
      this.running.add(record.id);
      return;
    }
    if (!this.running.delete(record.id) || this.watchers.isWatched(record.id)) return;
    if (record.state === 'COMPLETED' && this.setting() === 'all') {
      this.messages.show({
        level: 'info',
        text: `${record.endpointId} completed in ${formatDuration(record)}.`,
        actions: [{ title: 'Open Output', command: 'fal.openResult', args: [record.id] }],
      });
    } else if (record.state === 'FAILED') {
      this.showFailure(record);
    }
  }

  /**
   * Says what went wrong with a call and what to do, with buttons to its input and to the output
   * channel; nothing when `fal.notifications` is `none`. Not awaited by callers: the call is over,
   * whether or not the message is answered.
   */
  showFailure(record: RequestRecord): void {
    if (!record.error || this.setting() === 'none') return;
    this.messages.show({
      level: 'error',
      text: `${record.endpointId}: ${describeError(record.error)}`,
      actions: [
        // A sandbox URL where nothing runs: one click clears the setting and calls go to the embedded sandbox.
        ...(record.error.remedy === 'use-embedded-sandbox'
          ? [{ title: 'Use the Embedded Sandbox', command: USE_EMBEDDED_SANDBOX_COMMAND }]
          : []),
        { title: 'Open Input', command: 'fal.openInput', args: [record.id] },
        { title: 'Show Output', command: 'fal.showOutput' },
      ],
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
