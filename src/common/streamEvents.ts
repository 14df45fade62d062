// The stream events of the call the playground shows, on the host side: the newest MAX_VIEW_EVENTS
// kept, and each event sent to the page once (a post carries only what the page has not had), so a
// long stream with growing partial outputs costs each update what it adds, not O(n²).
import { withNewest } from './bounded';
import { MAX_VIEW_EVENTS } from './playgroundProtocol';

/** Events to send with a view: those from index `from` (in the whole stream) of `count` in all. */
export interface ViewEvents {
  readonly events: readonly unknown[];
  readonly from: number;
  readonly count: number;
}

export class StreamEvents {
  private held: unknown[] = [];
  private count = 0;
  /** How many of the stream's events the page has been sent since it last loaded. */
  private sent = 0;

  constructor(private readonly max = MAX_VIEW_EVENTS) {}

  add(event: unknown): void {
    this.held = withNewest(this.held, [event], this.max).items;
    this.count++;
  }

  /** The events the page has not had (all those held after `pageReloaded`), marked as sent. */
  take(): ViewEvents {
    const first = this.count - this.held.length;
    const from = Math.max(this.sent, first);
    this.sent = this.count;
    return { events: this.held.slice(from - first), from, count: this.count };
  }

  /** The page lost what it had (it loaded again): the next `take` sends everything held. */
  pageReloaded(): void {
    this.sent = 0;
  }

  /** A new call: no events. */
  clear(): void {
    this.held = [];
    this.count = 0;
    this.sent = 0;
  }
}
