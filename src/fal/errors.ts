// The errors the protocol client raises, shaped like the official @fal-ai/client's (ApiError,
// ValidationError) so callers can branch on them the same way, plus the few failures the official
// client reports loosely (timeouts, aborts, malformed responses) given names of their own.
import { FAL_HEADERS } from '../common/falHeaders';

/** One entry of a FastAPI/Pydantic-style `detail` array, as fal's 422 bodies carry. */
export interface ValidationErrorInfo {
  loc: Array<string | number>;
  msg: string;
  type: string;
  [extra: string]: unknown;
}

export interface ApiErrorArgs {
  message: string;
  status: number;
  body?: unknown;
  requestId?: string;
  timeoutType?: string;
  headers?: Record<string, string | string[] | undefined>;
  url?: string;
}

/** A non-2xx reply from a fal host. */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** `x-fal-request-id` of the reply, or "". */
  readonly requestId: string;
  /** `x-fal-request-timeout-type` of the reply (`user` for a caller's own start timeout). */
  readonly timeoutType: string | undefined;
  /** The reply's headers (lower-cased names). */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly url: string | undefined;

  constructor(args: ApiErrorArgs) {
    super(args.message);
    this.name = 'ApiError';
    this.status = args.status;
    this.body = args.body;
    this.requestId = args.requestId ?? '';
    this.timeoutType = args.timeoutType;
    this.headers = args.headers ?? {};
    this.url = args.url;
  }

  /**
   * fal's machine-readable category of the failure (`request_timeout`, `runner_disconnected`...):
   * `body.error_type`, else the `x-fal-error-type` header, as the Python client reads it.
   */
  get errorType(): string | undefined {
    const fromBody = isRecord(this.body) ? this.body.error_type : undefined;
    if (typeof fromBody === 'string' && fromBody) return fromBody;
    const header = this.headers[FAL_HEADERS.errorType];
    const value = Array.isArray(header) ? header[0] : header;
    return value || undefined;
  }

  /** A 504 caused by the caller's own `startTimeout`: never retried. */
  get isUserTimeout(): boolean {
    return this.status === 504 && this.timeoutType === 'user';
  }
}

/** A 422 with a JSON body: the input did not validate. */
export class ValidationError extends ApiError {
  constructor(args: ApiErrorArgs) {
    super(args);
    this.name = 'ValidationError';
  }

  get fieldErrors(): ValidationErrorInfo[] {
    const detail = isRecord(this.body) ? this.body.detail : undefined;
    if (typeof detail === 'string') return [{ loc: ['body'], msg: detail, type: 'value_error' }];
    return Array.isArray(detail) ? (detail as ValidationErrorInfo[]) : [];
  }

  /** The errors whose `loc` ends with `field`. */
  getFieldErrors(field: string): ValidationErrorInfo[] {
    return this.fieldErrors.filter((e) => Array.isArray(e.loc) && e.loc[e.loc.length - 1] === field);
  }
}

/** The client's own deadline ran out (the `timeout` option of a call). Never retried. */
export class FalTimeoutError extends Error {
  readonly timeoutMs: number;
  readonly requestId: string | undefined;
  constructor(message: string, timeoutMs: number, requestId?: string) {
    super(message);
    this.name = 'TimeoutError';
    this.timeoutMs = timeoutMs;
    this.requestId = requestId;
  }
}

/** The call was aborted through its `abortSignal` (or `abort()`). Never retried. */
export class FalAbortError extends Error {
  constructor(message = 'The request was aborted') {
    super(message);
    this.name = 'AbortError';
  }
}

/** A 2xx reply the client could not use: invalid JSON, or a body cut short. */
export class ProtocolError extends Error {
  readonly status: number;
  readonly requestId: string;
  readonly url: string;
  constructor(message: string, args: { status: number; requestId?: string; url: string; cause?: unknown }) {
    super(message, args.cause === undefined ? undefined : { cause: args.cause });
    this.name = 'ProtocolError';
    this.status = args.status;
    this.requestId = args.requestId ?? '';
    this.url = args.url;
  }
}

/**
 * The message of an error reply: `body.message`, else `detail` (a string, or the first entries'
 * `msg` joined), else `HTTP <status>[: <status text>]`.
 */
export function errorMessage(status: number, body: unknown, statusText?: string): string {
  if (isRecord(body)) {
    if (typeof body.message === 'string' && body.message) return body.message;
    const detail = body.detail;
    if (typeof detail === 'string' && detail) return detail;
    if (Array.isArray(detail) && detail.length > 0) {
      const msgs = detail
        .slice(0, 3)
        .map((d) => (isRecord(d) ? describeDetail(d) : typeof d === 'string' ? d : ''))
        .filter(Boolean);
      if (msgs.length > 0)
        return msgs.join('; ') + (detail.length > 3 ? ` (+${detail.length - 3} more)` : '');
    }
  }
  return `HTTP ${status}${statusText ? `: ${statusText}` : ''}`;
}

function describeDetail(d: Record<string, unknown>): string {
  const msg = typeof d.msg === 'string' ? d.msg : '';
  const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '';
  return loc && msg ? `${loc}: ${msg}` : msg;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A transport failure (reset, refused, hang-up...), naming the call; keeps the system `code`. */
export class NetworkError extends Error {
  readonly code: string | undefined;
  readonly url: string;
  /**
   * The request went out on a kept-alive connection and was reset before any reply: most often one
   * the server had just closed for idling, which the request never reached (it may have, though:
   * only reads are sent again for it).
   */
  readonly staleConnection: boolean;
  constructor(method: string, url: string, cause: unknown, staleConnection = false) {
    const inner = cause instanceof Error ? cause.message : String(cause);
    super(`${method} ${url} failed: ${inner}`, { cause });
    this.name = 'NetworkError';
    this.url = url;
    this.staleConnection = staleConnection;
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}
