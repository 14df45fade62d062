// The glue between the calls and their records: creates the record of a call, hands the call to the
// executor of its kind (run, queue, stream, realtime: src/requests/executors/), and cancels, resumes
// after a window reload, and removes. Every change of a record goes through `store.update`, hence
// through `transition` (recordTransitions.ts), which refuses what cannot follow (a late output after
// a cancel). Every step is told to the "fal" output channel (stream events and realtime frames as
// `fal.output.events` says: callEventLog.ts), and the log is flushed when a call ends; every failure
// ends in the record.
import { randomUUID } from 'node:crypto';
import type { Disposable, Event } from '../common/emitter';
import type { Connection } from '../connection/falConnection';
import type { Logger } from '../common/messages';
import { ApiError } from '../fal/errors';
import { appendLogs } from '../common/logWindow';
import {
  CALL_METHODS,
  isCallMethod,
  isFinal,
  isQueueMethod,
  type CallMethod,
  type CallSpec,
  type RecordTarget,
  type RequestError,
  type RequestLog,
  type RequestRecord,
} from '../common/callModel';
import { describeError, formatDuration } from '../common/recordText';
import { redactHeaders, redactUrl } from '../common/secretHeaders';
import { CallEventLog, DEFAULT_OUTPUT_EVENTS, type OutputEvents } from './callEventLog';
import type { CallExecutor, CallJob, CallReport, RealtimeRequester } from './executors/callExecutor';
import { QueueExecutor } from './executors/queueExecutor';
import { RealtimeExecutor } from './executors/realtimeExecutor';
import { RunExecutor } from './executors/runExecutor';
import { StreamExecutor } from './executors/streamExecutor';
import { DEFAULT_REALTIME_TIMEOUT_MS, RealtimePool } from './realtimePool';
import type { RecordPatch } from './recordTransitions';
import { toRequestError } from './requestErrors';
import type { RequestStore } from './requestStore';

export type CallRequest = CallSpec;

export interface StartedCall {
  readonly record: RequestRecord;
  /** Settles, never rejects, when the call has ended one way or another. */
  readonly done: Promise<RequestRecord>;
}

export interface StartOptions {
  /** A realtime call's own connection (the playground's realtime session) instead of the warm pool's. */
  readonly realtime?: RealtimeRequester;
  /** Told the record as soon as it exists, so whoever shows it watches it (recordWatchers.ts) even when it ends at once. */
  readonly onRecord?: (record: RequestRecord) => void;
}

/** Where the runner gets its clients: the target now, or the one an earlier request went to. */
export interface ConnectionSource {
  get(): Promise<Connection>;
  forRecord(target: RecordTarget): Promise<Connection | undefined>;
  /** Fires with the URL of an embedded sandbox that died: its running records are lost. */
  readonly onDidLoseSandbox?: Event<string>;
}

export interface RequestRunnerOptions {
  /**
   * How long a realtime call waits for its output before its connection is reset, in ms (default
   * 60 s); a function is read at each call, so a changed setting applies at once.
   */
  readonly realtimeTimeoutMs?: number | (() => number);
  /** What the log tells of stream events and realtime frames (`fal.output.events`); read as they come. */
  readonly outputEvents?: () => OutputEvents;
  /**
   * How long a direct call waits for its reply, and a stream for its next byte, in ms (0: as long as
   * it takes; the default). Read at each call (`fal.timeoutSeconds`).
   */
  readonly callTimeoutMs?: () => number;
  /** Lifetime of the realtime connections' temporary tokens, in seconds (default fal's 120 s). */
  readonly realtimeTokenSeconds?: number;
}

export class RequestRunner implements Disposable {
  /** Aborts the work in flight per record id (status following, direct calls, streams, realtime). */
  private readonly inFlight = new Map<string, AbortController>();
  private readonly realtime: RealtimePool;
  private readonly queue = new QueueExecutor();
  private readonly executors: Readonly<Record<CallMethod, CallExecutor>>;
  private readonly subscriptions: Disposable[] = [];
  private readonly events: CallEventLog;
  private readonly callTimeoutMs: () => number;
  private disposed = false;

  constructor(
    private readonly store: RequestStore,
    private readonly connection: ConnectionSource,
    private readonly output: Logger,
    options: RequestRunnerOptions = {},
  ) {
    this.events = new CallEventLog(output, options.outputEvents ?? (() => DEFAULT_OUTPUT_EVENTS));
    const timeout = options.realtimeTimeoutMs ?? DEFAULT_REALTIME_TIMEOUT_MS;
    this.realtime = new RealtimePool({
      timeoutMs: typeof timeout === 'function' ? timeout : () => timeout,
      tokenSeconds: options.realtimeTokenSeconds,
      log: output,
    });
    this.callTimeoutMs = options.callTimeoutMs ?? (() => 0);
    this.executors = {
      run: new RunExecutor(),
      subscribe: this.queue,
      submit: this.queue,
      stream: new StreamExecutor(),
      realtime: new RealtimeExecutor(this.realtime),
    };
    const lost = connection.onDidLoseSandbox?.((url) => this.loseSandbox(url));
    if (lost) this.subscriptions.push(lost);
  }

  /**
   * Starts a call on the current target. Rejects only when nothing could be sent (not one of the five
   * methods, no key, sandbox down). `onRecord` hears of the record before the call is made, so whoever
   * shows it watches it (recordWatchers.ts) even when it ends at once.
   */
  async start(call: CallRequest, options: StartOptions = {}): Promise<StartedCall> {
    if (!isCallMethod(call.method)) {
      throw new Error(
        `"${String(call.method)}" is not a way to call an endpoint: use one of ${CALL_METHODS.join(', ')}.`,
      );
    }
    const executor = this.executors[call.method];
    const connection = await this.connection.get();
    const record = this.store.add({
      id: randomUUID(),
      endpointId: call.endpointId,
      method: call.method,
      input: call.input,
      // Kept with secret-looking values redacted; the call itself sends them as given (below).
      headers: redactHeaders(call.headers),
      platform: call.platform,
      // A token in the webhook URL's query is kept redacted too; the call sends the URL as given.
      webhookUrl: redactUrl(call.webhookUrl),
      requestFile: call.requestFile,
      target: connection.target,
      createdAt: Date.now(),
      updatedAt: Date.now(),
      state: isQueueMethod(call.method) ? 'SUBMITTING' : 'IN_PROGRESS',
      logs: [],
    });
    this.output.info(`${call.method} ${call.endpointId} on ${connection.description}`);
    options.onRecord?.(record);
    const sent = { ...record, headers: call.headers, webhookUrl: call.webhookUrl };
    const { realtime } = options;
    const done = this.launch(sent, connection, (job, report) =>
      executor.start(realtime && call.method === 'realtime' ? { ...job, realtime } : job, report),
    );
    return { record, done: done.then(() => this.store.get(record.id) ?? record) };
  }

  /**
   * Cancels a call. A direct call (or a submit fal has not answered yet) ends CANCELLED at once; a
   * queue request is cancelled at fal, and turns CANCELLED when fal confirms it.
   */
  async cancel(record: RequestRecord): Promise<void> {
    const current = this.store.get(record.id) ?? record;
    if (isFinal(current)) return;
    const theirs = current.windowId !== undefined && current.windowId !== this.store.windowId;
    if (theirs && (!current.requestId || !isQueueMethod(current.method))) {
      // Only the window making a direct call (or a submit fal has not answered) can stop it.
      throw new Error('Another VS Code window is making this call; cancel it from that window.');
    }
    if (!current.requestId || !isQueueMethod(current.method)) {
      // Ended first, so whatever the aborted work still says is refused by `transition`. A realtime
      // call's output is dropped when it comes; the other calls on its connection go on.
      this.finish(current.id, { state: 'CANCELLED' });
      this.inFlight.get(current.id)?.abort();
      return;
    }
    const connection = await this.connection.forRecord(current.target);
    if (!connection) throw new Error(unreachable(current));
    try {
      await connection.client.queue.cancel(current.endpointId, { requestId: current.requestId });
      this.output.info(`${current.requestId}: cancellation requested`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) {
        this.output.info(`${current.requestId}: already completed, nothing to cancel`);
        return;
      }
      throw err;
    }
  }

  /**
   * Removes a record from the list, stopping first whatever runs for it (a queue request is
   * cancelled at fal too). Rejects, once the record is removed, when that cancellation failed.
   */
  async remove(id: string): Promise<void> {
    const record = this.store.get(id);
    if (!record) return;
    let problem: unknown;
    if (!isFinal(record)) await this.cancel(record).catch((err: unknown) => (problem = err));
    this.inFlight.get(id)?.abort();
    this.store.remove(id);
    if (problem) throw problem;
  }

  /**
   * After a reload, and then now and again: follows the queue requests this window takes over (its
   * own from before the reload, those of windows that are gone; see `store.claimOrphans`) where they
   * can be reached, and closes the others with a note of why. Never rejects: a record that cannot
   * be looked into fails with the reason, and the others are still taken care of.
   */
  async resume(): Promise<void> {
    for (const record of this.store.claimOrphans()) {
      try {
        await this.resumeOne(record);
      } catch (err) {
        this.fail(record.id, toRequestError(err, this.store.get(record.id) ?? record));
      }
    }
  }

  private async resumeOne(record: RequestRecord): Promise<void> {
    if (!isQueueMethod(record.method)) {
      this.fail(record.id, {
        message: 'The window closed during this direct call, which cannot be picked up again.',
        hint: 'Call again; use submit to follow requests across reloads.',
      });
      return;
    }
    if (!record.requestId) {
      this.fail(record.id, {
        message: 'The window closed before fal answered the submit; it may not have been queued.',
        hint: 'Submit it again.',
      });
      return;
    }
    const connection = await this.connection.forRecord(record.target);
    if (!connection) {
      this.fail(record.id, { message: unreachable(record) });
      return;
    }
    this.output.info(`${record.requestId}: following again after a reload`);
    void this.launch(record, connection, (job, report) => this.queue.follow(job, report));
  }

  /** Fetches the output of a completed queue request again (when it was too large to keep). */
  async fetchResult(record: RequestRecord): Promise<unknown> {
    if (!record.requestId) throw new Error('This request has no fal request id.');
    const connection = await this.connection.forRecord(record.target);
    if (!connection) throw new Error(unreachable(record));
    const result = await connection.client.queue.result(record.endpointId, { requestId: record.requestId });
    return result.data;
  }

  /** Runs one executor's work for `record`, and turns what it throws into the record's failure. */
  private async launch(
    record: RequestRecord,
    connection: Connection,
    work: (job: CallJob, report: CallReport) => Promise<void>,
  ): Promise<void> {
    const abort = new AbortController();
    this.inFlight.set(record.id, abort);
    this.events.begin(record.id);
    try {
      const timeoutMs = this.callTimeoutMs();
      const job = {
        record,
        connection,
        signal: abort.signal,
        outputFile: this.store.outputFileOf(record.id),
        ...(timeoutMs > 0 ? { timeoutMs } : {}),
      };
      await work(job, this.reportFor(record.id));
    } catch (err) {
      // The window is closing: resume() follows the record again (or marks the call cut) after the reload.
      if (!this.disposed) this.failWith(record.id, err);
    } finally {
      if (this.inFlight.get(record.id) === abort) this.inFlight.delete(record.id);
      this.events.end(record.id);
    }
  }

  private reportFor(id: string): CallReport {
    return {
      current: () => this.store.get(id),
      ended: () => {
        const current = this.store.get(id);
        return !current || isFinal(current);
      },
      update: (patch, newLogs) => this.progress(id, patch, newLogs),
      info: (line) => this.output.info(line),
      event: (kind, value) => {
        const record = this.store.get(id);
        if (record) this.events.event(id, record.endpointId, kind, value);
      },
      complete: (facts) => this.finish(id, { ...facts, state: 'COMPLETED' }),
      cancelled: () => this.finish(id, { state: 'CANCELLED' }),
    };
  }

  /** A change while running; new log lines go to the log, and the newest of them to the record. */
  private progress(
    id: string,
    patch: RecordPatch,
    newLogs: readonly RequestLog[] = [],
  ): RequestRecord | undefined {
    const record = this.store.get(id);
    if (!record) return undefined;
    if (newLogs.length === 0) return this.store.update(id, patch);
    const who = record.requestId ?? record.endpointId;
    for (const line of newLogs) this.output.info(`${who} ${line.level}: ${line.message}`);
    const window = appendLogs({ logs: record.logs, dropped: record.logsDropped ?? 0 }, newLogs);
    return this.store.update(id, { ...patch, logs: window.logs, logsDropped: window.dropped });
  }

  /**
   * Ends the record (the store refuses it if it has ended already) and says so in the log, with the
   * count of its events or frames, at once.
   */
  private finish(id: string, patch: RecordPatch & { state: 'COMPLETED' | 'CANCELLED' }): void {
    const done = this.store.update(id, patch);
    if (!done) return;
    const who = done.requestId ?? done.endpointId;
    const inference = done.metrics?.inference_time;
    const timing = `${formatDuration(done)}${typeof inference === 'number' ? `, inference ${inference.toFixed(2)} s` : ''}`;
    const events = this.events.end(id);
    if (done.state === 'CANCELLED')
      this.output.info(`${who}: cancelled after ${formatDuration(done)}${events}`);
    else this.output.info(`${who}: completed in ${timing}${events}`);
    this.output.flush?.();
  }

  private failWith(id: string, err: unknown): void {
    // An error reply names fal's request id even when the call never returned one: keep it.
    const record = this.store.get(id);
    const known = record?.requestId;
    const requestId = err instanceof ApiError && err.requestId && !known ? err.requestId : undefined;
    this.fail(id, toRequestError(err, record), requestId ? { requestId } : {});
  }

  private fail(id: string, error: RequestError, extra: RecordPatch = {}): void {
    const done = this.store.update(id, { ...extra, state: 'FAILED', error });
    if (!done) return;
    const events = this.events.end(id);
    this.output.error(`${done.requestId ?? done.endpointId}: failed: ${describeError(error)}${events}`);
    this.output.flush?.();
  }

  /** The embedded sandbox at `url` died: its running records fail at once, their work is stopped. */
  private loseSandbox(url: string): void {
    for (const record of [...this.store.all()]) {
      const { target } = record;
      if (isFinal(record) || target.kind !== 'embedded-sandbox' || target.url !== url) continue;
      // Another live window's calls are its own to end (it hears of the same sandbox's death).
      if (record.windowId !== undefined && record.windowId !== this.store.windowId) continue;
      this.fail(record.id, {
        message: 'The embedded fal sandbox stopped, and this call with it.',
        hint: 'Call again; a new embedded sandbox starts.',
      });
      this.inFlight.get(record.id)?.abort();
    }
    this.realtime.closeTarget({ kind: 'embedded-sandbox', url });
  }

  dispose(): void {
    this.disposed = true;
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    this.realtime.dispose();
  }
}

function unreachable(record: RequestRecord): string {
  return record.target.kind === 'embedded-sandbox'
    ? 'The embedded sandbox that ran this request stopped with the window that started it.'
    : 'fal.ai needs a key to follow this request: run "fal: Set API Key".';
}
