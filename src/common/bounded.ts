// Lists that must not grow without end (a record's log lines, a stream's events in the playground):
// the newest `max` items are kept and the older ones only counted, so a long-running call holds
// bounded memory and each update costs what it adds, not what came before.

/** Appends `added` to `list` in place, keeping its newest `max` items; returns how many were dropped. */
export function appendNewest<T>(list: T[], added: readonly T[], max: number): number {
  for (const item of added) list.push(item);
  const over = list.length - max;
  if (over > 0) list.splice(0, over);
  return Math.max(0, over);
}
