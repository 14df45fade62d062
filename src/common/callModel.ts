// The call model every layer shares: what a user asks for (CallSpec: endpoint, method, input,
// headers, platform options, webhook) and what the extension keeps of each call (RequestRecord: where
// it went, its live state, logs and metrics, how it ended). Plain data with no `vscode` and no Node,
// so the host, the store, the snippets and the playground page all speak of a call in one vocabulary.

/** fal's five ways to call an endpoint. */
export type CallMethod = 'run' | 'subscribe' | 'submit' | 'stream' | 'realtime';

export const CALL_METHODS: readonly CallMethod[] = ['run', 'subscribe', 'submit', 'stream', 'realtime'];

/** True for the five methods only (messages from the page and arguments from other commands). */
export function isCallMethod(value: unknown): value is CallMethod {
  return typeof value === 'string' && (CALL_METHODS as readonly string[]).includes(value);
}

/** Queue methods are followed by request id and can be picked up again after a reload. */
export function isQueueMethod(method: CallMethod): boolean {
  return method === 'subscribe' || method === 'submit';
}

/** The platform headers a call can set (see falHeaders.ts for the header each becomes). */
export interface PlatformOptions {
  /** `x-fal-no-retry: 1`. */
  readonly noRetry?: boolean;
  /** `x-fal-request-timeout` (seconds to start, > 1). */
  readonly startTimeout?: number;
  /** `x-fal-queue-priority` (queue methods). */
  readonly priority?: 'normal' | 'low';
  /** `x-fal-runner-hint`. */
  readonly hint?: string;
  /** false sends `x-fal-store-io: 0` (do not keep the request and response payloads). */
  readonly storeIo?: boolean;
}

/** A call as the user asked for it: what the runner makes, a record keeps, and snippets write out. */
export interface CallSpec {
  readonly endpointId: string;
  readonly method: CallMethod;
  readonly input: unknown;
  /** Custom headers sent with the call (a record keeps them with secret-looking values redacted). */
  readonly headers?: Record<string, string>;
  /** Platform headers (no-retry, request timeout, priority, runner hint, store-io). */
  readonly platform?: PlatformOptions;
  /** Submit only: where fal POSTs the result. */
  readonly webhookUrl?: string;
  /** The request of a `*.fal.json` file the call was made from, so its last run can be found and compared. */
  readonly requestFile?: RequestFileSource;
}

/** A request of a request file: the file's URI, the request's place in it, and its label ("echo.fal.json · fox"). */
export interface RequestFileSource {
  readonly uri: string;
  readonly index: number;
  readonly label: string;
}

/** A log line of a request, as fal's status replies carry them. */
export interface RequestLog {
  message: string;
  level: 'STDERR' | 'STDOUT' | 'ERROR' | 'INFO' | 'WARN' | 'DEBUG' | string;
  source: 'USER' | string;
  timestamp: string;
}

/** What fal measured of a request. */
export interface Metrics {
  inference_time: number | null;
}

export type RequestState =
  /** Sent, no answer yet (no request id). */
  'SUBMITTING' | 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export const FINAL_STATES: ReadonlySet<RequestState> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/** Where a request went, enough to reach it again after a reload. */
export type RecordTarget =
  { readonly kind: 'fal.ai' } | { readonly kind: 'sandbox' | 'embedded-sandbox'; readonly url: string };

/** A text naming a target, equal for equal targets (a key for maps of per-target facts). */
export function targetKey(target: RecordTarget): string {
  return target.kind === 'fal.ai' ? 'fal.ai' : `${target.kind} ${target.url}`;
}

export interface RequestError {
  /** What went wrong, in fal's words where it gave any. */
  readonly message: string;
  /** HTTP status, when a reply carried one. */
  readonly status?: number;
  /** fal's `detail` (a string, or the list of field errors of a 422). */
  readonly detail?: unknown;
  /** fal's category of the failure (`error_type`, `x-fal-error-type`), when it named one. */
  readonly errorType?: string;
  /** What the user can do about it. */
  readonly hint?: string;
  /** A fix the extension can make for the user, offered as a button with the error. */
  readonly remedy?: 'use-embedded-sandbox';
}

/** One state a record was in, and when it entered it. */
export interface StateChange {
  readonly state: RequestState;
  readonly at: number;
}

/** States a record's history keeps: the first, and the newest after it. */
export const MAX_STATE_HISTORY = 50;

/** How a request's stay in fal's queue went (its latest stay, if it was queued again). */
export interface QueueTiming {
  /** When it entered the queue. */
  readonly enteredAt: number;
  /** When it left the queue (started, or ended), once it has. */
  readonly leftAt?: number;
  /** The position it was first given, and the latest it had. */
  readonly firstPosition?: number;
  readonly lastPosition?: number;
  /** When the position last changed (or first became known). */
  readonly positionChangedAt: number;
  /** How many times the position changed. */
  readonly positionChanges: number;
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
  /** The newest log lines (at most MAX_RECORD_LOGS). */
  logs: RequestLog[];
  /** How many older log lines were dropped to keep `logs` bounded. */
  logsDropped?: number;
  metrics?: Metrics;
  startedAt?: number;
  completedAt?: number;
  output?: unknown;
  /**
   * The file (in `outputs/` beside the saved index) an output too large for the index is kept in;
   * the saved record carries this name instead of the output, read back by the store's `output(id)`.
   */
  outputFile?: string;
  /** True when the output could not be kept across reloads (not even in its own file). */
  outputDropped?: boolean;
  /**
   * An output too large to read (written to `outputFile` as it arrived, never parsed): the start of
   * its JSON text, and its size in bytes.
   */
  outputPreview?: string;
  outputBytes?: number;
  error?: RequestError;
  /** The window (extension host instance) that made the call and follows it. */
  windowId?: string;
  /** The states it went through with their times (bounded: MAX_STATE_HISTORY), set by `transition`. */
  history?: StateChange[];
  /** Its time in the queue and how its position moved, set by `transition`. */
  queue?: QueueTiming;
}

/** Log lines a record (and the client's subscribe) keeps; older ones are counted, not kept. */
export const MAX_RECORD_LOGS = 1000;

export const isFinal = (record: Pick<RequestRecord, 'state'>): boolean => FINAL_STATES.has(record.state);

/** The status fal answers for a request cancelled while queued or running. */
export const CANCELLED_STATUS = 499;
