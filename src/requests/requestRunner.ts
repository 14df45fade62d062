// Makes the calls and keeps their records true: run (direct), subscribe and submit (queue, followed
// over the status stream with logs until the result is in), stream (SSE events shown as they come),
// cancel, and, after a window reload, the following of queue requests that were still running.
// Every step is told to the "fal" output channel; every failure ends in the record, never lost.
import { randomUUID } from 'node:crypto';
import type { Disposable, Event } from '../common/emitter';
import type { Connection } from '../connection/falConnection';
import type { Logger } from '../common/messages';
import { ApiError } from '../fal/errors';
import { platformHeaders } from '../common/falHeaders';
import type { RealtimeConnection } from '../fal/realtime';
import type { QueueStatus } from '../fal/types';
import type { RequestLog } from '../common/callModel';
import {
  CANCELLED_STATUS,
  isFinal,
  type CallMethod,
  type CallSpec,
  type RecordTarget,
  type RequestError,
  type RequestRecord,
} from '../common/callModel';
import { describeError, formatDuration } from '../common/recordText';
import { toRequestError } from './requestErrors';
import type { RequestStore } from './requestStore';

export type CallRequest = CallSpec;

export interface StartedCall {
  readonly record: RequestRecord;
  /** Settles, never rejects, when the call has ended one way or another. */
  readonly done: Promise<RequestRecord>;
}

/** Where the runner gets its clients: the target now, or the one an earlier request went to. */
export interface ConnectionSource {
  get(): Promise<Connection>;
  forRecord(target: RecordTarget): Promise<Connection | undefined>;
  /** Fires with the URL of an embedded sandbox that died: its running records are lost. */
  readonly onDidLoseSandbox?: Event<string>;
}

export class RequestRunner implements Disposable {
  /** Aborts the work in flight per record id (status following, direct calls, streams). */
  private readonly inFlight = new Map<string, AbortController>();
  /** Warm realtime connections, per target and endpoint. */
  private readonly realtimeConnections = new Map<string, RealtimeConnection>();
  /** The warm connection each realtime call in flight uses, by record id. */
  private readonly realtimeKeys = new Map<string, string>();
  private disposed = false;

  constructor(
    private readonly store: RequestStore,
    private readonly connection: ConnectionSource,
    private readonly output: Logger,
  ) {}

  /** Starts a call on the current target. Rejects only when nothing could be sent (no key, sandbox down). */
  async start(call: CallRequest): Promise<StartedCall> {
    const connection = await this.connection.get();
    const record = this.store.add({
      id: randomUUID(),
      endpointId: call.endpointId,
      method: call.method,
      input: call.input,
      headers: call.headers,
      platform: call.platform,
      webhookUrl: call.webhookUrl,
      target: connection.target,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      state: isDirect(call.method) ? 'IN_PROGRESS' : 'SUBMITTING',
      logs: [],
    });
    this.output.info(`${call.method} ${call.endpointId} on ${connection.description}`);
    const done =
      call.method === 'run'
        ? this.run(record, call, connection)
        : call.method === 'stream'
          ? this.stream(record, call, connection)
          : call.method === 'realtime'
            ? this.realtime(record, call, connection)
            : this.submit(record, call, connection);
    return { record, done: done.then(() => this.store.get(record.id) ?? record) };
  }

  /** Asks fal to cancel a queue request; the record turns CANCELLED when fal confirms it. */
  async cancel(record: RequestRecord): Promise<void> {
    if (isFinal(record)) return;
    if (!record.requestId || isDirect(record.method)) {
      this.inFlight.get(record.id)?.abort();
      const realtimeKey = this.realtimeKeys.get(record.id);
      if (realtimeKey) {
        // Its output may still come, and would be paired with the next request: start afresh.
        this.realtimeConnections.get(realtimeKey)?.close();
        this.realtimeConnections.delete(realtimeKey);
      }
      this.finish(record, { state: 'CANCELLED' });
      return;
    }
    const connection = await this.connection.forRecord(record.target);
    if (!connection) throw new Error('The request went to a fal host this window can no longer reach.');
    try {
      await connection.client.queue.cancel(record.endpointId, { requestId: record.requestId });
      this.output.info(`${record.requestId}: cancellation requested`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        this.output.info(`${record.requestId}: already completed, nothing to cancel`);
        return;
      }
      throw err;
    }
  }

  /**
   * After a reload: follows again the queue requests that were still running where they can be
   * reached, and closes the others with a note of why.
   */
  async resume(): Promise<void> {
    for (const record of this.store.claimOrphans()) {
      if (isDirect(record.method)) {
        this.fail(record, {
          message: 'The window closed during this direct call, which cannot be picked up again.',
          hint: 'Call again; use submit to follow requests across reloads.',
        });
        continue;
      }
      if (!record.requestId) {
        this.fail(record, {
          message: 'The window closed before fal answered the submit; it may not have been queued.',
          hint: 'Submit it again.',
        });
        continue;
      }
      const connection = await this.connection.forRecord(record.target);
      if (!connection) {
        this.fail(record, { message: this.unreachable(record) });
        continue;
      }
      this.output.info(`${record.requestId}: following again after a reload`);
      void this.follow(record, connection);
    }
  }

  /** Stops following a record (it was removed from the list). */
  stopFollowing(id: string): void {
    this.inFlight.get(id)?.abort();
    this.inFlight.delete(id);
  }

  /** Fetches the output of a completed queue request again (when it was too large to keep). */
  async fetchResult(record: RequestRecord): Promise<unknown> {
    if (!record.requestId) throw new Error('This request has no fal request id.');
    const connection = await this.connection.forRecord(record.target);
    if (!connection) throw new Error(this.unreachable(record));
    const result = await connection.client.queue.result(record.endpointId, { requestId: record.requestId });
    return result.data;
  }

  private unreachable(record: RequestRecord): string {
    return record.target.kind === 'embedded-sandbox'
      ? 'The embedded sandbox that ran this request stopped with the window that started it.'
      : 'fal.ai needs a key to follow this request: run "fal: Set API Key".';
  }

  private async run(record: RequestRecord, call: CallRequest, connection: Connection): Promise<void> {
    const abort = this.track(record);
    this.store.update(record.id, { startedAt: Date.now() });
    try {
      const result = await connection.client.run(call.endpointId, {
        input: call.input,
        headers: callHeaders(call),
        abortSignal: abort.signal,
      });
      this.finish(record, {
        state: 'COMPLETED',
        output: result.data,
        requestId: result.requestId || undefined,
      });
    } catch (err) {
      // The window is closing: resume() marks the call as cut, with what to do, after the reload.
      if (!this.disposed) this.failWith(record, err);
    } finally {
      this.inFlight.delete(record.id);
    }
  }

  private async stream(record: RequestRecord, call: CallRequest, connection: Connection): Promise<void> {
    const abort = this.track(record);
    this.store.update(record.id, { startedAt: Date.now() });
    try {
      const stream = await connection.client.stream(call.endpointId, {
        input: call.input,
        headers: callHeaders(call),
        abortSignal: abort.signal,
      });
      let count = 0;
      for await (const event of stream) {
        count++;
        this.output.info(`${call.endpointId} event ${count}: ${oneLine(event)}`);
        this.store.update(record.id, { output: event });
      }
      const output = await stream.done();
      this.finish(record, { state: 'COMPLETED', output });
    } catch (err) {
      // The window is closing: resume() marks the call as cut, with what to do, after the reload.
      if (!this.disposed) this.failWith(record, err);
    } finally {
      this.inFlight.delete(record.id);
    }
  }

  /** One request on the endpoint's persistent realtime connection (opened on first use, then kept warm). */
  private async realtime(record: RequestRecord, call: CallRequest, connection: Connection): Promise<void> {
    const key = `${connection.description} ${call.endpointId}`;
    this.realtimeKeys.set(record.id, key);
    this.store.update(record.id, { startedAt: Date.now() });
    try {
      let socket = this.realtimeConnections.get(key);
      if (!socket) {
        socket = connection.client.realtime.connect(call.endpointId, {
          onResult: () => {},
          onError: (err) => this.output.warn(`realtime ${call.endpointId}: ${err.message}`),
        });
        this.realtimeConnections.set(key, socket);
      }
      const output = await socket.request(call.input as Record<string, unknown>);
      this.finish(record, { state: 'COMPLETED', output: binaryAsDataUrls(output) });
    } catch (err) {
      if (!this.disposed) this.failWith(record, err);
    } finally {
      this.realtimeKeys.delete(record.id);
    }
  }

  private async submit(record: RequestRecord, call: CallRequest, connection: Connection): Promise<void> {
    try {
      const queued = await connection.client.queue.submit(call.endpointId, {
        input: call.input,
        headers: callHeaders(call),
        webhookUrl: call.webhookUrl,
      });
      if (this.ended(record)) {
        // Cancelled (or removed) while the submit was on its way: cancel it at fal too.
        this.store.update(record.id, { requestId: queued.request_id });
        void connection.client.queue
          .cancel(call.endpointId, { requestId: queued.request_id })
          .catch(() => {});
        this.output.info(`${queued.request_id}: cancelled while submitting; cancellation requested`);
        return;
      }
      this.store.update(record.id, {
        requestId: queued.request_id,
        state: 'IN_QUEUE',
        queuePosition: queued.queue_position,
      });
      this.output.info(`${queued.request_id}: queued at position ${queued.queue_position}`);
    } catch (err) {
      if (!this.disposed) this.failWith(record, err);
      return;
    }
    await this.follow(record, connection);
  }

  /** Follows a queue request to its end over the status stream (polling if it breaks), then gets its result. */
  private async follow(record: RequestRecord, connection: Connection): Promise<void> {
    const requestId = record.requestId!;
    const abort = this.track(record);
    let logsSeen = 0;
    try {
      const completed = await connection.client.queue.subscribeToStatus(record.endpointId, {
        requestId,
        logs: true,
        abortSignal: abort.signal,
        onQueueUpdate: (status) => {
          logsSeen = this.onStatus(record, status, logsSeen);
        },
      });
      this.store.update(record.id, { metrics: completed.metrics });
      const result = await connection.client.queue.result(record.endpointId, {
        requestId,
        abortSignal: abort.signal,
      });
      this.finish(record, { state: 'COMPLETED', output: result.data });
    } catch (err) {
      if (this.disposed) return; // The window is closing: the record is followed again after the reload.
      if (err instanceof ApiError && err.status === CANCELLED_STATUS)
        this.finish(record, { state: 'CANCELLED' });
      else this.failWith(record, err);
    } finally {
      this.inFlight.delete(record.id);
    }
  }

  private onStatus(record: RequestRecord, status: QueueStatus, logsSeen: number): number {
    const logs: RequestLog[] = Array.isArray(status.logs) ? status.logs : record.logs;
    for (const line of logs.slice(logsSeen)) {
      this.output.info(`${record.requestId} ${line.level}: ${line.message}`);
    }
    const patch: Partial<RequestRecord> = { logs };
    if (status.status === 'IN_QUEUE') {
      patch.state = 'IN_QUEUE';
      patch.queuePosition = status.queue_position;
    } else {
      if (record.state === 'IN_QUEUE' || record.state === 'SUBMITTING') {
        patch.startedAt = Date.now();
        this.output.info(`${record.requestId}: in progress`);
      }
      patch.state = 'IN_PROGRESS';
      patch.queuePosition = undefined;
    }
    this.store.update(record.id, patch);
    return logs.length;
  }

  private track(record: RequestRecord): AbortController {
    const abort = new AbortController();
    this.inFlight.set(record.id, abort);
    return abort;
  }

  private finish(record: RequestRecord, patch: Partial<RequestRecord>): void {
    if (this.ended(record)) return;
    const done = this.store.update(record.id, {
      ...patch,
      completedAt: Date.now(),
      queuePosition: undefined,
    });
    if (!done) return;
    const who = done.requestId ?? done.endpointId;
    const inference = done.metrics?.inference_time;
    const timing = `${formatDuration(done)}${typeof inference === 'number' ? `, inference ${inference.toFixed(2)} s` : ''}`;
    if (done.state === 'CANCELLED') this.output.info(`${who}: cancelled`);
    else this.output.info(`${who}: completed in ${timing}`);
  }

  private failWith(record: RequestRecord, err: unknown): void {
    // An error reply names fal's request id even when the call never returned one: keep it.
    const requestId =
      err instanceof ApiError && err.requestId && !record.requestId ? err.requestId : undefined;
    this.fail(record, toRequestError(err), requestId ? { requestId } : {});
  }

  private fail(record: RequestRecord, error: RequestError, extra: Partial<RequestRecord> = {}): void {
    if (this.ended(record)) return;
    this.store.update(record.id, {
      ...extra,
      state: 'FAILED',
      error,
      completedAt: Date.now(),
      queuePosition: undefined,
    });
    this.output.error(`${record.requestId ?? record.endpointId}: failed: ${describeError(error)}`);
  }

  /** True when the record has ended already (cancelled meanwhile) or was removed. */
  private ended(record: RequestRecord): boolean {
    const current = this.store.get(record.id);
    return !current || isFinal(current);
  }

  dispose(): void {
    this.disposed = true;
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    for (const socket of this.realtimeConnections.values()) socket.close();
    this.realtimeConnections.clear();
  }
}

/** An event as one line of JSON, shortened for the output channel. */
function oneLine(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}

/** Direct calls (run, stream, realtime) cannot be picked up again after a reload; queue requests can. */
function isDirect(method: CallMethod): boolean {
  return method === 'run' || method === 'stream' || method === 'realtime';
}

/** Custom headers plus the headers of the call's platform options. */
function callHeaders(call: CallRequest): Record<string, string> {
  return { ...call.headers, ...platformHeaders(call.platform, call.method) };
}

/**
 * Realtime outputs may carry raw bytes (msgpack binary), which JSON cannot keep: they become data
 * URLs (PNG and JPEG recognised by their first bytes), so the output can be saved and shown.
 */
export function binaryAsDataUrls(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const type =
      value[0] === 0x89 && value[1] === 0x50
        ? 'image/png'
        : value[0] === 0xff && value[1] === 0xd8
          ? 'image/jpeg'
          : 'application/octet-stream';
    return `data:${type};base64,${Buffer.from(value).toString('base64')}`;
  }
  if (Array.isArray(value)) return value.map(binaryAsDataUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, binaryAsDataUrls(v)]));
  }
  return value;
}
