// The timings the result view shows of a call: its round trip (sent to ended, or so far), its time in
// fal's queue, and the `inference_time` fal measured. Read from what a record keeps (created and
// completed times, queue timing, metrics). Pure: the host computes it, the page shows it.
import type { RequestRecord } from './callModel';

export interface CallTimings {
  /** From sending the call to its end, in ms (so far, while it runs). */
  readonly roundTripMs: number;
  /** Time spent in fal's queue, in ms (so far, while queued); absent for calls never queued. */
  readonly queueMs?: number;
  /** fal's `metrics.inference_time`, in seconds, when it gave one. */
  readonly inferenceSeconds?: number;
}

export function callTimings(
  record: Pick<RequestRecord, 'createdAt' | 'completedAt' | 'queue' | 'metrics'>,
  now: number,
): CallTimings {
  const end = record.completedAt ?? now;
  const queue = record.queue;
  const inference = record.metrics?.inference_time;
  return {
    roundTripMs: Math.max(0, end - record.createdAt),
    ...(queue ? { queueMs: Math.max(0, (queue.leftAt ?? end) - queue.enteredAt) } : {}),
    ...(typeof inference === 'number' && Number.isFinite(inference) ? { inferenceSeconds: inference } : {}),
  };
}

/** "Round trip 1.23 s · In queue 0.10 s · Inference 0.98 s" (the parts known). */
export function describeTimings(t: CallTimings): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `Round trip ${s(t.roundTripMs)}`,
    ...(t.queueMs !== undefined ? [`In queue ${s(t.queueMs)}`] : []),
    ...(t.inferenceSeconds !== undefined ? [`Inference ${t.inferenceSeconds.toFixed(2)} s`] : []),
  ].join(' · ');
}
