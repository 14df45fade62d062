// The queue API (submit, status, status stream, result, cancel) and the wait-for-completion logic
// behind `subscribe`: follow the status SSE stream, fall back to polling if it breaks, and on the
// client timeout cancel the request (fire and forget) and reject with a clear error. Log lines are
// kept bounded (the newest 1,000 and a count of the others, src/common/logWindow.ts), or not kept at
// all when the caller asks for only the new lines of each update.
import { FAL_HEADERS } from '../common/falHeaders';
import { appendLogs, EMPTY_LOG_WINDOW, type LogWindow } from '../common/logWindow';
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
  Result,
  ResultOptions,
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
  result<Output = unknown>(endpointId: string, options: ResultOptions): Promise<Result<Output>>;
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
      return withErrorTypeHeader(res.data, res.headers[FAL_HEADERS.errorType]);
    },

    async streamStatus(endpointId, { requestId, logs = false, abortSignal }) {
      const url = requestUrl(config, endpointId, requestId, '/status/stream', { logs: logs ? '1' : '0' });
      return new FalStream<QueueStatus>(config, { url, method: 'GET', signal: abortSignal });
    },

    subscribeToStatus(endpointId, options) {
      return waitForCompletion(queue, endpointId, options);
    },

    async result<Output>(endpointId: string, { requestId, abortSignal, spool }: ResultOptions) {
      const url = requestUrl(config, endpointId, requestId);
      const res = await request<Output>(config, { url, signal: abortSignal, retry: QUEUE_RETRY, spool });
      return { data: res.data, requestId: res.requestId, ...(res.spooled ? { spooled: res.spooled } : {}) };
    },

    async cancel(endpointId, { requestId, abortSignal }) {
      const url = requestUrl(config, endpointId, requestId, '/cancel');
      const res = await request(config, { method: 'PUT', url, signal: abortSignal, retry: DEFAULT_RETRY });
      return res.data;
    },
  };
  return queue;
}

/**
 * A completed status names its failure in `error_type`; when only the `x-fal-error-type` header of
 * the reply does, the status gets it from there (as the Python client's `Completed` does).
 */
function withErrorTypeHeader(status: QueueStatus, header: string | string[] | undefined): QueueStatus {
  const type = Array.isArray(header) ? header[0] : header;
  if (status?.status !== 'COMPLETED' || status.error_type || !type) return status;
  return { ...status, error_type: type };
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

/**
 * The log lines of one subscription. Stream events carry only new lines, polls the whole list: both
 * become the status the caller gets, with the lines so far (bounded) or only the new ones.
 */
class StatusLogs {
  private window: LogWindow = EMPTY_LOG_WINDOW;
  /** Lines seen so far (the count only, when the caller keeps them itself). */
  private seen = 0;

  constructor(private readonly newOnly: boolean) {}

  /** `status` as the caller gets it; `incremental` when its logs are only the new lines (stream). */
  update(status: QueueStatus, incremental: boolean): QueueStatus {
    if (!('logs' in status)) return status;
    const lines = Array.isArray(status.logs) ? status.logs : [];
    const fresh = incremental ? lines : lines.slice(Math.min(lines.length, this.seen));
    this.seen += fresh.length;
    if (this.newOnly) return { ...status, logs: fresh } as QueueStatus;
    this.window = appendLogs(this.window, fresh);
    return { ...status, logs: this.window.logs, logsDropped: this.window.dropped } as QueueStatus;
  }
}

async function follow(
  queue: QueueClient,
  endpointId: string,
  options: QueueStatusSubscriptionOptions,
  signal: AbortSignal,
  onCompleted: () => void,
): Promise<CompletedQueueStatus> {
  const logs = new StatusLogs(options.newLogsOnly ?? false);
  if ((options.mode ?? 'streaming') === 'streaming') {
    const completed = await followStream(queue, endpointId, options, signal, onCompleted, logs);
    if (completed) return completed;
    if (signal.aborted) throw new FalAbortError();
  }
  return poll(queue, endpointId, options, signal, logs);
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
  logs: StatusLogs,
): Promise<CompletedQueueStatus | undefined> {
  const stream = await queue.streamStatus(endpointId, {
    requestId: options.requestId,
    logs: options.logs,
    abortSignal: signal,
  });
  let completed: CompletedQueueStatus | undefined;
  let grace: NodeJS.Timeout | undefined;
  stream.on('data', (status) => {
    if (completed) return;
    // Each event carries only the new log lines.
    const update = logs.update(status, true);
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
  logs: StatusLogs,
): Promise<CompletedQueueStatus> {
  const interval = options.pollInterval ?? DEFAULT_POLL_INTERVAL;
  for (;;) {
    const status = await queue.status(endpointId, {
      requestId: options.requestId,
      logs: options.logs ?? false,
      abortSignal: signal,
    });
    const update = logs.update(status, false);
    options.onQueueUpdate?.(update);
    if (update.status === 'COMPLETED') return update as CompletedQueueStatus;
    await sleep(interval, signal);
  }
}
