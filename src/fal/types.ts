// The shapes of fal's queue replies and of the client's call options and results, in the official
// client's vocabulary (fal-js types/common.ts), shared by the queue, streaming and client modules.

import type { Metrics, RequestLog } from '../common/callModel';

export type { Metrics, RequestLog };

interface BaseQueueStatus {
  status: string;
  request_id: string;
  response_url: string;
  status_url: string;
  cancel_url: string;
  logs?: RequestLog[] | null;
  /**
   * Set by this client's `subscribeToStatus` (not by fal): how many older lines are no longer in
   * `logs`, which keeps at most the newest MAX_RECORD_LOGS (1,000).
   */
  logsDropped?: number;
}

export interface InQueueQueueStatus extends BaseQueueStatus {
  status: 'IN_QUEUE';
  queue_position: number;
}

export interface InProgressQueueStatus extends BaseQueueStatus {
  status: 'IN_PROGRESS';
  logs: RequestLog[] | null;
}

export interface CompletedQueueStatus extends BaseQueueStatus {
  status: 'COMPLETED';
  logs: RequestLog[] | null;
  metrics?: Metrics;
  /** fal's message, when the request failed (the result call then answers the error). */
  error?: string;
  /** fal's category of the failure (`runner_disconnected`...), from the body or `x-fal-error-type`. */
  error_type?: string;
}

export type QueueStatus = InQueueQueueStatus | InProgressQueueStatus | CompletedQueueStatus;

/** What run, subscribe and result resolve to. */
export interface Result<T> {
  /** The reply's body; undefined when it was spooled to a file (`spooled`). */
  data: T;
  /** `x-fal-request-id`, or "". */
  requestId: string;
  /** Where a JSON reply larger than the call's `spool.aboveBytes` was written instead of being read. */
  spooled?: SpooledBody;
}

/**
 * Large replies written to a file as they arrive, never held or parsed in memory, so a 100 MB
 * result does not stall the process reading it.
 */
export interface SpoolOptions {
  /** A JSON reply with more bytes than this goes to `file`. */
  aboveBytes: number;
  /** Where (written as `<file>.part`, renamed once complete). Its folder is created if needed. */
  file: string;
  /** How many bytes of the start of the body `preview` keeps. */
  previewBytes: number;
}

export interface SpooledBody {
  readonly file: string;
  readonly bytes: number;
  /** The first `previewBytes` of the body, as text. */
  readonly preview: string;
  readonly contentType: string;
}

export type QueuePriority = 'low' | 'normal';
export type Headers = Record<string, string>;

export interface RunOptions<Input = unknown> {
  input?: Input;
  /** HTTP verb (default POST); with GET the input goes into the query string. */
  method?: string;
  /** Extra sub-path appended to the endpoint URL. */
  path?: string;
  headers?: Headers;
  abortSignal?: AbortSignal;
  /** Client-side deadline for the whole call (all retries), in ms. */
  timeout?: number;
  /** Server-side start deadline in seconds (> 1), sent as `x-fal-request-timeout`. */
  startTimeout?: number;
  /** Writes a large JSON reply to a file instead of reading it (`Result.spooled`). */
  spool?: SpoolOptions;
}

export interface SubmitOptions<Input = unknown> {
  input?: Input;
  method?: string;
  path?: string;
  webhookUrl?: string;
  priority?: QueuePriority;
  hint?: string;
  startTimeout?: number;
  headers?: Headers;
  abortSignal?: AbortSignal;
}

export interface BaseRequestOptions {
  requestId: string;
  abortSignal?: AbortSignal;
}

export interface ResultOptions extends BaseRequestOptions {
  /** Writes a large JSON reply to a file instead of reading it (`Result.spooled`). */
  spool?: SpoolOptions;
}

export interface StatusOptions extends BaseRequestOptions {
  logs?: boolean;
}

export type SubscribeMode = 'streaming' | 'polling';

export interface QueueStatusSubscriptionOptions extends StatusOptions {
  /**
   * Each status seen. Its `logs` are every line so far, as when polling (at most the newest 1,000,
   * `logsDropped` counting the older ones), or with `newLogsOnly` only the lines new since the
   * previous update.
   */
  onQueueUpdate?: (status: QueueStatus) => void;
  /** Give `onQueueUpdate` only the new log lines (the client then keeps none). Default false. */
  newLogsOnly?: boolean;
  /** `streaming` (default): follow the status SSE stream, falling back to polling if it breaks. */
  mode?: SubscribeMode;
  /** Polling interval in ms (default 500). */
  pollInterval?: number;
  /** Client-side deadline in ms: on expiry the request is cancelled and the call rejects. */
  timeout?: number;
}

export interface SubscribeOptions<Input = unknown>
  extends SubmitOptions<Input>, Omit<QueueStatusSubscriptionOptions, 'requestId'> {
  onEnqueue?: (requestId: string) => void;
}

export interface StreamOptions<Input = unknown> {
  input?: Input;
  method?: string;
  /** Sub-path for the stream (default `/stream`, unless the id already ends with it). */
  path?: string;
  headers?: Headers;
  abortSignal?: AbortSignal;
  /** Fail when no byte arrives for this long, in ms (off by default). */
  idleTimeout?: number;
}
