// How a request record reads to a person: its state ("queued · position 2", "completed · 1.23 s"),
// why it waits ("queued 45 s · position 3, unchanged for 40 s · starts within 25 s or fails"), the
// time it took, how many log lines it holds, and an error with what to do. One wording for the tree,
// the output channel, notifications, the playground page and the Diagnose Request document.
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

/** What `describeQueueWait` reads of a record (the playground page gets just this). */
export type QueueWaitFacts = Pick<
  RequestRecord,
  'state' | 'createdAt' | 'queuePosition' | 'queue' | 'platform'
>;

/** A span of time as people say it: "0 s", "40 s", "2 m 05 s", "1 h 02 m". */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ${two(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${two(Math.floor(seconds / 60) % 60)} m`;
}

/** A position that changed this recently is "moving"; after that it is "unchanged for ...". */
export const POSITION_MOVING_MS = 10_000;

/**
 * Why a queued request has not started, at `now`: its time in the queue, its position and whether it
 * moves, and with a start timeout the time left before fal fails it. E.g. "queued 45 s · position 3,
 * unchanged for 40 s · starts within 25 s or fails". Undefined when the request is not queued.
 */
export function describeQueueWait(facts: QueueWaitFacts, now: number): string | undefined {
  if (facts.state !== 'IN_QUEUE') return undefined;
  const queue = facts.queue;
  const parts = [queue ? `queued ${formatSpan(now - queue.enteredAt)}` : 'queued'];
  const position = facts.queuePosition ?? queue?.lastPosition;
  if (position !== undefined) {
    const since = queue ? now - queue.positionChangedAt : undefined;
    if (since === undefined) parts.push(`position ${position}`);
    else if (queue && queue.positionChanges > 0 && since < POSITION_MOVING_MS) {
      parts.push(`position ${position}, moving (from ${queue.firstPosition ?? '?'})`);
    } else parts.push(`position ${position}, unchanged for ${formatSpan(since)}`);
  }
  const startTimeout = facts.platform?.startTimeout;
  if (startTimeout !== undefined) {
    const left = facts.createdAt + startTimeout * 1000 - now;
    parts.push(left > 0 ? `starts within ${formatSpan(left)} or fails` : 'start timeout passed, fails soon');
  }
  return parts.join(' · ');
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
