// fal's HTTP header names, the one place they are spelled (a unit test fails on an `x-fal-` header
// literal anywhere else), and the one mapping from a call's platform options to the headers fal
// reads. The client, the runner, the snippets and the sandbox all take the names from here, so the
// extension and the sandbox cannot drift apart on what a header is called.
import { isQueueMethod, type CallMethod, type PlatformOptions } from './callModel';

export const FAL_HEADERS = {
  /** Every reply: fal's id of the request. */
  requestId: 'x-fal-request-id',
  /** Platform: do not retry the request on a runner failure. */
  noRetry: 'x-fal-no-retry',
  /** Platform: `0` keeps no copy of the request and response payloads. */
  storeIo: 'x-fal-store-io',
  /** Platform (queue): `normal` or `low`. */
  queuePriority: 'x-fal-queue-priority',
  /** Platform: route to a runner, e.g. one with a warm cache. */
  runnerHint: 'x-fal-runner-hint',
  /** Platform: seconds the request may wait to start. */
  requestTimeout: 'x-fal-request-timeout',
  /** Platform: how long fal keeps the request's files. */
  objectLifecyclePreference: 'x-fal-object-lifecycle-preference',
  /** Replies: `user` when the caller's own start timeout ran out. */
  requestTimeoutType: 'x-fal-request-timeout-type',
  /** Replies: what failed (`runner_disconnected`, `request_timeout`...). */
  errorType: 'x-fal-error-type',
  /** Replies: the platform retries this failure. */
  needsRetry: 'x-fal-needs-retry',
  /** Uploads (Python client): the file's name. */
  fileName: 'x-fal-file-name',
  /** Webhook deliveries. */
  webhookRequestId: 'x-fal-webhook-request-id',
  webhookUserId: 'x-fal-webhook-user-id',
  webhookTimestamp: 'x-fal-webhook-timestamp',
  webhookSignature: 'x-fal-webhook-signature',
} as const;

/** `x-fal-store-io` as fal's docs write it, for text a user reads. */
export const STORE_IO_HEADER_TITLE = 'X-Fal-Store-IO';

/** The platform headers a call can carry, as the sandbox logs them. */
export const PLATFORM_HEADER_NAMES: readonly string[] = [
  FAL_HEADERS.queuePriority,
  FAL_HEADERS.runnerHint,
  FAL_HEADERS.noRetry,
  FAL_HEADERS.requestTimeout,
  FAL_HEADERS.storeIo,
  FAL_HEADERS.objectLifecyclePreference,
];

export type PlatformOption = keyof PlatformOptions;

/**
 * The headers a call's platform options become. Priority applies to queue methods only. `except`
 * names the options a caller passes another way (an official client's own argument, for instance).
 */
export function platformHeaders(
  platform: PlatformOptions | undefined,
  method: CallMethod,
  except: readonly PlatformOption[] = [],
): Record<string, string> {
  const p = platform ?? {};
  const wanted = (option: PlatformOption) => !except.includes(option);
  const headers: Record<string, string> = {};
  if (p.noRetry && wanted('noRetry')) headers[FAL_HEADERS.noRetry] = '1';
  if (p.storeIo === false && wanted('storeIo')) headers[FAL_HEADERS.storeIo] = '0';
  if (p.priority && isQueueMethod(method) && wanted('priority'))
    headers[FAL_HEADERS.queuePriority] = p.priority;
  if (p.hint && wanted('hint')) headers[FAL_HEADERS.runnerHint] = p.hint;
  if (p.startTimeout !== undefined && wanted('startTimeout'))
    headers[FAL_HEADERS.requestTimeout] = String(p.startTimeout);
  return headers;
}

/** A header name as people write it in messages: `x-fal-webhook-user-id` → `X-Fal-Webhook-User-Id`. */
export function displayHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
