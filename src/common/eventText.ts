// One stream event or realtime frame as a line of text, for the output channel and the playground's
// events view alike: its JSON, cut at MAX_EVENT_CHARS (a final event can be a whole output of
// hundreds of kilobytes, which neither a log line nor a row of the page should carry whole).
import { cutText } from './cutText';

/** The longest an event's JSON is shown. */
export const MAX_EVENT_CHARS = 2000;

/** `value` as one line of JSON, cut at MAX_EVENT_CHARS with its whole length said. */
export function eventText(value: unknown): string {
  return cutText(JSON.stringify(value) ?? String(value), MAX_EVENT_CHARS);
}
