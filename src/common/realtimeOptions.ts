// The realtime session's options, checked one way for the page (as they are typed) and the host (as
// they arrive): max buffering is fal's `max_buffering` (1 to 60, or the server's default), the
// throttle a whole number of milliseconds (0: every send goes).
import type { RealtimeSessionOptions } from './playgroundProtocol';

export const MAX_BUFFERING_LIMIT = 60;
export const MAX_THROTTLE_MS = 60_000;

/** What is wrong with the options, or undefined when they are good. */
export function checkRealtimeOptions({
  maxBuffering,
  throttleMs,
}: RealtimeSessionOptions): string | undefined {
  if (
    maxBuffering !== undefined &&
    (!Number.isInteger(maxBuffering) || maxBuffering < 1 || maxBuffering > MAX_BUFFERING_LIMIT)
  )
    return `Max buffering is a whole number from 1 to ${MAX_BUFFERING_LIMIT}, or empty for the server default.`;
  if (!Number.isInteger(throttleMs) || throttleMs < 0 || throttleMs > MAX_THROTTLE_MS)
    return `Throttle is a whole number of milliseconds from 0 to ${MAX_THROTTLE_MS}.`;
  return undefined;
}
