// One realtime connection whose calls are paired with their outputs by order (fal has no request id
// on realtime), with the Groundwork rules that pairing imposes, shared by the warm pool
// (realtimePool.ts) and the playground's realtime session:
// - a call given up (its signal aborted) leaves its slot on the socket: its output is dropped when it
//   comes, and the calls after it still get their own (`request(input, {signal})` in src/fal/realtime.ts);
// - a call with no output within the timeout means the pairing can no longer be trusted: the
//   connection is reset (closed, and `onReset` told), and the other calls waiting on it fail saying why.
import type { RealtimeConnection, RealtimeInput } from '../fal/realtime';
import { CallFailure } from './requestErrors';

export interface PairedRealtimeOptions {
  readonly endpointId: string;
  /** How long a call may wait for its output, in ms; read per call. */
  readonly timeoutMs: () => number;
  /** The connection was reset (after it was closed): forget it; the next call needs a new one. */
  readonly onReset: (reason: CallFailure) => void;
}

export class PairedRealtime {
  /** Set when the connection was reset: what the calls still waiting on it fail with. */
  private resetReason: CallFailure | undefined;

  constructor(
    readonly socket: RealtimeConnection<unknown>,
    private readonly options: PairedRealtimeOptions,
  ) {}

  /** True once reset: this connection takes no more calls. */
  get isReset(): boolean {
    return this.resetReason !== undefined;
  }

  /**
   * Sends `input` and resolves with its output. Rejects at once when `signal` aborts, with a
   * CallFailure when no output came in time (or an earlier call's timeout reset the connection), or
   * with the connection's error. `onSent` hears when the input went out on the socket.
   */
  request(
    input: RealtimeInput,
    signal: AbortSignal,
    onSent?: (ordinal: number, at: number) => void,
  ): Promise<unknown> {
    const { endpointId } = this.options;
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
          new CallFailure(
            `The realtime connection to ${endpointId} was reset: an earlier call on it got no output within ${within}.`,
            'Call again.',
          ),
        );
      }, timeoutMs);
      timer.unref();
      this.socket.request(input, { signal, onSent }).then(
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
          reject(this.resetReason ?? err);
        },
      );
    });
  }

  private reset(reason: CallFailure): void {
    this.resetReason = reason;
    this.socket.close();
    this.options.onReset(reason);
  }
}

/** "60 s", "0.4 s". */
function describeSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
