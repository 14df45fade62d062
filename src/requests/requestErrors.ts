// Turns whatever a call threw (the protocol client's errors, an invalid id, a dropped connection)
// into what a request record keeps and the user reads: what went wrong and what to do about it.
// fal""s error types, its locked-account 403, the key, the concurrency limit, a start timeout and an
// expired result each get plain words and a hint here, in one table.
import { InvalidEndpointIdError } from '../common/endpointId';
import { isQueueMethod, type CallSpec, type RecordTarget, type RequestError } from '../common/callModel';
import {
  isInfraErrorType,
  isLockedAccountDetail,
  RESULT_EXPIRED_ERROR_TYPE,
  RESULT_EXPIRED_MESSAGE,
  type InfraErrorType,
  STORE_IO_OFF_LARGE_RETENTION_MS,
} from '../common/falErrorTypes';
import { FAL_HEADERS } from '../common/falHeaders';
import { ApiError, FalTimeoutError, NetworkError, ProtocolError, ValidationError } from '../fal/errors';

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
  readonly endpointId?: string;
  /** Where the call went: a sandbox that does not answer is named, with how to start it. */
  readonly target?: RecordTarget;
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
  if (err instanceof NetworkError) return networkError(err, call);
  if (err instanceof FalTimeoutError) {
    const what = call?.endpointId ?? 'the endpoint';
    return {
      message: `No reply from ${what} within ${inSeconds(err.timeoutMs)} (the client timeout); the call was given up, not retried.`,
      hint:
        'Call again, or raise the setting "fal.timeoutSeconds" (0 waits as long as it takes); ' +
        'for long jobs use subscribe or submit, which follow the request through the queue.',
    };
  }
  if (err instanceof ProtocolError) {
    return {
      message: `The reply was not valid JSON, so it cannot be read: ${err.message}`,
      ...(err.status ? { status: err.status } : {}),
      hint:
        'Something between you and the endpoint (a proxy, or the server itself) sent a broken reply; ' +
        'call again, and if it keeps happening, copy "fal: Diagnose Request" into a support ticket.',
    };
  }
  return { message: err instanceof Error ? err.message : String(err) };
}

/** "0.3 s", "12 s". */
function inSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A transport failure; a sandbox that refuses connections is not running, and says how to start one. */
function networkError(err: NetworkError, call?: ErrorContext): RequestError {
  const target = call?.target;
  if (err.code === 'ECONNREFUSED' && target && target.kind !== 'fal.ai') {
    if (target.kind === 'sandbox') {
      const port = portOf(target.url);
      return {
        message: `No fal sandbox is running at ${target.url} (the setting "fal.sandboxUrl"): the connection was refused.`,
        hint:
          `Start it (npm run sandbox -- --port ${port}), or clear the setting "fal.sandboxUrl" to use ` +
          'the embedded sandbox, which starts by itself; then call again.',
        remedy: 'use-embedded-sandbox',
      };
    }
    return {
      message: `The embedded fal sandbox at ${target.url} does not answer: the connection was refused.`,
      hint: 'Call again; a new embedded sandbox starts.',
    };
  }
  return {
    message: err.message,
    hint: 'Check that the fal host (or the sandbox) is reachable, then call again.',
  };
}

function portOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  } catch {
    return '8787';
  }
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
      message: `No runner started within ${seconds === undefined ? 'the start timeout' : `${seconds} s`} (the request's start timeout, 504); not retried, since the timeout is the call's own`,
      hint: 'Raise the start timeout, or call again when the endpoint is less busy.',
    };
  }
  if (isInfraErrorType(errorType)) {
    const words = INFRA_WORDS[errorType];
    const noRetry = call?.platform?.noRetry
      ? `It was sent with ${FAL_HEADERS.noRetry}, so fal did not try another runner. `
      : '';
    return { ...base, message: `${words.what} (${err.status} ${errorType})`, hint: noRetry + words.hint };
  }
  if (err.status === 403 && isLockedAccountDetail(detail)) {
    return {
      ...base,
      message: "fal has locked this account (billing): check your balance on fal's dashboard",
      hint: 'Top up or settle the account at fal, then call again; the key itself is fine.',
    };
  }
  const page = htmlPage(err.body);
  if (page) {
    return {
      ...base,
      message: `${page.title || `HTTP ${err.status}`} from ${page.server ?? 'a proxy'} in front of the endpoint (an HTML page, not the endpoint's reply)`,
      hint: hintFor(err),
    };
  }
  return { ...base, message: `${err.status}: ${err.message}`, hint: hintFor(err) };
}

/**
 * An error reply that is an HTML page (nginx's 502, a load balancer's 503) rather than fal's JSON:
 * its title and the server that wrote it, so the message never carries the markup.
 */
function htmlPage(body: unknown): { title: string; server?: string } | undefined {
  if (typeof body !== 'string' || !/<html[\s>]/i.test(body)) return undefined;
  const title = /<title>([^<]{0,200})<\/title>/i.exec(body)?.[1].trim() ?? '';
  const server = /\b(nginx|cloudflare|envoy|haproxy|apache|varnish)\b/i.exec(body)?.[1].toLowerCase();
  return { title, server };
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
