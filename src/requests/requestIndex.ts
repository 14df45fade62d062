// The format of `requests.json`, the index of the request records: `{ version, generation,
// records, removed }`. `records` are newest first, outputs too large for the index referenced by
// file name (see outputFiles.ts); `removed` lists the ids windows removed lately, so a window sharing
// the file does not bring them back from its memory. Changes since the index was written whole are
// lines of its journal (requestJournal.ts), of the index's `generation`: reading gives the index
// with them applied. Reading tells a missing file from an unreadable one, and migrates older
// versions (version 0 was a bare array of records; an index without a generation has no journal).
import { randomUUID } from 'node:crypto';
import { redactHeaders, redactUrl } from '../common/secretHeaders';
import * as fs from 'node:fs';
import { FINAL_STATES, type RequestRecord, type RequestState } from '../common/callModel';
import { writeFileAtomicSync } from '../storage/fileLock';
import {
  emptyJournal,
  journalFileOf,
  readJournal,
  type JournalEntry,
  type JournalPosition,
  type Removal,
} from './requestJournal';

export type { Removal } from './requestJournal';

/** The version written; bump it (and migrate in `parseIndex`) when the format changes. */
export const INDEX_VERSION = 1;

export interface RequestIndex {
  readonly version: typeof INDEX_VERSION;
  /** Which journal lines follow this index (absent in files written before the journal). */
  readonly generation?: string;
  readonly records: RequestRecord[];
  readonly removed: Removal[];
}

export type IndexRead =
  | { readonly kind: 'missing' }
  /**
   * `unreadable`: entries left out because they are not records (the rest is usable); `journal`:
   * where the journal was read up to (absent when only the index was parsed).
   */
  | {
      readonly kind: 'read';
      readonly index: RequestIndex;
      readonly unreadable: number;
      readonly journal?: JournalPosition;
    }
  | { readonly kind: 'corrupt'; readonly reason: string }
  /** The file exists but could not be read just now (busy, no permission, too many open files). */
  | { readonly kind: 'unavailable'; readonly reason: string };

const STATES: ReadonlySet<string> = new Set<RequestState>([
  'SUBMITTING',
  'IN_QUEUE',
  'IN_PROGRESS',
  ...FINAL_STATES,
]);

function isRecord(value: unknown): value is RequestRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<RequestRecord>;
  return (
    typeof r.id === 'string' &&
    typeof r.endpointId === 'string' &&
    typeof r.state === 'string' &&
    STATES.has(r.state) &&
    Array.isArray(r.logs)
  );
}

function isRemoval(value: unknown): value is Removal {
  const r = value as Partial<Removal> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.at === 'number';
}

/** The index in `text`, whatever version wrote it. */
export function parseIndex(text: string): IndexRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'corrupt', reason: `it is not JSON (${(err as Error).message})` };
  }
  let entries: unknown[];
  let removed: Removal[] = [];
  let generation: string | undefined;
  if (Array.isArray(value)) {
    entries = value; // version 0
  } else if (typeof value === 'object' && value !== null && 'version' in value) {
    const saved = value as { version: unknown; generation?: unknown; records?: unknown; removed?: unknown };
    if (saved.version !== INDEX_VERSION) {
      return {
        kind: 'corrupt',
        reason: `it has format version ${String(saved.version)}, not ${INDEX_VERSION}`,
      };
    }
    if (!Array.isArray(saved.records)) return { kind: 'corrupt', reason: 'it has no list of records' };
    entries = saved.records;
    if (Array.isArray(saved.removed)) removed = saved.removed.filter(isRemoval);
    if (typeof saved.generation === 'string') generation = saved.generation;
  } else {
    return { kind: 'corrupt', reason: 'it is neither a list of records nor a versioned index' };
  }
  const records = entries.map(recordFromDisk).filter((r) => r !== undefined);
  return {
    kind: 'read',
    index: { version: INDEX_VERSION, generation, records, removed },
    unreadable: entries.length - records.length,
  };
}

/**
 * A saved record as it loads, or undefined when `value` is not one. Records saved before headers
 * and webhook URLs were redacted (or under a narrower rule) are redacted as they load.
 */
export function recordFromDisk(value: unknown): RequestRecord | undefined {
  if (!isRecord(value)) return undefined;
  return value.headers || value.webhookUrl
    ? { ...value, headers: redactHeaders(value.headers), webhookUrl: redactUrl(value.webhookUrl) }
    : value;
}

/**
 * Reads and parses `file` with its journal applied. Only what was read and is not an index counts
 * as corrupt: a read that fails (EACCES, EBUSY, EMFILE...) says nothing about the file, and is
 * tried again later.
 */
export function readIndexFile(file: string): IndexRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unavailable', reason: (err as Error).message };
  }
  const read = parseIndex(text);
  if (read.kind !== 'read') return read;
  let journal;
  try {
    journal = readJournal(journalFileOf(file), read.index.generation);
  } catch (err) {
    return { kind: 'unavailable', reason: (err as Error).message };
  }
  if (journal.kind !== 'read') return { kind: 'unavailable', reason: 'the journal changed while read' };
  return { ...read, index: applyJournal(read.index, journal.entries), journal: journal.position };
}

/** `index` with the journal's `entries` applied in order: newest first, removed records left out. */
export function applyJournal(index: RequestIndex, entries: readonly JournalEntry[]): RequestIndex {
  if (entries.length === 0) return index;
  const byId = new Map(index.records.map((r) => [r.id, r]));
  const removed = [...index.removed];
  for (const entry of entries) {
    if (entry.removed) {
      byId.delete(entry.removed.id);
      removed.push(entry.removed);
      continue;
    }
    const record = recordFromDisk(entry.record);
    if (record) byId.set(record.id, record);
  }
  const gone = new Set(removed.map((r) => r.id));
  const records = [...byId.values()]
    .filter((r) => !gone.has(r.id))
    .sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  return { ...index, records, removed };
}

/**
 * The index text with a new generation, from records already serialised one by one (the store
 * keeps each record's JSON until it changes, so unchanged records are not serialised again).
 */
export function serializeIndex(
  generation: string,
  recordsJson: readonly string[],
  removed: readonly Removal[],
): string {
  return `{"version":${INDEX_VERSION},"generation":${JSON.stringify(generation)},"records":[${recordsJson.join(',')}],"removed":${JSON.stringify(removed)}}`;
}

/**
 * Writes the index whole (under the caller's lock): a new generation, then the journal emptied.
 * In that order a crash between the two leaves lines of the old generation, which readers ignore.
 * Returns the new generation and the journal's position.
 */
export function writeIndexFile(
  file: string,
  recordsJson: readonly string[],
  removed: readonly Removal[],
): { generation: string; journal: JournalPosition } {
  const generation = randomUUID();
  writeFileAtomicSync(file, serializeIndex(generation, recordsJson, removed));
  return { generation, journal: emptyJournal(journalFileOf(file)) };
}

/**
 * Keeps `file` beside itself as `<file>.corrupt-<time>` (moved, or copied when `copy`, for a file
 * still in use) and returns that name.
 */
export function keepAside(file: string, copy: boolean, now = new Date()): string {
  const aside = `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  if (copy) fs.copyFileSync(file, aside);
  else fs.renameSync(file, aside);
  return aside;
}
