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
  data: T;
  /** `x-fal-request-id`, or "". */
  requestId: string;
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
