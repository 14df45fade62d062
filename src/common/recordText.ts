// How a request record reads to a person: its state ("queued · position 2", "completed · 1.23 s"),
// the time it took, how many log lines it holds, and an error with what to do. One wording for the tree, the output channel,
// notifications and the playground page.
import type { RequestError, RequestRecord } from './callModel';

/** How long a call took (or has taken so far), from its start (or creation) to its end, e.g. "1.23 s". */
export function formatDuration(
  record: Pick<RequestRecord, 'startedAt' | 'createdAt' | 'completedAt'>,
): string {
  const end = record.completedAt ?? Date.now();
  return `${((end - (record.startedAt ?? record.createdAt)) / 1000).toFixed(2)} s`;
}

/** "submitting", "queued · position 2", "in progress", "completed · 1.23 s", "failed · 422", "cancelled". */
export function describeState(record: RequestRecord): string {
  switch (record.state) {
    case 'SUBMITTING':
      return 'submitting';
    case 'IN_QUEUE':
      return record.queuePosition === undefined ? 'queued' : `queued · position ${record.queuePosition}`;
    case 'IN_PROGRESS':
      return 'in progress';
    case 'COMPLETED':
      return `completed · ${formatDuration(record)}`;
    case 'FAILED':
      return record.error?.status ? `failed · ${record.error.status}` : 'failed';
    case 'CANCELLED':
      return 'cancelled';
  }
}

/** How many log lines a record holds: "12", or "1,000 newest of 1,234" once older ones were dropped. */
export function describeLogCount(record: Pick<RequestRecord, 'logs' | 'logsDropped'>): string {
  const kept = record.logs.length;
  const dropped = record.logsDropped ?? 0;
  const count = (n: number) => n.toLocaleString('en-US');
  return dropped > 0 ? `${count(kept)} newest of ${count(kept + dropped)}` : count(kept);
}

/** A one-line account of an error, for messages and the output channel. */
export function describeError(error: RequestError): string {
  if (!error.hint) return error.message;
  return /[.!?]$/.test(error.message) ? `${error.message} ${error.hint}` : `${error.message}. ${error.hint}`;
}

/**
 * Server text made safe for a notification, which renders `[text](link)` as a link (command links
 * included): the link syntax is broken up so an endpoint's words stay words.
 */
export function withoutLinks(text: string): string {
  return text.replace(/\]\s*\(/g, '] (');
}
