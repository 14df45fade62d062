// Turns whatever a call threw (the protocol client's errors, an invalid id, a dropped connection)
// into what a request record keeps and the user reads: what went wrong and what to do about it.
// fal""s error types, its locked-account 403, the key, the concurrency limit, a start timeout and an
// expired result each get plain words and a hint here, in one table.
import { InvalidEndpointIdError } from '../common/endpointId';
import { isQueueMethod, type CallSpec, type RequestError } from '../common/callModel';
import {
  isInfraErrorType,
  isLockedAccountDetail,
  RESULT_EXPIRED_ERROR_TYPE,
  RESULT_EXPIRED_MESSAGE,
  type InfraErrorType,
  STORE_IO_OFF_LARGE_RETENTION_MS,
} from '../common/falErrorTypes';
import { ApiError, NetworkError, ValidationError } from '../fal/errors';

/** A failure the runner itself decides (a realtime call with no answer, a lost sandbox), with what to do. */
export class CallFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CallFailure';
  }
}

const CALL_AGAIN = "It is on fal's side, not in your input: call again.";

/** What each of fal""s infrastructure error types means, and what to do about it. */
const INFRA_WORDS: Record<InfraErrorType, { what: string; hint: string }> = {
  request_timeout: {
    what: 'fal timed the request out before it could be served',
    hint: `${CALL_AGAIN} If it keeps happening, the endpoint is congested; try later.`,
  },
  startup_timeout: {
    what: "The app's runner did not start in time",
    hint: `${CALL_AGAIN} A cold app can take long to start; a second call often finds it warm.`,
  },
  runner_scheduling_failure: {
    what: 'fal found no runner to serve the request',
    hint: `${CALL_AGAIN} fal is short of capacity for this app; wait a little first.`,
  },
  runner_connection_timeout: {
    what: "fal could not reach the app's runner in time",
    hint: CALL_AGAIN,
  },
  runner_disconnected: {
    what: "The app's runner went away while handling the request",
    hint: `${CALL_AGAIN} If it keeps happening, the app may be crashing on this input; look at its logs.`,
  },
  runner_connection_refused: {
    what: "The app's runner refused the connection",
    hint: CALL_AGAIN,
  },
};

/** What of the call (its record) the wording depends on. */
export type ErrorContext = Pick<CallSpec, 'method' | 'platform'> & {
  readonly requestId?: string;
  /** When the record last changed: a result cannot have expired sooner than 6 minutes after it. */
  readonly updatedAt?: number;
};

/**
 * Turns whatever a call threw into what the record keeps and the user reads: what, and what to do.
 * `call` (the record, when there is one) adds what the call was sent with: its start timeout, and
 * whether it asked fal not to store its payloads.
 */
export function toRequestError(err: unknown, call?: ErrorContext): RequestError {
  if (err instanceof CallFailure) return { message: err.message, hint: err.hint };
  if (err instanceof ValidationError) {
    return {
      message: `The input did not validate: ${err.message}`,
      status: err.status,
      detail: (err.body as { detail?: unknown } | undefined)?.detail,
      hint: 'Fix the fields named and call again.',
    };
  }
  if (err instanceof ApiError) return apiError(err, call);
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

function apiError(err: ApiError, call?: ErrorContext): RequestError {
  const detail = (err.body as { detail?: unknown } | undefined)?.detail;
  const errorType = err.errorType;
  const base = { status: err.status, detail, ...(errorType ? { errorType } : {}) };
  if (isExpiredResult(err, call)) return { ...base, message: RESULT_EXPIRED_MESSAGE };
  if (err.isUserTimeout) {
    const seconds = call?.platform?.startTimeout;
    return {
      ...base,
      message: `No runner started within ${seconds === undefined ? 'the start timeout' : `${seconds} s`} (the request's start timeout, 504)`,
      hint: 'Raise the start timeout, or call again when the endpoint is less busy.',
    };
  }
  if (isInfraErrorType(errorType)) {
    const words = INFRA_WORDS[errorType];
    return { ...base, message: `${words.what} (${err.status} ${errorType})`, hint: words.hint };
  }
  if (err.status === 403 && isLockedAccountDetail(detail)) {
    return {
      ...base,
      message: "fal has locked this account (billing): check your balance on fal's dashboard",
      hint: 'Top up or settle the account at fal, then call again; the key itself is fine.',
    };
  }
  return { ...base, message: `${err.status}: ${err.message}`, hint: hintFor(err) };
}

/**
 * A result fal no longer keeps. The sandbox marks its 404 with RESULT_EXPIRED_ERROR_TYPE; fal itself
 * answers a plain unknown-request 404, which a client cannot tell from any other. So a 404 is also
 * taken for an expired result when it can mean nothing else: the request has fal""s id already (fal
 * named it, so the id is not wrong), was sent with `x-fal-store-io: 0`, whose results fal drops, and
 * last changed at least the shortest retention window ago (else it cannot have expired yet).
 */
function isExpiredResult(err: ApiError, call?: ErrorContext): boolean {
  if (err.status !== 404) return false;
  if (err.errorType === RESULT_EXPIRED_ERROR_TYPE) return true;
  if (!call?.requestId || !isQueueMethod(call.method) || call.platform?.storeIo !== false) return false;
  // The shortest window runs from completion, which came after the record's last change.
  return call.updatedAt !== undefined && Date.now() - call.updatedAt >= STORE_IO_OFF_LARGE_RETENTION_MS;
}

function hintFor(err: ApiError): string | undefined {
  if (err.status === 401) return 'fal did not accept the key: run "fal: Set API Key" to set it.';
  if (err.status === 403) return 'Check your fal key: run "fal: Set API Key".';
  if (err.status === 404) return 'Check the endpoint id (owner/app[/path]).';
  if (err.status === 429) {
    return "This is the account's concurrency limit: wait for its running requests to finish, or raise the limit at fal, then call again.";
  }
  if (err.status >= 500) return 'The endpoint or fal failed; call again, or look at the logs.';
  return undefined;
}
