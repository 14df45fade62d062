// The one place that decides how a record may change: which state may follow which, and what a
// change of state brings with it (an end time, no queue position once out of the queue, a start
// time once running). The store applies every patch through `transition`, so an illegal change (a
// finished request coming back to life, a late status after a cancel) is refused here, whoever asks.
import { isFinal, type RequestRecord, type RequestState } from '../common/callModel';

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
  if (isFinal(record)) {
    if (to !== undefined && to !== record.state) return undefined;
    const facts = Object.entries(patch).filter(([key]) => FINAL_FACTS.has(key));
    if (facts.length === 0) return undefined;
    return { ...(Object.fromEntries(facts) as RecordPatch), updatedAt: now };
  }
  if (to === undefined || to === record.state) return { ...patch, updatedAt: now };
  if (!canMove(record.state, to)) return undefined;
  const next: RecordPatch = { ...patch, updatedAt: now };
  if (isFinal({ state: to })) {
    next.completedAt = patch.completedAt ?? now;
    next.queuePosition = undefined;
  } else if (to === 'IN_PROGRESS') {
    next.queuePosition = undefined;
    if (record.startedAt === undefined && patch.startedAt === undefined) next.startedAt = now;
  }
  return next;
}
