// The format of `requests.json`, the index of the request records: `{ version, records, removed }`.
// `records` are newest first, outputs too large for the index referenced by file name (see
// outputFiles.ts); `removed` lists the ids windows removed lately, so a window sharing the file does
// not bring them back from its memory. Reading tells a missing file from an unreadable one, and
// migrates older versions (version 0 was a bare array of records).
import { redactHeaders, redactUrl } from '../common/secretHeaders';
import * as fs from 'node:fs';
import { FINAL_STATES, type RequestRecord, type RequestState } from '../common/callModel';

/** The version written; bump it (and migrate in `parseIndex`) when the format changes. */
export const INDEX_VERSION = 1;

/** A record some window removed, and when. */
export interface Removal {
  readonly id: string;
  readonly at: number;
}

export interface RequestIndex {
  readonly version: typeof INDEX_VERSION;
  readonly records: RequestRecord[];
  readonly removed: Removal[];
}

export type IndexRead =
  | { readonly kind: 'missing' }
  /** `unreadable`: entries left out because they are not records (the rest is usable). */
  | { readonly kind: 'read'; readonly index: RequestIndex; readonly unreadable: number }
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
  if (Array.isArray(value)) {
    entries = value; // version 0
  } else if (typeof value === 'object' && value !== null && 'version' in value) {
    const saved = value as { version: unknown; records?: unknown; removed?: unknown };
    if (saved.version !== INDEX_VERSION) {
      return {
        kind: 'corrupt',
        reason: `it has format version ${String(saved.version)}, not ${INDEX_VERSION}`,
      };
    }
    if (!Array.isArray(saved.records)) return { kind: 'corrupt', reason: 'it has no list of records' };
    entries = saved.records;
    if (Array.isArray(saved.removed)) removed = saved.removed.filter(isRemoval);
  } else {
    return { kind: 'corrupt', reason: 'it is neither a list of records nor a versioned index' };
  }
  // Records saved before headers and webhook URLs were redacted (or under a narrower rule) are redacted as they load.
  const records = entries
    .filter(isRecord)
    .map((r) =>
      r.headers || r.webhookUrl
        ? { ...r, headers: redactHeaders(r.headers), webhookUrl: redactUrl(r.webhookUrl) }
        : r,
    );
  return {
    kind: 'read',
    index: { version: INDEX_VERSION, records, removed },
    unreadable: entries.length - records.length,
  };
}

/**
 * Reads and parses `file`. Only what was read and is not an index counts as corrupt: a read that
 * fails (EACCES, EBUSY, EMFILE...) says nothing about the file, and is tried again later.
 */
export function readIndexFile(file: string): IndexRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'unavailable', reason: (err as Error).message };
  }
  return parseIndex(text);
}

export function serializeIndex(index: RequestIndex): string {
  return JSON.stringify(index);
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
