// The official clients' call options (priority, hint, startTimeout) as fal's platform headers, the
// way fal-js builds them: user headers lower-cased first, explicit options on top. The header names
// and the mapping itself are common/falHeaders.ts; this adds the client's checks and defaults.
import { FAL_HEADERS, platformHeaders } from '../common/falHeaders';
import type { Headers, QueuePriority } from './types';

export const QUEUE_PRIORITY_HEADER = FAL_HEADERS.queuePriority;
export const RUNNER_HINT_HEADER = FAL_HEADERS.runnerHint;
export const REQUEST_TIMEOUT_HEADER = FAL_HEADERS.requestTimeout;
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
  return platformHeaders({ startTimeout }, 'run');
}

/**
 * The headers of a queue submit. Priority is the option when given, else a priority header the
 * caller set, else `normal`.
 */
export function buildQueueHeaders(options: {
  headers?: Headers;
  priority?: QueuePriority;
  hint?: string;
  startTimeout?: number;
}): Headers {
  if (options.priority !== undefined && options.priority !== 'low' && options.priority !== 'normal') {
    throw new Error(`Invalid priority ${JSON.stringify(options.priority)}: must be "normal" or "low"`);
  }
  const headers = lowerCaseHeaders(options.headers);
  const priority = options.priority ?? (headers[QUEUE_PRIORITY_HEADER] === 'low' ? 'low' : 'normal');
  return {
    ...headers,
    ...platformHeaders({ priority, hint: options.hint || undefined }, 'submit'),
    ...buildTimeoutHeaders(options.startTimeout),
  };
}
