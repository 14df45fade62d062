// Public surface of the protocol client, built on its own as dist/fal.js (CommonJS, no `vscode`).
export { falHosts, sandboxHosts } from './hosts';
export type { FalHosts } from './hosts';
export { resolveConfig, credentialsFromEnv } from './config';
export type { ClientConfig, FalClientOptions, CredentialsInput } from './config';
export { request, sleep } from './http';
export type { RequestOptions, HttpResponse, ResponseType } from './http';
export {
  ApiError,
  ValidationError,
  FalTimeoutError,
  FalAbortError,
  NetworkError,
  ProtocolError,
  errorMessage,
} from './errors';
export type { ValidationErrorInfo } from './errors';
export {
  parseEndpointId,
  ensureEndpointIdFormat,
  resolveEndpointPath,
  InvalidEndpointIdError,
} from './endpointId';
export type { EndpointId } from './endpointId';
export {
  DEFAULT_RETRY,
  RUN_RETRY,
  QUEUE_RETRY,
  STATUS_RETRY,
  STREAM_RETRY,
  NO_RETRY,
  isRetryableError,
  backoffDelay,
  parseRetryAfter,
} from './retry';
export type { RetryPolicy, RetryOptions } from './retry';
