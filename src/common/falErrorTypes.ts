// fal's machine-readable error categories (`error_type` in error bodies and completed statuses, and
// the `x-fal-error-type` header) and its result retention for requests sent with `x-fal-store-io: 0`:
// protocol facts the sandbox answers with and the extension explains, kept in one place so the two
// cannot drift apart (fal-protocol.md §8 and §13).
import { STORE_IO_HEADER_TITLE } from './falHeaders';

/** fal's infrastructure failures, with the status and `detail` fal answers them with. */
export const INFRA_ERRORS = {
  request_timeout: { status: 504, detail: 'Request timed out' },
  startup_timeout: { status: 504, detail: 'Runner startup timed out' },
  runner_scheduling_failure: { status: 503, detail: 'Runner scheduling failure' },
  runner_connection_timeout: { status: 503, detail: 'Runner connection timed out' },
  runner_disconnected: { status: 503, detail: 'Runner disconnected' },
  runner_connection_refused: { status: 503, detail: 'Runner connection refused' },
} as const;

export type InfraErrorType = keyof typeof INFRA_ERRORS;

export const INFRA_ERROR_TYPES = Object.keys(INFRA_ERRORS) as InfraErrorType[];

export const isInfraErrorType = (value: unknown): value is InfraErrorType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(INFRA_ERRORS, value);

/** fal's answer for a locked account (billing): 403 with this kind of `detail`. */
export const LOCKED_ACCOUNT_DETAIL =
  'User is locked. Reason: Exhausted balance. Top up your balance to continue.';

/** True for a 403 `detail` saying the account is locked ("User is locked", "Exhausted balance"). */
export const isLockedAccountDetail = (detail: unknown): boolean =>
  typeof detail === 'string' && /user is locked|exhausted balance/i.test(detail);

/** A result of a request sent with `x-fal-store-io: 0` is kept this long after completion... */
export const STORE_IO_OFF_RETENTION_MS = 60 * 60 * 1000;
/** ...or this long when it is RETENTION_LARGE_BYTES or more. */
export const STORE_IO_OFF_LARGE_RETENTION_MS = 6 * 60 * 1000;
export const RETENTION_LARGE_BYTES = 10 * 1024;

/** How long fal keeps a result of `bytes` (its JSON) sent with `x-fal-store-io: 0`. */
export const storeIoOffRetentionMs = (bytes: number): number =>
  bytes >= RETENTION_LARGE_BYTES ? STORE_IO_OFF_LARGE_RETENTION_MS : STORE_IO_OFF_RETENTION_MS;

/** What turning payload storage off costs, in a few words (the playground's store-io option). */
export const STORE_IO_OFF_COST = 'off: the result is kept 1 hour, 6 minutes when 10 KB or larger';

/**
 * The sandbox's marker for a result past its retention window: the `error_type` of its 404 (with
 * the same value in `x-fal-error-type`). fal itself answers an expired result as an unknown request
 * (a plain 404), which a client cannot tell from any other unknown id; the sandbox adds this type so
 * the extension (and its tests) can say what happened. Not one of fal's published types.
 */
export const RESULT_EXPIRED_ERROR_TYPE = 'result_expired';

/** What the user reads of a result fal no longer keeps. */
export const RESULT_EXPIRED_MESSAGE = `fal no longer keeps this result (requests sent with ${STORE_IO_HEADER_TITLE}: 0 keep results for 1 hour, 6 minutes when 10 KB or larger); call it again`;
