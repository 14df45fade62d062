// When a sandbox started for the editor stops (the CLI's `--exit-unattached`), as fal's queue keeps a
// result for a client that comes back: while a window is attached it serves; once none is, it stays
// while queue results wait to be fetched (a reloaded window reattaches and fetches them), for at
// most `holdMs` after the last window went, and exits as soon as nothing is left to serve.
import type { Attachments } from './attachments';

export interface UnattachedExitOptions {
  readonly attachments: Attachments;
  /** Queue requests whose result no client has fetched yet. */
  readonly unfetched: () => number;
  /** A window counts as gone this long after its last attach. */
  readonly windowTimeoutMs: number;
  /** Longest stay with no window attached while results wait. */
  readonly holdMs: number;
  /** Called once, with the reason, when the sandbox should exit. */
  readonly onExit: (reason: string) => void;
}

/** Watches the attachments and calls `onExit` once; returns the function that stops watching. */
export function exitWhenUnattached(options: UnattachedExitOptions): () => void {
  const { attachments, windowTimeoutMs, holdMs } = options;
  // Until the first window had time to attach, the sandbox counts as attached.
  let lastAttached = Date.now();
  const graceUntil = lastAttached + windowTimeoutMs;
  const check = () => {
    const now = Date.now();
    if (now < graceUntil || attachments.count(windowTimeoutMs, now) > 0) {
      lastAttached = now;
      return;
    }
    const waiting = options.unfetched();
    if (waiting === 0) return exit('no window is attached and no result is left to fetch');
    if (now - lastAttached >= holdMs) {
      return exit(
        `no window attached for ${Math.round(holdMs / 1000)} s; ${waiting} result(s) never fetched`,
      );
    }
  };
  const timer = setInterval(check, Math.max(20, Math.min(1000, windowTimeoutMs / 4, holdMs / 4)));
  const stop = () => clearInterval(timer);
  const exit = (reason: string) => {
    stop();
    options.onExit(reason);
  };
  return stop;
}
