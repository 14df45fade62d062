// What the extension keeps of each call it makes: endpoint, method, input, where it went, its live
// state (queue position, logs, metrics) and how it ended (output or error). Plain data, so the store
// can persist it in workspace state and pick the tracking up again after a window reload.
import { InvalidEndpointIdError } from '../fal/endpointId';
import { ApiError, NetworkError, ValidationError } from '../fal/errors';
import type { Metrics, RequestLog } from '../fal/types';
import type { PlatformOptions } from '../webview/protocol';

export type CallMethod = 'run' | 'subscribe' | 'submit' | 'stream' | 'realtime';

export type RequestState =
  /** Sent, no answer yet (no request id). */
  'SUBMITTING' | 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** Where a request went, enough to reach it again after a reload. */
export type RecordTarget =
  { readonly kind: 'fal.ai' } | { readonly kind: 'sandbox' | 'embedded-sandbox'; readonly url: string };

export interface RequestError {
  /** What went wrong, in fal's words where it gave any. */
  readonly message: string;
  /** HTTP status, when a reply carried one. */
  readonly status?: number;
  /** fal's `detail` (a string, or the list of field errors of a 422). */
  readonly detail?: unknown;
  /** What the user can do about it. */
  readonly hint?: string;
}

/** A call as the user asked for it: what the runner makes, a record keeps, and snippets write out. */
export interface CallSpec {
  readonly endpointId: string;
  readonly method: CallMethod;
  readonly input: unknown;
  /** Custom headers sent with the call. */
  readonly headers?: Record<string, string>;
  /** Platform headers (no-retry, request timeout, priority, runner hint, store-io). */
  readonly platform?: PlatformOptions;
  /** Submit only: where fal POSTs the result. */
  readonly webhookUrl?: string;
}

export interface RequestRecord extends CallSpec {
  /** The extension's own id for the record (fal's id may come later, or never for a failed submit). */
  readonly id: string;
  readonly target: RecordTarget;
  readonly createdAt: number;
  updatedAt: number;
  state: RequestState;
  /** fal's request id (queue), or the `x-fal-request-id` of a direct call. */
  requestId?: string;
  queuePosition?: number;
  logs: RequestLog[];
  metrics?: Metrics;
  startedAt?: number;
  completedAt?: number;
  output?: unknown;
  /** True when the output was too large to keep across reloads and must be fetched again. */
  outputDropped?: boolean;
  error?: RequestError;
}

export const FINAL_STATES: ReadonlySet<RequestState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export const isFinal = (record: RequestRecord): boolean => FINAL_STATES.has(record.state);

/** How long a call took (or has taken so far), from its start (or creation) to its end, e.g. "1.23 s". */
export function formatDuration(record: RequestRecord): string {
  const end = record.completedAt ?? Date.now();
  return `${((end - (record.startedAt ?? record.createdAt)) / 1000).toFixed(2)} s`;
}

/** The status fal answers for a request cancelled while queued or running. */
export const CANCELLED_STATUS = 499;

/** Turns whatever a call threw into what the record keeps and the user reads: what, and what to do. */
export function toRequestError(err: unknown): RequestError {
  if (err instanceof ValidationError) {
    return {
      message: `The input did not validate: ${err.message}`,
      status: err.status,
      detail: (err.body as { detail?: unknown } | undefined)?.detail,
      hint: 'Fix the fields named and call again.',
    };
  }
  if (err instanceof ApiError) {
    const detail = (err.body as { detail?: unknown } | undefined)?.detail;
    return {
      message: `${err.status}: ${err.message}`,
      status: err.status,
      detail,
      hint: hintFor(err),
    };
  }
  if (err instanceof InvalidEndpointIdError) {
    return { message: err.message, hint: 'An endpoint id looks like owner/app or owner/app/sub/path.' };
  }
  if (err instanceof NetworkError) {
    return {
      message: err.message,
      hint: 'Check that the fal host (or the sandbox) is reachable, then call again.',
    };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

function hintFor(err: ApiError): string | undefined {
  if (err.status === 401 || err.status === 403) return 'Check your fal key: run "fal: Set API Key".';
  if (err.status === 404) return 'Check the endpoint id (owner/app[/path]).';
  if (err.status === 429) return 'fal is rate-limiting this key; wait a little and call again.';
  if (err.isUserTimeout)
    return 'The request did not start within its request timeout; raise it or try later.';
  if (err.status >= 500) return 'The endpoint or fal failed; call again, or look at the logs.';
  return undefined;
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
