// The journal beside the request index: `requests.journal.jsonl`, one JSON line per record written
// or removed since the index was last written whole. A write costs one appended line per record (the
// record that changed), not a rewrite of every record: with 10,000 records the whole index is
// megabytes, and a final state or a request id must be on disk before `update` returns
// (requestStore.ts).
//
// Each line carries the generation of the index it follows (`g`); writing the index whole gives it
// a new generation and then empties the journal. A reader therefore applies only lines of the
// index's own generation: lines left by a crash between those two steps, or read by a window that
// looked without the lock while another wrote, are older than the index and are ignored.
// Only whole lines count: a line still being written (or torn by a crash) is left for later, and
// the next append starts on a new line.
import * as fs from 'node:fs';
import type { RequestRecord } from '../common/callModel';
import { writeFileAtomicSync } from '../storage/fileLock';

/** A record some window removed, and when. */
export interface Removal {
  readonly id: string;
  readonly at: number;
}

/** One change: a record as it now is, or a removal. */
export type JournalEntry =
  | { readonly record: RequestRecord; readonly removed?: undefined }
  | { readonly removed: Removal; readonly record?: undefined };

/** Where a reader has got to: the file (its inode, so a replaced journal is noticed) and the byte after the last whole line. */
export interface JournalPosition {
  readonly ino: number;
  readonly offset: number;
}

export type JournalRead =
  | { readonly kind: 'read'; readonly entries: JournalEntry[]; readonly position: JournalPosition }
  /** The journal is not the one `from` was in (emptied by a whole write since): read it all again. */
  | { readonly kind: 'replaced' };

/** The journal of the index `indexFile` (`requests.json` → `requests.journal.jsonl`). */
export function journalFileOf(indexFile: string): string {
  return indexFile.replace(/(\.json)?$/, '.journal.jsonl');
}

/**
 * A journal line of `generation`, without its newline: a record (given as its JSON, which the
 * store keeps from its last write) or a removal.
 */
export function journalLine(
  generation: string,
  change: { recordJson: string } | { removed: Removal },
): string {
  const g = JSON.stringify(generation);
  return 'recordJson' in change
    ? `{"g":${g},"record":${change.recordJson}}`
    : `{"g":${g},"removed":${JSON.stringify(change.removed)}}`;
}

function parseLine(line: string, generation: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // torn by a crash: the index or a later line has the truth
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { g?: unknown; record?: unknown; removed?: unknown };
  if (v.g !== generation) return undefined;
  if (typeof v.record === 'object' && v.record !== null) return { record: v.record as RequestRecord };
  const removed = v.removed as Partial<Removal> | undefined;
  if (typeof removed?.id === 'string' && typeof removed.at === 'number')
    return { removed: { id: removed.id, at: removed.at } };
  return undefined;
}

/**
 * The entries of `generation` after `from` (from the start without it). A missing journal reads
 * as empty. Throws when the file exists but cannot be read now.
 */
export function readJournal(
  file: string,
  generation: string | undefined,
  from?: JournalPosition,
): JournalRead {
  if (from && from.ino !== 0) {
    // Most often nothing was appended since: one stat says so.
    const now = fs.statSync(file, { throwIfNoEntry: false });
    if (now?.ino === from.ino && now.size === from.offset)
      return { kind: 'read', entries: [], position: from };
  }
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    if (from && from.ino !== 0) return { kind: 'replaced' };
    return { kind: 'read', entries: [], position: { ino: 0, offset: 0 } };
  }
  try {
    const { ino, size } = fs.fstatSync(fd);
    if (from && (from.ino !== ino || size < from.offset)) return { kind: 'replaced' };
    const start = from?.offset ?? 0;
    if (size === start || generation === undefined) {
      return { kind: 'read', entries: [], position: { ino, offset: size } };
    }
    const bytes = Buffer.allocUnsafe(size - start);
    let got = 0;
    while (got < bytes.length) {
      const n = fs.readSync(fd, bytes, got, bytes.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    const whole = bytes.lastIndexOf(0x0a, got - 1) + 1; // up to the last newline
    const entries: JournalEntry[] = [];
    for (const line of bytes.toString('utf8', 0, whole).split('\n')) {
      const entry = line && parseLine(line, generation);
      if (entry) entries.push(entry);
    }
    return { kind: 'read', entries, position: { ino, offset: start + whole } };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Appends `lines` (each without its newline) to the journal, under the caller's lock, and returns
 * the position after them. `at` is where the caller's last read ended: bytes past it are a torn
 * line, so the append starts on a new line.
 */
export function appendJournal(file: string, lines: readonly string[], at: JournalPosition): JournalPosition {
  const fd = fs.openSync(file, 'a');
  try {
    const { ino, size } = fs.fstatSync(fd);
    const torn = ino === at.ino && size > at.offset;
    const text = `${torn ? '\n' : ''}${lines.join('\n')}\n`;
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written);
    return { ino, offset: size + bytes.length };
  } finally {
    fs.closeSync(fd);
  }
}

/** Empties the journal (a new, empty file) once the index holds everything; its position. */
export function emptyJournal(file: string): JournalPosition {
  writeFileAtomicSync(file, '');
  return { ino: fs.statSync(file).ino, offset: 0 };
}
