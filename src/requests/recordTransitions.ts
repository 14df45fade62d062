// The one place that decides how a record may change: which state may follow which, and what a
// change of state brings with it (an end time, no queue position once out of the queue, a start
// time once running). The store applies every patch through `transition`, so an illegal change (a
// finished request coming back to life, a late status after a cancel) is refused here, whoever asks.
// Seeing every patch, it also keeps the record's state history and its queue timing.
import {
  isFinal,
  MAX_STATE_HISTORY,
  type QueueTiming,
  type RequestRecord,
  type RequestState,
  type StateChange,
} from '../common/callModel';

export type RecordPatch = Partial<Omit<RequestRecord, 'id' | 'createdAt' | 'target'>>;

/** The states each state may move to (staying put is always allowed while running). */
const NEXT: Record<RequestState, readonly RequestState[]> = {
  SUBMITTING: ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'],
  // A queue request that a failed runner gave back is queued again.
  IN_QUEUE: ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'],
  IN_PROGRESS: ['IN_QUEUE', 'COMPLETED', 'FAILED', 'CANCELLED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return from === to ? !isFinal({ state: from }) : NEXT[from].includes(to);
}

/** What a finished record may still learn: facts about it, never new results (a late stream event). */
const FINAL_FACTS: ReadonlySet<string> = new Set<keyof RecordPatch>([
  'requestId',
  'outputFile',
  'outputDropped',
  'windowId',
  'updatedAt',
]);

/**
 * The patch to apply to `record`, completed with what its change of state implies; undefined when
 * the change is not allowed. A finished record takes no new state and no new output, logs or
 * metrics, only facts about it (fal's request id after a cancel, an output kept in a file).
 */
export function transition(
  record: RequestRecord,
  patch: RecordPatch,
  now = Date.now(),
): RecordPatch | undefined {
  const to = patch.state;
  // A version as much as a time: two changes in the same millisecond get different ones (windows
  // sharing the store tell an unchanged copy of a record by it, requestStore.ts).
  const updatedAt = Math.max(now, (record.updatedAt ?? 0) + 1);
  if (isFinal(record)) {
    if (to !== undefined && to !== record.state) return undefined;
    const facts = Object.entries(patch).filter(([key]) => FINAL_FACTS.has(key));
    if (facts.length === 0) return undefined;
    return { ...(Object.fromEntries(facts) as RecordPatch), updatedAt };
  }
  if (to === undefined || to === record.state) return withQueueTiming(record, { ...patch, updatedAt }, now);
  if (!canMove(record.state, to)) return undefined;
  const next: RecordPatch = { ...patch, updatedAt, history: withState(record, to, now) };
  if (isFinal({ state: to })) {
    next.completedAt = patch.completedAt ?? now;
    next.queuePosition = undefined;
  } else if (to === 'IN_PROGRESS') {
    next.queuePosition = undefined;
    if (record.startedAt === undefined && patch.startedAt === undefined) next.startedAt = now;
  }
  return withQueueTiming(record, next, now);
}

/** The record's history with `state` entered at `now`: its first state kept, then the newest. */
function withState(record: RequestRecord, state: RequestState, now: number): StateChange[] {
  const before = record.history?.length ? record.history : [{ state: record.state, at: record.createdAt }];
  const all = [...before, { state, at: now }];
  return all.length <= MAX_STATE_HISTORY ? all : [all[0], ...all.slice(all.length - MAX_STATE_HISTORY + 1)];
}

/**
 * `next` with the queue timing its change implies: entering the queue starts a stay, a new position
 * while queued marks the change, leaving the queue ends the stay.
 */
function withQueueTiming(record: RequestRecord, next: RecordPatch, now: number): RecordPatch {
  const from = record.state;
  const to = next.state ?? from;
  const position = next.queuePosition;
  const timing = record.queue;
  let queue: QueueTiming | undefined;
  if (to === 'IN_QUEUE' && (from !== 'IN_QUEUE' || !timing)) {
    queue = {
      enteredAt: now,
      firstPosition: position,
      lastPosition: position,
      positionChangedAt: now,
      positionChanges: 0,
    };
  } else if (to === 'IN_QUEUE' && timing && position !== undefined && position !== timing.lastPosition) {
    const known = timing.lastPosition !== undefined;
    queue = {
      ...timing,
      firstPosition: timing.firstPosition ?? position,
      lastPosition: position,
      positionChangedAt: now,
      positionChanges: timing.positionChanges + (known ? 1 : 0),
    };
  } else if (from === 'IN_QUEUE' && to !== 'IN_QUEUE' && timing) {
    queue = { ...timing, leftAt: now };
  }
  return queue ? { ...next, queue } : next;
}
