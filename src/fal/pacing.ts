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
const waiting: Array<() => void> = [];

/**
 * Resolves when a request may start: undefined (start now) while this turn has room and nobody
 * waits, else a promise that resolves in a later turn.
 */
export function requestSlot(): Promise<void> | undefined {
  scheduleTurnEnd();
  if (waiting.length === 0 && startedThisTurn < REQUESTS_PER_TURN) {
    startedThisTurn++;
    return undefined;
  }
  return new Promise<void>((resolve) => waiting.push(resolve));
}

function scheduleTurnEnd(): void {
  if (turnEndScheduled) return;
  turnEndScheduled = true;
  setImmediate(nextTurn);
}

function nextTurn(): void {
  turnEndScheduled = false;
  startedThisTurn = 0;
  const now = waiting.splice(0, REQUESTS_PER_TURN);
  startedThisTurn = now.length;
  for (const start of now) start();
  if (waiting.length > 0 || startedThisTurn > 0) scheduleTurnEnd();
}
