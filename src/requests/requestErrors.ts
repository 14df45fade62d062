// Turns whatever a call threw (the protocol client's errors, an invalid id, a dropped connection)
// into what a request record keeps and the user reads: what went wrong and what to do about it.
import { InvalidEndpointIdError } from '../common/endpointId';
import type { RequestError } from '../common/callModel';
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

/** Turns whatever a call threw into what the record keeps and the user reads: what, and what to do. */
export function toRequestError(err: unknown): RequestError {
  if (err instanceof CallFailure) return { message: err.message, hint: err.hint };
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
