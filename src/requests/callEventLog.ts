// What the log says of a call's streamed events and realtime frames, as `fal.output.events` asks:
// `all` a line for each (`sandbox/text event 3: {...}`), `summary` only their count on the call's last
// line (`completed in 1.23 s · 10,000 events`), `none` nothing about them. Counts are kept per call
// from `begin` to `end`; what comes after a call ended (a stream aborted by a cancel) is not told.
import { eventText } from '../common/eventText';
import type { Logger } from '../common/messages';

export const OUTPUT_EVENTS = ['all', 'summary', 'none'] as const;
export type OutputEvents = (typeof OUTPUT_EVENTS)[number];
export const DEFAULT_OUTPUT_EVENTS: OutputEvents = 'all';

/** A stream's event, or a realtime frame in either direction. */
export type CallEventKind = 'event' | 'frame sent' | 'frame received';

export class CallEventLog {
  /** Per call under way: how many of each kind so far. */
  private readonly counts = new Map<string, Map<CallEventKind, number>>();

  constructor(
    private readonly log: Logger,
    /** Read at each event and at each call's end, so a changed setting applies at once. */
    private readonly mode: () => OutputEvents,
  ) {}

  begin(id: string): void {
    if (!this.counts.has(id)) this.counts.set(id, new Map());
  }

  /** One event of the call `id` (to `endpointId`); ignored once the call has ended. */
  event(id: string, endpointId: string, kind: CallEventKind, value: unknown): void {
    const counts = this.counts.get(id);
    if (!counts) return;
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    if (this.mode() === 'all') this.log.info(`${endpointId} ${kind} ${n}: ${eventText(value)}`);
  }

  /**
   * Forgets the call, and says what its last line adds: " · 10,000 events" (" · 1 frame sent,
   * 1 frame received"), or nothing when it had none or the setting is `none`.
   */
  end(id: string): string {
    const counts = this.counts.get(id);
    this.counts.delete(id);
    if (!counts || counts.size === 0 || this.mode() === 'none') return '';
    const parts = [...counts].map(([kind, n]) => {
      const [noun, direction] = kind.split(' ');
      return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}${direction ? ` ${direction}` : ''}`;
    });
    return ` · ${parts.join(', ')}`;
  }
}
