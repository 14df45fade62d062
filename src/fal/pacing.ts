// Paces how many requests start in one turn of the event loop. A request's connection completes,
// and its bytes go out, only once the turn that created it ends: a thousand calls made at once
// otherwise spend ~150-220 ms making a thousand requests and connections before the first is
// sent, while the server waits (`npm run bench`, figure 5). At most REQUESTS_PER_TURN start in a
// turn; the rest start in the turns after, in the order they came, so the first ones are on their
// way while the others are made.

/** How many requests start in one turn of the event loop; the others wait for the next turns. */
export const REQUESTS_PER_TURN = 32;

let startedThisTurn = 0;
let turnEndScheduled = false;
/** Those waiting to start, in order; an aborted one leaves at once. */
const waiting = new Set<() => void>();

/**
 * Undefined when a request may start now (this turn has room and nobody waits), else a promise
 * that resolves when it may, in a later turn, or as soon as `signal` aborts (the caller then sees
 * its signal aborted; it has taken no turn's room).
 */
export function requestSlot(signal?: AbortSignal): Promise<void> | undefined {
  scheduleTurnEnd();
  if (waiting.size === 0 && startedThisTurn < REQUESTS_PER_TURN) {
    startedThisTurn++;
    return undefined;
  }
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const onAbort = () => {
      waiting.delete(start);
      resolve();
    };
    const start = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    waiting.add(start);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function scheduleTurnEnd(): void {
  if (turnEndScheduled) return;
  turnEndScheduled = true;
  setImmediate(nextTurn);
}

function nextTurn(): void {
  turnEndScheduled = false;
  startedThisTurn = 0;
  for (const start of waiting) {
    if (startedThisTurn === REQUESTS_PER_TURN) break;
    waiting.delete(start);
    startedThisTurn++;
    start();
  }
  if (waiting.size > 0 || startedThisTurn > 0) scheduleTurnEnd();
}
