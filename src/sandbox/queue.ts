// The queue behind `/queue/...`: per-endpoint lanes running at most `concurrency` requests at once,
// `low` priority behind `normal`, start deadlines (`x-fal-request-timeout`), server-side retries of
// failed runners (off with `x-fal-no-retry`), cancel, logs, webhooks on completion, and which
// results no client has fetched yet (what keeps an editor-started sandbox running, lifetime.ts),
// infrastructure failures injected by the fault kinds named after fal's error types, and fal's
// result retention for requests sent with `x-fal-store-io: 0` (scaled by `retentionScale`).
import { FAL_HEADERS } from '../common/falHeaders';
import {
  INFRA_ERRORS,
  RESULT_EXPIRED_ERROR_TYPE,
  storeIoOffRetentionMs,
  type InfraErrorType,
} from '../common/falErrorTypes';
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context';
import type { EndpointCall, LogLevel, LogLine, SandboxEndpoint } from './endpoints/types';
import { deliverWebhook } from './webhooks';
import { executeEndpoint, infraOutcome, type Outcome } from './execute';

export type QueueState = 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED';

/** Server-side retries of a failed runner, as fal's queue does (up to 10 attempts). */
const MAX_ATTEMPTS = 10;

export interface QueueRequest {
  readonly id: string;
  gatewayRequestId: string;
  readonly endpoint: SandboxEndpoint;
  /** `{ns/}owner/alias`: the prefix of the status, result and cancel URLs. */
  readonly appPath: string;
  readonly subPath: string;
  readonly input: Record<string, unknown>;
  readonly priority: 'normal' | 'low';
  readonly noRetry: boolean;
  readonly webhookUrl?: string;
  /** Runner failures still to simulate (`runner-fail:N`). */
  runnerFailures: number;
  /** The infrastructure failure it ends with instead of running (a fault of that name). */
  failWith?: InfraErrorType;
  /** false when sent with `x-fal-store-io: 0`: its result is then kept only a short while. */
  readonly storeIo: boolean;
  /** When its result is no longer kept (store-io off only). */
  expiresAt?: number;
  state: QueueState;
  readonly logs: LogLine[];
  readonly queuedAt: number;
  startedAt?: number;
  completedAt?: number;
  outcome?: Outcome;
  /** Set once a client has read the result: until then the request is something left to serve. */
  resultFetched: boolean;
  error?: string;
  errorType?: string;
  readonly abort: AbortController;
  timer?: NodeJS.Timeout;
  readonly listeners: Set<() => void>;
}

interface Lane {
  running: number;
  waiting: QueueRequest[];
  /**
   * Each waiting request's index in `waiting`, rebuilt at most once per change of the lane (null
   * when stale): with 1,000 requests waiting, every one asks its position on every change, and an
   * `indexOf` each made that quadratic.
   */
  positions: Map<QueueRequest, number> | null;
  /** Whether the waiting requests are to be told, at the end of this turn, that they moved. */
  moveNoticeDue: boolean;
}

export interface SubmitParams {
  endpoint: SandboxEndpoint;
  appPath: string;
  subPath: string;
  input: Record<string, unknown>;
  priority: 'normal' | 'low';
  noRetry: boolean;
  /** Seconds before the request must have started. */
  startTimeout?: number;
  webhookUrl?: string;
  runnerFailures: number;
  failWith?: InfraErrorType;
  storeIo: boolean;
  /** The platform headers the submit carried, as logged (see `platformHeadersLine`). */
  platformHeaders?: string;
}

/** A request whose result is past its retention window: answered as unknown, saying why. */
export interface ExpiredRequest {
  readonly id: string;
  readonly appPath: string;
  readonly expired: true;
}

export class Queue {
  private readonly requests = new Map<string, QueueRequest>();
  private readonly expired = new Map<string, ExpiredRequest>();
  /** The requests with an `expiresAt` (store-io off), the only ones `forgetExpired` has to look at. */
  private readonly expiring = new Set<QueueRequest>();
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly ctx: SandboxContext) {
    ctx.shutdown.signal.addEventListener('abort', () => {
      for (const r of this.requests.values()) {
        clearTimeout(r.timer);
        r.abort.abort();
      }
    });
  }

  /** The request, or what is left of one whose result expired (see `forgetExpired`). */
  get(id: string): QueueRequest | ExpiredRequest | undefined {
    this.forgetExpired();
    return this.requests.get(id) ?? this.expired.get(id);
  }

  submit(p: SubmitParams): QueueRequest {
    const r: QueueRequest = {
      id: randomUUID(),
      gatewayRequestId: '',
      endpoint: p.endpoint,
      appPath: p.appPath,
      subPath: p.subPath,
      input: p.input,
      priority: p.priority,
      noRetry: p.noRetry,
      webhookUrl: p.webhookUrl,
      runnerFailures: p.runnerFailures,
      failWith: p.failWith,
      storeIo: p.storeIo,
      state: 'IN_QUEUE',
      logs: [],
      queuedAt: Date.now(),
      abort: new AbortController(),
      listeners: new Set(),
      resultFetched: false,
    };
    r.gatewayRequestId = r.id;
    if (p.platformHeaders) {
      r.logs.push({
        message: p.platformHeaders,
        level: 'INFO',
        source: 'USER',
        timestamp: new Date().toISOString(),
      });
    }
    this.requests.set(r.id, r);
    const lane = this.lane(p.endpoint.id);
    const firstLow = r.priority === 'low' ? -1 : lane.waiting.findIndex((w) => w.priority === 'low');
    if (firstLow < 0) {
      // At the end: nobody else moved.
      lane.waiting.push(r);
      lane.positions?.set(r, lane.waiting.length - 1);
    } else {
      lane.waiting.splice(firstLow, 0, r);
      lane.positions = null;
      this.notifyLane(lane);
    }
    if (p.startTimeout !== undefined) {
      r.timer = setTimeout(() => this.expire(r), p.startTimeout * 1000);
      r.timer.unref();
    }
    setImmediate(() => this.pump(p.endpoint.id));
    return r;
  }

  /** Requests whose result no client has fetched yet (running ones included). */
  unfetchedCount(): number {
    this.forgetExpired();
    let count = 0;
    for (const r of this.requests.values()) if (!r.resultFetched) count++;
    return count;
  }

  /** Requests ahead of `r` in its lane (0 when next or running). */
  position(r: QueueRequest): number {
    const lane = this.lanes.get(r.endpoint.id);
    if (!lane) return 0;
    lane.positions ??= new Map(lane.waiting.map((w, i) => [w, i]));
    return lane.positions.get(r) ?? 0;
  }

  /** Asks a request to stop; it then completes with 499. */
  cancel(r: QueueRequest): 'CANCELLATION_REQUESTED' | 'ALREADY_COMPLETED' {
    if (r.state === 'COMPLETED') return 'ALREADY_COMPLETED';
    this.log(r, 'Cancellation requested', 'WARN');
    if (r.state === 'IN_QUEUE') {
      this.removeWaiting(r);
      this.complete(r, cancelledOutcome());
    } else r.abort.abort();
    return 'CANCELLATION_REQUESTED';
  }

  /** Calls `fn` on every change of `r` (state, position, logs); returns the unsubscribe. */
  watch(r: QueueRequest, fn: () => void): () => void {
    r.listeners.add(fn);
    return () => r.listeners.delete(fn);
  }

  /**
   * Drops the requests whose result is past its window (checked when asked, so no timer is left
   * behind): they then answer as unknown, and no longer count as results left to serve.
   */
  private forgetExpired(): void {
    const now = Date.now();
    for (const r of this.expiring) {
      if (r.expiresAt === undefined || now < r.expiresAt) continue;
      this.expiring.delete(r);
      this.requests.delete(r.id);
      this.expired.set(r.id, { id: r.id, appPath: r.appPath, expired: true });
    }
  }

  private lane(endpointId: string): Lane {
    let lane = this.lanes.get(endpointId);
    if (!lane) {
      lane = { running: 0, waiting: [], positions: null, moveNoticeDue: false };
      this.lanes.set(endpointId, lane);
    }
    return lane;
  }

  private notify(r: QueueRequest): void {
    for (const fn of [...r.listeners]) fn();
  }

  /**
   * Tells the waiting requests that they moved, once at the end of the turn however many moves it
   * had (50 requests finishing together are 50 moves for each of those waiting).
   */
  private notifyLane(lane: Lane): void {
    if (lane.moveNoticeDue) return;
    lane.moveNoticeDue = true;
    setImmediate(() => {
      lane.moveNoticeDue = false;
      for (const w of lane.waiting) this.notify(w);
    });
  }

  private log(r: QueueRequest, message: string, level: LogLevel = 'INFO'): void {
    r.logs.push({ message, level, source: 'USER', timestamp: new Date().toISOString() });
    this.notify(r);
  }

  private removeWaiting(r: QueueRequest): void {
    const lane = this.lane(r.endpoint.id);
    const i = lane.waiting.indexOf(r);
    if (i >= 0) lane.waiting.splice(i, 1);
    lane.positions = null;
    this.notifyLane(lane);
  }

  private expire(r: QueueRequest): void {
    if (r.state !== 'IN_QUEUE') return;
    this.removeWaiting(r);
    this.complete(r, {
      status: 504,
      body: { detail: 'Request timed out', error_type: 'request_timeout' },
      headers: { [FAL_HEADERS.requestTimeoutType]: 'user', [FAL_HEADERS.errorType]: 'request_timeout' },
    });
  }

  private pump(endpointId: string): void {
    if (this.ctx.shutdown.signal.aborted) return;
    const lane = this.lane(endpointId);
    let started = 0;
    while (lane.running < this.ctx.options.concurrency && lane.waiting.length > 0) {
      started++;
      const r = lane.waiting.shift()!;
      lane.positions = null;
      lane.running++;
      clearTimeout(r.timer);
      r.state = 'IN_PROGRESS';
      r.startedAt = Date.now();
      this.notify(r);
      void this.execute(r).finally(() => {
        lane.running--;
        this.pump(endpointId);
      });
    }
    // Those still waiting moved up (nothing changed for them when nothing started).
    if (started > 0) this.notifyLane(lane);
  }

  private async execute(r: QueueRequest): Promise<void> {
    const signal = AbortSignal.any([r.abort.signal, this.ctx.shutdown.signal]);
    const call: EndpointCall = {
      ctx: this.ctx,
      signal,
      subPath: r.subPath,
      log: (message, level) => this.log(r, message, level),
    };
    if (r.failWith) {
      this.log(r, INFRA_ERRORS[r.failWith].detail, 'ERROR');
      return this.failInfra(r, r.failWith);
    }
    for (let attempt = 1; ; attempt++) {
      if (r.runnerFailures > 0) {
        r.runnerFailures--;
        this.log(r, `Runner disconnected (attempt ${attempt})`, 'ERROR');
        if (r.noRetry || attempt >= MAX_ATTEMPTS) {
          return this.failInfra(r, 'runner_disconnected');
        }
        r.gatewayRequestId = randomUUID();
        this.log(r, `Retrying on another runner (gateway request ${r.gatewayRequestId})`, 'WARN');
        continue;
      }
      break;
    }
    const outcome = await executeEndpoint(r.endpoint, r.input, call, false);
    this.complete(r, signal.aborted && !this.ctx.shutdown.signal.aborted ? cancelledOutcome() : outcome);
  }

  private failInfra(r: QueueRequest, type: InfraErrorType): void {
    this.complete(r, infraOutcome(type));
  }

  private complete(r: QueueRequest, outcome: Outcome): void {
    if (r.state === 'COMPLETED') return;
    clearTimeout(r.timer);
    r.state = 'COMPLETED';
    // Epoch ms with the sub-millisecond part (performance's clock), so a client on this machine can
    // tell to a fraction of a millisecond how late it saw the completion (npm run bench).
    r.completedAt = performance.timeOrigin + performance.now();
    r.outcome = outcome;
    if (!r.storeIo) {
      const bytes = Buffer.byteLength(JSON.stringify(outcome.body ?? null));
      r.expiresAt = r.completedAt + storeIoOffRetentionMs(bytes) * this.ctx.options.retentionScale;
      this.expiring.add(r);
    }
    if (outcome.status >= 400) {
      const body = outcome.body as { detail?: unknown; error_type?: unknown } | undefined;
      r.error = typeof body?.detail === 'string' ? body.detail : `Invalid status code: ${outcome.status}`;
      r.errorType = typeof body?.error_type === 'string' ? body.error_type : undefined;
    }
    this.notify(r);
    if (r.webhookUrl && !this.ctx.shutdown.signal.aborted) {
      const ok = outcome.status < 400;
      void deliverWebhook(this.ctx, {
        url: r.webhookUrl,
        requestId: r.id,
        gatewayRequestId: r.gatewayRequestId,
        status: ok ? 'OK' : 'ERROR',
        payload: outcome.body,
        ...(ok ? {} : { error: `Invalid status code: ${outcome.status}` }),
      });
    }
  }
}

/** The 404 for a request whose result expired: fal's unknown-request answer, with a reason and a marker. */
export function expiredBody(id: string): { detail: string; error_type: string } {
  return {
    detail: `Request ${id} not found: its result expired (a request sent with ${FAL_HEADERS.storeIo}: 0 keeps its result 1 hour, 6 minutes when 10 KB or more)`,
    error_type: RESULT_EXPIRED_ERROR_TYPE,
  };
}

function cancelledOutcome(): Outcome {
  return { status: 499, body: { detail: 'Request was cancelled' }, headers: {} };
}
