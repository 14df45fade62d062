// Lists that must not grow without end (a request's log lines, a stream's events in the playground):
// the newest `max` items are kept and the older ones only counted, so a long-running call holds
// bounded memory whatever it sends.

/** `list` once `added` came after it: a new array of at most `max` newest items, and how many fell out. */
export function withNewest<T>(
  list: readonly T[],
  added: readonly T[],
  max: number,
): { items: T[]; dropped: number } {
  const dropped = Math.max(0, list.length + added.length - max);
  const kept = list.slice(Math.min(dropped, list.length));
  const fresh = added.slice(Math.max(0, dropped - list.length));
  return { items: [...kept, ...fresh], dropped };
}
