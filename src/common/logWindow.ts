// A request's log lines kept bounded: the newest MAX_RECORD_LOGS lines and a count of the older ones
// dropped. One rule for the client's `subscribe` (src/fal/queue.ts) and the request records (the
// runner), so a job that logs a million lines costs neither of them more than a thousand.
import { withNewest } from './bounded';
import { MAX_RECORD_LOGS, type RequestLog } from './callModel';

export interface LogWindow {
  /** The newest lines, oldest first; never mutated once made (a new window is a new array). */
  readonly logs: RequestLog[];
  /** How many older lines are no longer in `logs`. */
  readonly dropped: number;
}

export const EMPTY_LOG_WINDOW: LogWindow = { logs: [], dropped: 0 };

/** The window once `lines` came after it: at most `max` newest lines, the others counted. */
export function appendLogs(
  window: LogWindow,
  lines: readonly RequestLog[],
  max: number = MAX_RECORD_LOGS,
): LogWindow {
  if (lines.length === 0) return window;
  const { items, dropped } = withNewest(window.logs, lines, max);
  return { logs: items, dropped: window.dropped + dropped };
}

/** Every line the window has seen, kept or dropped. */
export function logsSeen(window: LogWindow): number {
  return window.logs.length + window.dropped;
}
