// How a window merges its records with those another window wrote to the shared index: each record
// is written by the window that owns it (`windowId`), so this window's records come from its memory
// and every other window's from the disk; records some window removed stay removed. Pure, so the
// rule is tested on its own and the store only applies its result.
import type { RequestRecord } from '../common/callModel';

/** Whether this window's copy of a record wins over the saved one: only when both say this window owns it. */
export function memoryWins(mine: RequestRecord, saved: RequestRecord, windowId: string): boolean {
  return mine.windowId === windowId && saved.windowId === windowId;
}

/**
 * The merged list, newest first. For a record in both lists memory's copy wins only when both say
 * this window owns it (a record another window claimed, or another window's own, comes from disk);
 * a record in one list only is kept; ids in `removed` are left out.
 */
export function mergeRecords(
  memory: readonly RequestRecord[],
  disk: readonly RequestRecord[],
  removed: ReadonlySet<string>,
  windowId: string,
): RequestRecord[] {
  const onDisk = new Map(disk.map((r) => [r.id, r]));
  const merged: RequestRecord[] = [];
  const seen = new Set<string>();
  for (const mine of memory) {
    if (removed.has(mine.id) || seen.has(mine.id)) continue;
    seen.add(mine.id);
    const saved = onDisk.get(mine.id);
    merged.push(!saved || memoryWins(mine, saved, windowId) ? mine : saved);
  }
  for (const saved of disk) {
    if (removed.has(saved.id) || seen.has(saved.id)) continue;
    seen.add(saved.id);
    merged.push(saved);
  }
  // Newest first; a stable sort keeps the order of records made in the same millisecond.
  return merged.sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
}
