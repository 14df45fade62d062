// fal's platform request headers (priority, runner hint, start timeout) built from call options the
// way fal-js does: user headers lower-cased first, explicit options on top.
import type { Headers, QueuePriority } from './types';

export const QUEUE_PRIORITY_HEADER = 'x-fal-queue-priority';
export const RUNNER_HINT_HEADER = 'x-fal-runner-hint';
export const REQUEST_TIMEOUT_HEADER = 'x-fal-request-timeout';
export const MIN_REQUEST_TIMEOUT_SECONDS = 1;

export function lowerCaseHeaders(headers: Headers | undefined): Headers {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** `x-fal-request-timeout` for a start timeout in seconds, which must be a number > 1. */
export function buildTimeoutHeaders(startTimeout: number | undefined): Headers {
  if (startTimeout === undefined) return {};
  if (typeof startTimeout !== 'number' || Number.isNaN(startTimeout)) {
    throw new Error(`Timeout must be a number, got ${String(startTimeout)}`);
  }
  if (startTimeout <= MIN_REQUEST_TIMEOUT_SECONDS) {
    throw new Error(`Timeout must be greater than ${MIN_REQUEST_TIMEOUT_SECONDS} seconds`);
  }
  return { [REQUEST_TIMEOUT_HEADER]: startTimeout.toString() };
}

export function buildQueueHeaders(options: {
  headers?: Headers;
  priority?: QueuePriority;
  hint?: string;
  startTimeout?: number;
}): Headers {
  if (options.priority !== undefined && options.priority !== 'low' && options.priority !== 'normal') {
    throw new Error(`Invalid priority ${JSON.stringify(options.priority)}: must be "normal" or "low"`);
  }
  return {
    ...lowerCaseHeaders(options.headers),
    [QUEUE_PRIORITY_HEADER]: options.priority ?? 'normal',
    ...(options.hint ? { [RUNNER_HINT_HEADER]: options.hint } : {}),
    ...buildTimeoutHeaders(options.startTimeout),
  };
}
