// The queue API (submit, status, status stream, result, cancel) and the wait-for-completion logic
// behind `subscribe`: follow the status SSE stream, fall back to polling if it breaks, and on the
// client timeout cancel the request (fire and forget) and reject with a clear error.
import type { ClientConfig } from './config';
import { FalAbortError, FalTimeoutError } from './errors';
import { request, sleep } from './http';
import { buildQueueHeaders } from './platformHeaders';
import { DEFAULT_RETRY, QUEUE_RETRY, STATUS_RETRY } from './retry';
import { FalStream } from './streaming';
import type {
  BaseRequestOptions,
  CompletedQueueStatus,
  InQueueQueueStatus,
  QueueStatus,
  QueueStatusSubscriptionOptions,
  RequestLog,
  Result,
  StatusOptions,
  SubmitOptions,
} from './types';
import { endpointUrl, requestUrl } from './urls';

export const DEFAULT_POLL_INTERVAL = 500;
/**
 * After the COMPLETED event the server ends the status stream itself; it is read to its end, so its
 * keep-alive socket goes back to the pool for the next call, and aborted only if it is still open
 * this many ms later.
 */
export const COMPLETED_STREAM_GRACE_MS = 2000;

export interface StorageSeam {
  transformInput<T>(input: T): Promise<T>;
}

export interface QueueClient {
  submit<Input = unknown>(endpointId: string, options: SubmitOptions<Input>): Promise<InQueueQueueStatus>;
  status(endpointId: string, options: StatusOptions): Promise<QueueStatus>;
  streamStatus(endpointId: string, options: StatusOptions): Promise<FalStream<QueueStatus>>;
  subscribeToStatus(
    endpointId: string,
    options: QueueStatusSubscriptionOptions,
  ): Promise<CompletedQueueStatus>;
  result<Output = unknown>(endpointId: string, options: BaseRequestOptions): Promise<Result<Output>>;
  /** Resolves with the reply body (`{status: "CANCELLATION_REQUESTED"}`); 400/404 reject. */
  cancel(endpointId: string, options: BaseRequestOptions): Promise<unknown>;
}

export function createQueueClient(config: ClientConfig, storage: StorageSeam): QueueClient {
  const queue: QueueClient = {
    async submit(endpointId, options) {
      const url = endpointUrl(config, 'queue', endpointId, options.path, {
        fal_webhook: options.webhookUrl,
      });
      const headers = buildQueueHeaders(options);
      const input = options.input === undefined ? undefined : await storage.transformInput(options.input);
      const method = (options.method ?? 'POST').toUpperCase();
      const res = await request<InQueueQueueStatus>(config, {
        method,
        url,
        body: method === 'GET' ? undefined : input,
        headers,
        signal: options.abortSignal,
        retry: QUEUE_RETRY,
      });
      return res.data;
    },

    async status(endpointId, { requestId, logs = false, abortSignal }) {
      const url = requestUrl(config, endpointId, requestId, '/status', { logs: logs ? '1' : '0' });
      const res = await request<QueueStatus>(config, { url, signal: abortSignal, retry: STATUS_RETRY });
      return res.data;
    },

    async streamStatus(endpointId, { requestId, logs = false, abortSignal }) {
      const url = requestUrl(config, endpointId, requestId, '/status/stream', { logs: logs ? '1' : '0' });
      return new FalStream<QueueStatus>(config, { url, method: 'GET', signal: abortSignal });
    },

    subscribeToStatus(endpointId, options) {
      return waitForCompletion(queue, endpointId, options);
    },

    async result<Output>(endpointId: string, { requestId, abortSignal }: BaseRequestOptions) {
      const url = requestUrl(config, endpointId, requestId);
      const res = await request<Output>(config, { url, signal: abortSignal, retry: QUEUE_RETRY });
      return { data: res.data, requestId: res.requestId };
    },

    async cancel(endpointId, { requestId, abortSignal }) {
      const url = requestUrl(config, endpointId, requestId, '/cancel');
      const res = await request(config, { method: 'PUT', url, signal: abortSignal, retry: DEFAULT_RETRY });
      return res.data;
    },
  };
  return queue;
}

function waitForCompletion(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
): Promise<CompletedQueueStatus> {
  const { requestId, timeout, abortSignal } = options;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  if (abortSignal?.aborted) controller.abort();
  else abortSignal?.addEventListener('abort', onOuterAbort, { once: true });

  return new Promise<CompletedQueueStatus>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      if (timer) clearTimeout(timer);
      abortSignal?.removeEventListener('abort', onOuterAbort);
    };
    if (timeout !== undefined && timeout > 0) {
      timer = setTimeout(() => {
        settle();
        controller.abort();
        // Fire and forget: the caller is told now, whatever the cancel call answers.
        queue.cancel(endpointId, { requestId }).catch(() => {});
        reject(
          new FalTimeoutError(
            `Client timed out waiting for the request to complete after ${timeout}ms (request ${requestId}, cancellation requested)`,
            timeout,
            requestId,
          ),
        );
      }, timeout);
    }
    // Once COMPLETED is seen the answer is known: the client timeout no longer applies while the
    // status stream drains.
    const onCompleted = () => {
      if (timer) clearTimeout(timer);
    };
    follow(queue, endpointId, options, controller.signal, onCompleted).then(
      (status) => {
        settle();
        resolve(status);
      },
      (error) => {
        settle();
        reject(error);
      },
    );
  });
}

async function follow(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
  signal: AbortSignal,
  onCompleted: () => void,
): Promise<CompletedQueueStatus> {
  if ((options.mode ?? 'streaming') === 'streaming') {
    const completed = await followStream(queue, endpointId, options, signal, onCompleted);
    if (completed) return completed;
    if (signal.aborted) throw new FalAbortError();
  }
  return poll(queue, endpointId, options, signal);
}

/**
 * The COMPLETED status from the SSE stream, or undefined when the stream broke before it. After
 * COMPLETED the stream is left to end by itself (its socket is then reused), for at most
 * COMPLETED_STREAM_GRACE_MS.
 */
async function followStream(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
  signal: AbortSignal,
  onCompleted: () => void,
): Promise<CompletedQueueStatus | undefined> {
  const stream = await queue.streamStatus(endpointId, {
    requestId: options.requestId,
    logs: options.logs,
    abortSignal: signal,
  });
  // Each event carries only the new log lines; callers get the whole list so far, as when polling.
  const logs: RequestLog[] = [];
  let completed: CompletedQueueStatus | undefined;
  let grace: NodeJS.Timeout | undefined;
  stream.on('data', (status) => {
    if (completed) return;
    if (Array.isArray(status.logs)) logs.push(...status.logs);
    const update = ('logs' in status ? { ...status, logs: [...logs] } : status) as QueueStatus;
    if (update.status === 'COMPLETED') {
      completed = update;
      onCompleted();
      grace = setTimeout(() => stream.abort(), COMPLETED_STREAM_GRACE_MS);
    }
    options.onQueueUpdate?.(update);
  });
  try {
    await stream.done();
  } catch {
    // The stream broke (cut, bad event, not supported): polling takes over, unless COMPLETED came.
  } finally {
    if (grace) clearTimeout(grace);
  }
  if (signal.aborted && !completed) throw new FalAbortError();
  return completed;
}

async function poll(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
  signal: AbortSignal,
): Promise<CompletedQueueStatus> {
  const interval = options.pollInterval ?? DEFAULT_POLL_INTERVAL;
  for (;;) {
    const status = await queue.status(endpointId, {
      requestId: options.requestId,
      logs: options.logs ?? false,
      abortSignal: signal,
    });
    options.onQueueUpdate?.(status);
    if (status.status === 'COMPLETED') return status;
    await sleep(interval, signal);
  }
}
