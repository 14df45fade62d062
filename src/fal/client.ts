// `createFalClient`: the extension's fal client, with the official @fal-ai/client's vocabulary
// (run, subscribe, queue.*, stream, storage, realtime) over configurable hosts, plus schema(),
// models.* and pricing for the editor. Assembles the per-concern modules; owns run, subscribe and stream.
import { resolveConfig, type ClientConfig, type FalClientOptions } from './config';
import { resolveEndpointPath } from '../common/endpointId';
import { FalTimeoutError } from './errors';
import { request } from './http';
import { createModelsClient, type ModelsClient } from './models';
import { createPricingClient, type PricingClient } from './pricing';
import { buildTimeoutHeaders, lowerCaseHeaders } from './platformHeaders';
import { createQueueClient, type QueueClient } from './queue';
import { RUN_RETRY } from './retry';
import { createSchemaClient, type EndpointSchema } from './schema';
import { createStorageClient, type StorageClient, type StorageClientOptions } from './storage';
import { createRealtimeClient, type RealtimeClient } from './realtime';
import { FalStream } from './streaming';
import type { Result, RunOptions, StreamOptions, SubscribeOptions } from './types';
import { endpointUrl } from './urls';

export interface CreateFalClientOptions extends FalClientOptions {
  storage?: StorageClientOptions;
}

export interface FalClient {
  readonly config: ClientConfig;
  readonly queue: QueueClient;
  readonly storage: StorageClient;
  readonly realtime: RealtimeClient;
  readonly models: ModelsClient;
  /** The unit prices of 1 to 50 endpoint ids (`{api}/models/pricing`); unknown ids are left out. */
  pricing: PricingClient['pricing'];
  /** A cost estimate (`{api}/models/pricing/estimate`) from call counts or unit counts. */
  estimateCost: PricingClient['estimateCost'];
  /** Calls the endpoint directly (`{run}/{id}`) and resolves with its output. */
  run<Output = unknown, Input = unknown>(
    endpointId: string,
    options?: RunOptions<Input>,
  ): Promise<Result<Output>>;
  /** Submits to the queue, follows the request to completion, then fetches its result. */
  subscribe<Output = unknown, Input = unknown>(
    endpointId: string,
    options: SubscribeOptions<Input>,
  ): Promise<Result<Output>>;
  /** Calls `{run}/{id}/stream`: an async iterable of the events, `done()` the last one. */
  stream<Event = unknown, Input = unknown>(
    endpointId: string,
    options?: StreamOptions<Input>,
  ): Promise<FalStream<Event>>;
  /** The endpoint's Input and Output JSON Schemas, cached per id. */
  schema(
    endpointId: string,
    options?: { abortSignal?: AbortSignal; refresh?: boolean },
  ): Promise<EndpointSchema>;
}

export function createFalClient(options: CreateFalClientOptions = {}): FalClient {
  const config = resolveConfig(options);
  // Every input goes through storage.transformInput first: binary values are uploaded and replaced
  // by their URLs, as the official client does.
  const storage = createStorageClient(config, options.storage);
  const realtime = createRealtimeClient(config);
  const queue = createQueueClient(config, storage);
  const models = createModelsClient(config);
  const schemas = createSchemaClient(config);
  const prices = createPricingClient(config);

  const transform = <T>(input: T | undefined): Promise<T | undefined> =>
    input === undefined ? Promise.resolve(undefined) : storage.transformInput(input);

  return {
    config,
    queue,
    storage,
    realtime,
    models,
    pricing: (ids, pricingOptions) => prices.pricing(ids, pricingOptions),
    estimateCost: (estimate, estimateOptions) => prices.estimateCost(estimate, estimateOptions),

    async run<Output, Input>(endpointId: string, opts: RunOptions<Input> = {}): Promise<Result<Output>> {
      const method = (opts.method ?? 'POST').toUpperCase();
      const input = await transform(opts.input);
      const query = method === 'GET' && input !== undefined ? toQuery(input) : undefined;
      const url = endpointUrl(config, 'run', endpointId, opts.path, query);
      const headers = { ...lowerCaseHeaders(opts.headers), ...buildTimeoutHeaders(opts.startTimeout) };
      const deadline = startDeadline(opts.abortSignal, opts.timeout);
      try {
        const res = await request<Output>(config, {
          method,
          url,
          body: method === 'GET' ? undefined : input,
          headers,
          signal: deadline.signal,
          retry: RUN_RETRY,
          spool: opts.spool,
        });
        return { data: res.data, requestId: res.requestId, ...(res.spooled ? { spooled: res.spooled } : {}) };
      } catch (error) {
        if (deadline.expired) {
          throw new FalTimeoutError(
            `run ${endpointId} timed out after ${opts.timeout} ms`,
            opts.timeout ?? 0,
          );
        }
        throw error;
      } finally {
        deadline.dispose();
      }
    },

    async subscribe<Output, Input>(
      endpointId: string,
      opts: SubscribeOptions<Input>,
    ): Promise<Result<Output>> {
      const { request_id: requestId } = await queue.submit(endpointId, opts);
      opts.onEnqueue?.(requestId);
      await queue.subscribeToStatus(endpointId, { ...opts, requestId });
      return queue.result<Output>(endpointId, { requestId, abortSignal: opts.abortSignal });
    },

    async stream<Event, Input>(
      endpointId: string,
      opts: StreamOptions<Input> = {},
    ): Promise<FalStream<Event>> {
      const path = /^https?:\/\//i.test(endpointId)
        ? opts.path
        : resolveEndpointPath(endpointId, opts.path, '/stream');
      const url = endpointUrl(config, 'run', endpointId, path);
      const input = await transform(opts.input);
      return new FalStream<Event>(config, {
        url,
        method: opts.method ?? 'POST',
        body: input,
        headers: lowerCaseHeaders(opts.headers),
        signal: opts.abortSignal,
        idleTimeoutMs: opts.idleTimeout,
      });
    },

    schema: (endpointId, schemaOptions) => schemas.schema(endpointId, schemaOptions),
  };
}

function toQuery(input: unknown): Record<string, string> {
  if (typeof input !== 'object' || input === null) return {};
  return Object.fromEntries(
    Object.entries(input as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
  );
}

/** An AbortSignal that fires on the caller's signal or after `timeoutMs`, whichever comes first. */
function startDeadline(outer: AbortSignal | undefined, timeoutMs: number | undefined) {
  if (timeoutMs === undefined || timeoutMs <= 0) return { signal: outer, expired: false, dispose: () => {} };
  const controller = new AbortController();
  const state = { signal: controller.signal as AbortSignal | undefined, expired: false, dispose: () => {} };
  const onAbort = () => controller.abort();
  if (outer?.aborted) controller.abort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    state.expired = true;
    controller.abort();
  }, timeoutMs);
  state.dispose = () => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  };
  return state;
}
