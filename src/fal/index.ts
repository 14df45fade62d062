// Public surface of the protocol client, built on its own as dist/fal.js (CommonJS, no `vscode`).
export { falHosts, sandboxHosts } from '../common/hosts';
export type { FalHosts } from '../common/hosts';
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
} from '../common/endpointId';
export type { EndpointId } from '../common/endpointId';
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
export { createFalClient } from './client';
export type { FalClient, CreateFalClientOptions } from './client';
export { createQueueClient, DEFAULT_POLL_INTERVAL } from './queue';
export type { QueueClient } from './queue';
export { FalStream } from './streaming';
export type { FalStreamInit } from './streaming';
export { createSchemaClient, endpointSchemaFromOpenApi, inlineRefs, fieldOrder } from './schema';
export type { EndpointSchema, JsonSchema, SchemaClient } from './schema';
export { createModelsClient } from './models';
export type { CatalogueModel, ModelMetadata, ModelsClient, ModelsPage, SearchOptions } from './models';
export { createPricingClient, MAX_PRICING_IDS } from './pricing';
export type { CostEstimate, CostEstimateRequest, EndpointPrice, PriceUnit, PricingClient } from './pricing';
export {
  QUEUE_PRIORITY_HEADER,
  RUNNER_HINT_HEADER,
  REQUEST_TIMEOUT_HEADER,
  buildTimeoutHeaders,
} from './platformHeaders';
export type * from './types';
export { createRealtimeClient } from './realtime';
export type {
  RealtimeClient,
  RealtimeConnection,
  RealtimeConnectOptions,
  RealtimeInput,
  RealtimeRequestOptions,
} from './realtime';
export { createTemporaryToken, TOKEN_EXPIRATION_SECONDS } from './tokens';
export {
  createStorageClient,
  sniffContentType,
  DEFAULT_MULTIPART_THRESHOLD_BYTES,
  DEFAULT_PART_SIZE_BYTES,
} from './storage';
export type { StorageClient, StorageClientOptions, UploadData, UploadOptions } from './storage';
export { verifyWebhook, fetchJwks, clearJwksCache, ReplayCache, defaultReplayCache } from './webhooks';
export type {
  WebhookJwk,
  WebhookJwks,
  WebhookPayload,
  WebhookVerification,
  WebhookHeaders,
  VerifyWebhookOptions,
  FetchJwksOptions,
} from './webhooks';
