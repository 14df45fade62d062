// Retry policy with the official client's semantics (fal-js retry.ts and the per-call table in
// fal-protocol.md §3): which statuses for which call, exponential backoff with ±25 % jitter,
// transport errors retried, user timeouts and aborts never; plus `Retry-After`, which fal-js ignores.
import { ApiError } from './errors';

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  retryableStatusCodes: readonly number[];
}

/** Client-wide overrides (e.g. a fast base delay in tests); per-call defaults stay official. */
export interface RetryOptions {
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Called before each retry's wait, with the attempt about to be made (1-based). */
  onRetry?: (info: { attempt: number; error: unknown; delayMs: number; url: string }) => void;
}

export const DEFAULT_RETRYABLE_STATUS_CODES: readonly number[] = [429, 502, 503, 504];

/** cancel, tokens, storage initiate. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  retryableStatusCodes: DEFAULT_RETRYABLE_STATUS_CODES,
};
export const RUN_RETRY: RetryPolicy = { ...DEFAULT_RETRY, baseDelayMs: 500, maxDelayMs: 15_000 };
/** submit, result. */
export const QUEUE_RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxDelayMs: 60_000 };
/** status: read-only, so retried harder, 500 included. */
export const STATUS_RETRY: RetryPolicy = {
  maxRetries: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  retryableStatusCodes: [...DEFAULT_RETRYABLE_STATUS_CODES, 500],
};
/** Streams: HTTP errors are reported, not retried; only transport errors before a reply are. */
export const STREAM_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retryableStatusCodes: [] };
export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY, maxRetries: 0 };

/** A per-call policy with the client-wide overrides applied. */
export function withOverrides(policy: RetryPolicy, overrides: RetryOptions | undefined): RetryPolicy {
  if (!overrides) return policy;
  return {
    ...policy,
    maxRetries: overrides.maxRetries ?? policy.maxRetries,
    baseDelayMs: overrides.baseDelayMs ?? policy.baseDelayMs,
    maxDelayMs: overrides.maxDelayMs ?? policy.maxDelayMs,
  };
}

const RETRYABLE_NETWORK_ERROR_CODES = new Set([
  'ECONNABORTED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Transient transport failures (resets, refused connections, DNS hiccups); never aborts or timeouts. */
export function isRetryableNetworkError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  let transport = false;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'AbortError' || name === 'TimeoutError') return false;
    if (typeof code === 'string' && RETRYABLE_NETWORK_ERROR_CODES.has(code)) transport = true;
    if (typeof message === 'string' && /socket hang up|fetch failed/i.test(message)) transport = true;
    current = (current as { cause?: unknown }).cause;
  }
  return transport;
}

export function isRetryableError(error: unknown, policy: RetryPolicy): boolean {
  if (error instanceof ApiError) {
    if (error.isUserTimeout) return false;
    return policy.retryableStatusCodes.includes(error.status);
  }
  return isRetryableNetworkError(error);
}

/** min(base·2^attempt, max) ± 25 %; `attempt` starts at 0. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  const jitter = 0.25 * exponential * (random() * 2 - 1);
  return Math.max(0, exponential + jitter);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt + 1`: the server's `Retry-After` when given (capped at the
 * policy's max delay, so a hostile header cannot stall a call for hours), else the jittered backoff.
 */
export function retryDelay(attempt: number, error: unknown, policy: RetryPolicy): number {
  if (error instanceof ApiError) {
    const retryAfter = parseRetryAfter(error.headers['retry-after']);
    if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
  }
  return backoffDelay(attempt, policy);
}
