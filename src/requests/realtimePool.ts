// The warm realtime connections, one per target and endpoint, shared by the realtime calls made on
// them. fal pairs realtime outputs with inputs by order only (there is no request id); the rules
// that follows from (a call given up has its output dropped, a call with no output in time resets
// its connection) are PairedRealtime's (pairedRealtime.ts). Here:
// - a connection the server closed stays in the pool and reconnects on the next call;
// - the pool forgets a connection only when told to close it, or on a reset.
import type { Disposable } from '../common/emitter';
import type { Logger } from '../common/messages';
import { targetKey, type RecordTarget } from '../common/callModel';
import type { Connection } from '../connection/falConnection';
import type { RealtimeInput } from '../fal/realtime';
import { PairedRealtime } from './pairedRealtime';

/** How long a realtime call waits for its output by default (the "fal.realtime.timeoutSeconds" default). */
export const DEFAULT_REALTIME_TIMEOUT_MS = 60_000;

export interface RealtimePoolOptions {
  /** How long a call may wait for its output before its connection is reset, in ms; read per call. */
  readonly timeoutMs: () => number;
  /** Lifetime of the connections' temporary tokens, in seconds (default fal's 120 s). */
  readonly tokenSeconds?: number;
  readonly log: Logger;
}

interface PooledConnection {
  readonly target: RecordTarget;
  readonly paired: PairedRealtime;
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
      const socket = connection.client.realtime.connect<unknown>(endpointId, {
        // Every output is claimed by a request, or dropped for a request given up.
        onResult: () => {},
        onError: (err) => this.options.log.warn(`realtime ${endpointId}: ${err.message}`),
        tokenExpirationSeconds: this.options.tokenSeconds,
      });
      const entry: PooledConnection = {
        target: connection.target,
        paired: new PairedRealtime(socket, {
          endpointId,
          timeoutMs: this.options.timeoutMs,
          onReset: (reason) => {
            this.options.log.warn(reason.message);
            if (this.connections.get(key) === entry) this.connections.delete(key);
          },
        }),
      };
      pooled = entry;
      this.connections.set(key, entry);
    }
    return pooled.paired.request(input, signal);
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

  private forget(key: string, pooled: PooledConnection): void {
    if (this.connections.get(key) === pooled) this.connections.delete(key);
    pooled.paired.socket.close();
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
