// The stream events of the call the playground shows, on the host side: the newest MAX_VIEW_EVENTS
// kept (with at most TRIM_EVERY more between cuts), and each event sent to the page once (a post carries only what the page has not had), so a
// long stream with growing partial outputs costs each update what it adds, not O(n²). Events go as
// their text (eventText: JSON cut at 2,000 characters), made only for those sent: the page shows text,
// and a final event that is a whole output of 10,000 keys costs it no parse, clone or layout of it all.
import { eventText } from './eventText';
import { MAX_VIEW_EVENTS } from './playgroundProtocol';

/** Events to send with a view, as text: those from index `from` (in the whole stream) of `count` in all. */
export interface ViewEvents {
  readonly events: readonly string[];
  readonly from: number;
  readonly count: number;
}

/** How many events past `max` the list holds before it is cut back (a copy per so many events, not per event). */
const TRIM_EVERY = 64;

export class StreamEvents {
  private held: unknown[] = [];
  private count = 0;
  /** How many of the stream's events the page has been sent since it last loaded. */
  private sent = 0;

  constructor(private readonly max = MAX_VIEW_EVENTS) {}

  /** Adds an event; the list is cut back to the newest `max` every TRIM_EVERY events (no copy per event). */
  add(event: unknown): void {
    this.held.push(event);
    if (this.held.length >= this.max + TRIM_EVERY) this.held = this.held.slice(this.held.length - this.max);
    this.count++;
  }

  /** The events the page has not had (all those held after `pageReloaded`), marked as sent. */
  take(): ViewEvents {
    const kept = Math.min(this.held.length, this.max);
    const from = Math.max(this.sent, this.count - kept);
    this.sent = this.count;
    return {
      events: this.held.slice(this.held.length - (this.count - from)).map(eventText),
      from,
      count: this.count,
    };
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
