// The warm realtime connections, one per target and endpoint, shared by the realtime calls made on
// them. fal pairs realtime outputs with inputs by order only (there is no request id), which decides
// the rules here:
// - a call given up (cancelled, removed) leaves its slot on the socket: its output is dropped when it
//   comes, and the calls after it still get their own (see `request(input, {signal})` in
//   src/fal/realtime.ts);
// - a call with no output within the timeout means the pairing can no longer be trusted: that
//   connection is reset, and the other calls waiting on it fail saying why;
// - a connection the server closed stays in the pool and reconnects on the next call;
// - the pool forgets a connection only when told to close it, or on that reset.
import type { Disposable } from '../common/emitter';
import type { Logger } from '../common/messages';
import { targetKey, type RecordTarget } from '../common/callModel';
import type { Connection } from '../connection/falConnection';
import type { RealtimeConnection, RealtimeInput } from '../fal/realtime';
import { CallFailure } from './requestErrors';

/** How long a realtime call waits for its output by default (the "fal.realtime.timeoutSeconds" default). */
export const DEFAULT_REALTIME_TIMEOUT_MS = 60_000;

export interface RealtimePoolOptions {
  /** How long a call may wait for its output before its connection is reset, in ms; read per call. */
  readonly timeoutMs: () => number;
  readonly log: Logger;
}

interface PooledConnection {
  readonly target: RecordTarget;
  readonly socket: RealtimeConnection<unknown>;
  /** Set when the connection was reset: what the calls still waiting on it fail with. */
  reset?: CallFailure;
}

export class RealtimePool implements Disposable {
  private readonly connections = new Map<string, PooledConnection>();

  constructor(private readonly options: RealtimePoolOptions) {}

  /**
   * Sends `input` on the warm connection to `endpointId` (opened on first use) and resolves with its
   * output. Rejects at once when `signal` aborts, with a CallFailure when no output came in time
   * (or an earlier call's timeout reset the connection), or with the connection's error.
   */
  request(
    connection: Connection,
    endpointId: string,
    input: RealtimeInput,
    signal: AbortSignal,
  ): Promise<unknown> {
    const key = poolKey(connection.target, endpointId);
    let pooled = this.connections.get(key);
    if (!pooled) {
      pooled = {
        target: connection.target,
        socket: connection.client.realtime.connect<unknown>(endpointId, {
          // Every output is claimed by a request, or dropped for a request given up.
          onResult: () => {},
          onError: (err) => this.options.log.warn(`realtime ${endpointId}: ${err.message}`),
        }),
      };
      this.connections.set(key, pooled);
    }
    const entry = pooled;
    const timeoutMs = this.options.timeoutMs();
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        const within = describeSeconds(timeoutMs);
        reject(
          new CallFailure(
            `No output within ${within}: the realtime connection to ${endpointId} was reset.`,
            'Call again; if the endpoint needs longer, raise the setting "fal.realtime.timeoutSeconds".',
          ),
        );
        this.reset(
          key,
          entry,
          new CallFailure(
            `The realtime connection to ${endpointId} was reset: an earlier call on it got no output within ${within}.`,
            'Call again.',
          ),
        );
      }, timeoutMs);
      timer.unref();
      entry.socket.request(input, { signal }).then(
        (output) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(output);
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(entry.reset ?? err);
        },
      );
    });
  }

  /** Closes and forgets the connection to `endpointId` on `target`, failing the calls waiting on it. */
  close(target: RecordTarget, endpointId: string): void {
    const key = poolKey(target, endpointId);
    const pooled = this.connections.get(key);
    if (pooled) this.forget(key, pooled);
  }

  /** Closes and forgets every connection to `target` (a sandbox that is gone). */
  closeTarget(target: RecordTarget): void {
    for (const [key, pooled] of [...this.connections]) {
      if (sameTarget(pooled.target, target)) this.forget(key, pooled);
    }
  }

  private reset(key: string, pooled: PooledConnection, reason: CallFailure): void {
    pooled.reset = reason;
    this.options.log.warn(reason.message);
    this.forget(key, pooled);
  }

  private forget(key: string, pooled: PooledConnection): void {
    if (this.connections.get(key) === pooled) this.connections.delete(key);
    pooled.socket.close();
  }

  dispose(): void {
    for (const [key, pooled] of [...this.connections]) this.forget(key, pooled);
  }
}

function poolKey(target: RecordTarget, endpointId: string): string {
  return `${targetKey(target)} ${endpointId}`;
}

function sameTarget(a: RecordTarget, b: RecordTarget): boolean {
  return a.kind === b.kind && (a.kind === 'fal.ai' || (b.kind !== 'fal.ai' && a.url === b.url));
}

/** "60 s", "0.4 s". */
function describeSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
