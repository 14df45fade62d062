// The records of the calls made, newest first, with a change event the tree and the commands listen
// to, saved in `requests.json` (format: requestIndex.ts) so the list and the requests still running
// come back after a window reload.
//
// When it is saved: a new record, fal's request id and a final state are written before `add` or
// `update` returns (a synchronous write under the lock: a reload right after a submit must find the
// request id, or the request would be submitted again); a move between queued and in progress, logs,
// queue positions and stream events are coalesced into one write per 500 ms at most (a reload
// meanwhile follows the call by its request id); `flush()` resolves once all is on disk (deactivation).
// A write appends the records changed since the last one to the journal (requestJournal.ts), so its
// cost does not grow with the number of records; the index is written whole (each record's JSON kept
// from its last write unless it changed) once the journal outgrows it.
// Outputs over 16 KB go to files of their own (outputFiles.ts), read back with `output(id)`.
//
// Windows without a folder share one file in global storage: every write first reads, under a lock
// (fileLock.ts), what other windows appended or wrote since and merges it (recordMerge.ts: this
// window's records from memory, the others' from disk), and the files are re-read every 10 s, so
// each window lists the others' calls too. A window takes over another's running calls
// (`claimOrphans`) only when that window's heartbeat (windowHeartbeat.ts) is gone or stale.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Emitter, type Disposable } from '../common/emitter';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { Messages } from '../common/messages';
import { LockBusyError, withFileLockSync } from '../storage/fileLock';
import { isWindowLive, removeStaleHeartbeats, WindowHeartbeat } from '../storage/windowHeartbeat';
import {
  deleteOutputFile,
  MAX_INDEX_OUTPUT_BYTES,
  outputFileName,
  outputPath,
  outputSize,
  readOutputFile,
  writeOutputFile,
} from './outputFiles';
import { memoryWins, mergeRecords } from './recordMerge';
import { keepAside, readIndexFile, recordFromDisk, writeIndexFile, type RequestIndex } from './requestIndex';
import {
  appendJournal,
  journalFileOf,
  journalLine,
  readJournal,
  type JournalEntry,
  type JournalPosition,
  type Removal,
} from './requestJournal';
import { transition, type RecordPatch } from './recordTransitions';

/** `fal.history.maxRecords`: its default and bounds. */
export const DEFAULT_MAX_RECORDS = 1000;
export const MIN_MAX_RECORDS = 1;
export const MAX_MAX_RECORDS = 10_000;
/** Longest a change other than a new record, a final state or a request id waits to be saved. */
export const SAVE_DELAY_MS = 500;
/** How long a removal is remembered in the index (long enough for every live window to see it). */
const REMOVAL_KEPT_MS = 24 * 60 * 60 * 1000;
const MAX_REMOVALS_KEPT = 10_000;
/** How long a claim waits for the lock (it blocks the extension host): a later claim tries again. */
const CLAIM_LOCK_WAIT_MS = 250;
/** How long `flush` keeps trying when the lock or the disk is unavailable. */
const FLUSH_GIVE_UP_MS = 3_000;
/** The journal is folded into the index once it is larger than the index, and at least this. */
const MIN_JOURNAL_BYTES = 256 * 1024;

export interface RequestStoreOptions {
  /** This window's id (an extension host start); a random UUID by default. */
  readonly windowId?: string;
  /**
   * Earlier ids of this same window (kept in its workspace state): their running records are
   * claimed at once, even when their heartbeat still looks live (the window crashed before it
   * could remove it).
   */
  readonly adoptWindowIds?: readonly string[];
  /** Records kept (`fal.history.maxRecords`): oldest finished go first, running ones never. */
  readonly maxRecords?: number;
  /** Where to say that the saved file could not be read. */
  readonly messages?: Messages;
}

/** `value` as a record limit: a whole number from 1 to 10,000, else the default. */
export function clampMaxRecords(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_MAX_RECORDS;
  return Math.min(MAX_MAX_RECORDS, Math.max(MIN_MAX_RECORDS, Math.floor(value)));
}

interface FileStamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

function stampOf(file: string): FileStamp | undefined {
  try {
    const { ino, size, mtimeMs } = fs.statSync(file);
    return { ino, size, mtimeMs };
  } catch {
    return undefined;
  }
}

const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined): boolean =>
  !!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;

export class RequestStore implements Disposable {
  /** This window's id, written into the records it makes or claims. */
  readonly windowId: string;
  private readonly folder: string;
  private readonly journalFile: string;
  private readonly records: RequestRecord[] = [];
  private readonly byId = new Map<string, RequestRecord>();
  /** Ids removed here or by other windows, and when. */
  private readonly removed = new Map<string, number>();
  /** Output files of removed records, deleted once the index no longer names them. */
  private readonly filesToDelete = new Set<string>();
  /** The output last written to each record's file, so an unchanged one is not written again. */
  private readonly writtenOutputs = new Map<string, unknown>();
  /** Records changed here since the last write, and removals: what the next write appends. */
  private readonly unsaved = new Set<string>();
  private readonly unsavedRemovals: Removal[] = [];
  /** Records saved without their output, whose file could not be written: written again soon. */
  private readonly retryOutputs = new Set<string>();
  /** Each record's JSON as last written, kept until it changes, for writing the index whole. */
  private readonly savedJson = new Map<string, string>();
  /** The index's generation as last read or written (undefined: the next write is whole). */
  private generation: string | undefined;
  /** How far the journal has been read or written. */
  private journalAt: JournalPosition | undefined;
  /** The size of the index as last read or written. */
  private indexBytes = 0;
  /** The next write writes the index whole (an unreadable file was set aside). */
  private writeWhole = false;
  /** Records this window follows already (made here, or claimed): `claimOrphans` skips them. */
  private readonly followed = new Set<string>();
  private readonly adoptWindowIds: ReadonlySet<string>;
  private readonly messages: Messages | undefined;
  private maxRecords: number;

  private readonly changed = new Emitter<RequestRecord | undefined>();
  /** Fires with the record that changed, or undefined when the list itself changed. */
  readonly onDidChange = this.changed.event;
  private readonly saved = new Emitter<void>();
  /** Fires after each write of the index. */
  readonly onDidSave = this.saved.event;
  /** Changes merged from disk, told to listeners once the lock is released. */
  private readonly changedFromDisk = new Set<RequestRecord>();
  private listChangedFromDisk = false;

  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private inLock = false;
  /** The index file as this window last read or wrote it. */
  private seen: FileStamp | undefined;
  private readonly heartbeat: WindowHeartbeat;
  /** Why the last locked section did not run, if it did not. */
  private lastLockError: unknown;
  private disposed = false;

  /** `file`: the index, e.g. `<workspace storage>/requests.json`; output and heartbeat files go beside it. */
  constructor(
    readonly file: string,
    options: RequestStoreOptions = {},
  ) {
    this.folder = path.dirname(file);
    this.journalFile = journalFileOf(file);
    this.windowId = options.windowId ?? randomUUID();
    this.adoptWindowIds = new Set(options.adoptWindowIds ?? []);
    this.messages = options.messages;
    this.maxRecords = clampMaxRecords(options.maxRecords ?? DEFAULT_MAX_RECORDS);
    this.heartbeat = new WindowHeartbeat(this.folder, this.windowId, () => this.refresh());
    const stamp = stampOf(file);
    const read = readIndexFile(file);
    if (read.kind === 'read') {
      for (const r of read.index.removed) this.removed.set(r.id, r.at);
      this.records.push(...mergeRecords([], read.index.records, new Set(this.removed.keys()), this.windowId));
      for (const record of this.records) this.byId.set(record.id, record);
      if (read.unreadable === 0) this.sawIndex(stamp, read.index, read.journal);
    }
    // An unreadable file is set aside (and the user told) by the write, under the lock.
    if (read.kind === 'corrupt' || (read.kind === 'read' && read.unreadable > 0)) this.writeNow();
  }

  /** Newest first. */
  all(): readonly RequestRecord[] {
    return this.records;
  }

  get(id: string): RequestRecord | undefined {
    return this.byId.get(id);
  }

  /** The record's output: in memory, or read back from its own file. Undefined when it has none. */
  async output(id: string): Promise<unknown> {
    const record = this.get(id);
    if (record?.output !== undefined) return record.output;
    if (record?.outputFile) return readOutputFile(this.folder, record.outputFile);
    return undefined;
  }

  /** Where the output file of the record `id` goes (its name, as `outputFile` keeps it, and its path). */
  outputFileOf(id: string): { name: string; file: string } {
    const name = outputFileName(id);
    return { name, file: outputPath(this.folder, name) };
  }

  /** Adds a record this window follows (owned by this window); on disk when this returns. */
  add(record: RequestRecord): RequestRecord {
    record.windowId ??= this.windowId;
    this.followed.add(record.id);
    this.records.unshift(record);
    this.byId.set(record.id, record);
    this.changedHere(record.id);
    this.writeNow();
    this.changed.fire(record);
    return record;
  }

  /**
   * Applies `patch` to the record (through `transition`, which refuses an illegal change of state)
   * and tells listeners. A new request id or a final state is on disk when this returns (unless the
   * lock or the disk was unavailable: then by `flush()`); other changes, a move between the waiting
   * states among them, within 500 ms, together: a reload meanwhile follows the call by its request
   * id and asks fal where it is, and a thousand queued calls starting write once, not a thousand
   * times. Undefined when the record was removed meanwhile or the change was refused.
   */
  update(id: string, patch: RecordPatch): RequestRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    const next = transition(record, patch);
    if (!next) return undefined;
    const urgent =
      (next.state !== undefined && next.state !== record.state && isFinal({ state: next.state })) ||
      (next.requestId !== undefined && next.requestId !== record.requestId);
    Object.assign(record, next);
    this.changedHere(id);
    if (urgent) this.writeNow();
    else this.saveSoon();
    this.changed.fire(record);
    return record;
  }

  remove(id: string): void {
    const at = this.records.findIndex((r) => r.id === id);
    if (at < 0) return;
    this.forget(this.records.splice(at, 1)[0]);
    this.writeNow();
    this.changed.fire(undefined);
  }

  /** Removes every record `drop` picks. */
  removeWhere(drop: (record: RequestRecord) => boolean): void {
    const kept: RequestRecord[] = [];
    for (const record of this.records) {
      if (drop(record)) this.forget(record);
      else kept.push(record);
    }
    this.records.splice(0, this.records.length, ...kept);
    this.writeNow();
    this.changed.fire(undefined);
  }

  /** Sets `fal.history.maxRecords` (clamped to 1..10,000); records past it go now. */
  setMaxRecords(value: number): void {
    this.maxRecords = clampMaxRecords(value);
    if (this.records.length > this.maxRecords) this.writeNow();
  }

  /**
   * The running records this window is to follow now that it starts, re-owned by it: its own from
   * before (records saved with this window's id, or an id in `adoptWindowIds`), those without an
   * owner, and those of windows whose heartbeat is gone or stale. Decided and written under the
   * lock, so two windows starting together do not both take the same record. Records of other live
   * windows are left to them. The runner calls this in `resume()`, at start and then periodically
   * (a window that crashed leaves a heartbeat that goes stale only later).
   */
  claimOrphans(): RequestRecord[] {
    // Looked at without the lock first: most of the time there is nothing to take over.
    if (!this.records.some((r) => !isFinal(r) && !this.followed.has(r.id) && this.isOrphan(r))) return [];
    const claimed: RequestRecord[] = [];
    let decided = false;
    const claim = () => {
      decided = true;
      for (const record of this.records) {
        if (isFinal(record) || this.followed.has(record.id) || !this.isOrphan(record)) continue;
        record.windowId = this.windowId;
        this.followed.add(record.id);
        this.changedHere(record.id);
        claimed.push(record);
        this.changedFromDisk.add(record);
      }
      removeStaleHeartbeats(this.folder, this.windowId);
    };
    // Waits past the lock's stale time: a lock left by a dead window is then taken over.
    this.locked(claim, CLAIM_LOCK_WAIT_MS);
    // Another window holds the lock: the next claim (the runner tries again) decides.
    if (!decided && this.lastLockError instanceof LockBusyError) return [];
    if (!decided) {
      // The lock could not be made (a read-only folder): decide from what this window read.
      claim();
      this.saveSoon();
      this.tellChanges();
    }
    return claimed;
  }

  /** Resolves once everything changed so far is on disk, or after 3 s of failed tries. */
  async flush(): Promise<void> {
    const giveUpAt = Date.now() + FLUSH_GIVE_UP_MS;
    while (this.dirty && !this.writeNow() && Date.now() < giveUpAt) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.dirty) this.writeNow();
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    // After the last write: a window that sees no heartbeat may take the records over at once.
    this.heartbeat.dispose();
    this.changed.dispose();
    this.saved.dispose();
  }

  private isOrphan(record: RequestRecord): boolean {
    const owner = record.windowId;
    if (!owner || owner === this.windowId || this.adoptWindowIds.has(owner)) return true;
    return !isWindowLive(this.folder, owner);
  }

  /** The record leaves the list: remembered as removed, its output file deleted after the write. */
  private forget(record: RequestRecord): void {
    const at = Date.now();
    this.removed.set(record.id, at);
    this.unsavedRemovals.push({ id: record.id, at });
    if (record.outputFile) this.filesToDelete.add(record.outputFile);
    this.dropKept(record.id);
  }

  /** What this window kept about a record no longer in its list. */
  private dropKept(id: string): void {
    this.byId.delete(id);
    this.writtenOutputs.delete(id);
    this.followed.delete(id);
    this.unsaved.delete(id);
    this.savedJson.delete(id);
  }

  /** The record changed here: the next write appends it. */
  private changedHere(id: string): void {
    this.unsaved.add(id);
    this.savedJson.delete(id);
  }

  /** What this window now knows of the files: the index (its stamp, generation, size) and the journal. */
  private sawIndex(
    stamp: FileStamp | undefined,
    index: RequestIndex,
    journal: JournalPosition | undefined,
  ): void {
    this.seen = stamp;
    this.generation = index.generation;
    this.journalAt = journal;
    this.indexBytes = stamp?.size ?? 0;
  }

  private saveSoon(): void {
    this.dirty = true;
    this.saveTimer ??= setTimeout(() => {
      this.saveTimer = undefined;
      this.writeNow();
    }, SAVE_DELAY_MS).unref();
  }

  /** Writes the index now; false when it could not (it is retried within 500 ms). */
  private writeNow(): boolean {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.locked();
  }

  /**
   * Under the lock: reads what other windows wrote, merges it, runs `section`, drops records past
   * the limit and writes: the changed records appended to the journal, or the index whole when there
   * is none yet or the journal has outgrown it. Listeners hear of changes after the lock is released.
   */
  private locked(section?: () => void, waitMs?: number): boolean {
    if (this.inLock) {
      this.saveSoon();
      return false;
    }
    this.inLock = true;
    this.dirty = true;
    let written = false;
    this.lastLockError = undefined;
    try {
      withFileLockSync(
        this.file,
        () => {
          this.readDisk();
          section?.();
          this.dropPastLimit();
          const journalBytes = this.journalAt?.offset ?? 0;
          if (
            this.writeWhole ||
            !this.generation ||
            !this.journalAt ||
            journalBytes > Math.max(MIN_JOURNAL_BYTES, this.indexBytes)
          ) {
            this.writeIndex();
          } else {
            this.appendChanges(this.generation, this.journalAt);
          }
        },
        waitMs,
      );
      written = true;
      this.dirty = false;
      this.retryLater();
      for (const name of this.filesToDelete) deleteOutputFile(this.folder, name);
      this.filesToDelete.clear();
    } catch (err) {
      // What is in memory is intact; tried again shortly.
      this.lastLockError = err;
      this.saveSoon();
    } finally {
      this.inLock = false;
    }
    if (written) this.saved.fire();
    this.tellChanges();
    return written;
  }

  /** Writes every record (each serialised again only if it changed) with a new generation. */
  private writeIndex(): void {
    const json = this.records.map((record) => this.jsonOf(record));
    const written = writeIndexFile(this.file, json, this.removals());
    this.seen = stampOf(this.file);
    this.generation = written.generation;
    this.journalAt = written.journal;
    this.indexBytes = this.seen?.size ?? 0;
    this.writeWhole = false;
    this.unsaved.clear();
    this.unsavedRemovals.length = 0;
  }

  /** Appends the records changed and removed since the last write to the journal. */
  private appendChanges(generation: string, at: JournalPosition): void {
    const lines: string[] = [];
    for (const id of this.unsaved) {
      const record = this.byId.get(id);
      if (record) lines.push(journalLine(generation, { recordJson: this.jsonOf(record) }));
    }
    for (const removed of this.unsavedRemovals) lines.push(journalLine(generation, { removed }));
    if (lines.length > 0) this.journalAt = appendJournal(this.journalFile, lines, at);
    this.unsaved.clear();
    this.unsavedRemovals.length = 0;
  }

  /** The record's JSON as saved, kept until the record changes. */
  private jsonOf(record: RequestRecord): string {
    let json = this.savedJson.get(record.id);
    if (json === undefined) {
      const saved = this.forSaving(record);
      json = JSON.stringify(saved);
      // An output whose file could not be written is saved without it, and tried again.
      if (saved.outputDropped && !record.outputDropped) this.retryOutputs.add(record.id);
      else this.savedJson.set(record.id, json);
    }
    return json;
  }

  /** After a write: the records whose output file could not be written are written again soon. */
  private retryLater(): void {
    if (this.retryOutputs.size === 0) return;
    for (const id of this.retryOutputs) if (this.byId.has(id)) this.unsaved.add(id);
    this.retryOutputs.clear();
    this.saveSoon();
  }

  /**
   * Takes in what other windows wrote since this one last looked: the lines they appended to the
   * journal, or, when the index itself was written since (or is unreadable), the whole of it. An
   * unreadable index is set aside as `requests.json.corrupt-<time>` (copied when only some entries
   * are bad) and the user told once; the write that follows is then whole.
   */
  private readDisk(): void {
    const stamp = stampOf(this.file);
    if (!stamp) {
      this.generation = undefined; // gone (or never written): written whole
      return;
    }
    if (this.takeJournalTail(stamp)) return;
    const read = readIndexFile(this.file);
    if (read.kind === 'missing') {
      this.generation = undefined;
      return;
    }
    // Writing now would put this window's memory over records it could not read: try again later.
    if (read.kind === 'unavailable') throw new Error(`requests.json cannot be read now: ${read.reason}`);
    if (read.kind === 'corrupt') {
      const aside = keepAside(this.file, false);
      // Its journal goes with it: the lines follow an index nobody can read.
      if (fs.existsSync(this.journalFile)) keepAside(this.journalFile, false);
      this.writeWhole = true;
      this.messages?.show({
        level: 'warning',
        text:
          `The saved list of fal requests could not be read (${read.reason}), so the Requests view ` +
          `starts empty. The file is kept as ${path.basename(aside)}.`,
      });
      return;
    }
    if (read.unreadable > 0) {
      const aside = keepAside(this.file, true);
      this.writeWhole = true;
      this.messages?.show({
        level: 'warning',
        text:
          `${read.unreadable} saved fal request(s) could not be read and are left out of the Requests ` +
          `view. The file as it was is kept as ${path.basename(aside)}.`,
      });
    }
    this.sawIndex(stamp, read.index, read.journal);
    this.absorb(read.index);
  }

  /**
   * When the index is as this window last saw it (`stamp`), takes in the journal's lines appended
   * since and says true; false when the index or the journal was written whole meanwhile (then read
   * it all). Throws when the journal cannot be read now.
   */
  private takeJournalTail(stamp: FileStamp): boolean {
    if (!sameStamp(stamp, this.seen) || !this.journalAt) return false;
    const tail = readJournal(this.journalFile, this.generation, this.journalAt);
    if (tail.kind !== 'read') return false;
    this.journalAt = tail.position;
    this.absorbEntries(tail.entries);
    return true;
  }

  /**
   * Takes in lines other windows appended to the journal, one by one, by the rule of recordMerge.ts
   * (which `absorb` applies to a whole index), keeping the objects listeners already hold.
   */
  private absorbEntries(entries: readonly JournalEntry[]): void {
    for (const entry of entries) {
      if (entry.removed) {
        const { id, at } = entry.removed;
        if (!this.removed.has(id)) this.removed.set(id, at);
        const existing = this.byId.get(id);
        if (!existing) continue;
        this.records.splice(this.records.indexOf(existing), 1);
        this.dropKept(id);
        this.listChangedFromDisk = true;
        continue;
      }
      const saved = recordFromDisk(entry.record);
      if (!saved || this.removed.has(saved.id)) continue;
      const existing = this.byId.get(saved.id);
      if (!existing) {
        const created = saved.createdAt ?? 0;
        let at = 0;
        while (at < this.records.length && (this.records[at].createdAt ?? 0) >= created) at++;
        this.records.splice(at, 0, saved);
        this.byId.set(saved.id, saved);
        this.listChangedFromDisk = true;
        continue;
      }
      this.takeContents(existing, saved);
    }
  }

  /** `existing` takes the saved copy's contents, unless this window's copy wins or would be revived. */
  private takeContents(existing: RequestRecord, saved: RequestRecord): void {
    if (existing === saved || memoryWins(existing, saved, this.windowId)) return;
    // A record ended here is not brought back to life by an older copy on disk.
    if (isFinal(existing) && !isFinal(saved)) return;
    // The same version (updatedAt goes up with every change: recordTransitions.ts) needs no copy.
    if (
      existing.updatedAt === saved.updatedAt &&
      existing.windowId === saved.windowId &&
      existing.outputFile === saved.outputFile &&
      existing.outputDropped === saved.outputDropped
    )
      return;
    replaceContents(existing, saved);
    this.savedJson.delete(existing.id);
    this.changedFromDisk.add(existing);
  }

  /** Takes in what the disk says (see recordMerge.ts), keeping the objects listeners already hold. */
  private absorb(index: RequestIndex): void {
    for (const r of index.removed) if (!this.removed.has(r.id)) this.removed.set(r.id, r.at);
    const merged = mergeRecords(this.records, index.records, new Set(this.removed.keys()), this.windowId);
    const inMemory = new Map(this.byId);
    const onDisk = new Set(index.records.map((r) => r.id));
    const next = merged.map((record) => {
      const existing = inMemory.get(record.id);
      if (!existing) return record;
      inMemory.delete(record.id);
      this.takeContents(existing, record);
      // Known here, not removed, yet missing from the file (set aside as unreadable, or lost):
      // written again with this window's next write.
      if (!onDisk.has(record.id)) this.changedHere(record.id);
      return existing;
    });
    for (const gone of inMemory.keys()) this.dropKept(gone);
    if (next.length !== this.records.length || next.some((r, at) => r !== this.records[at])) {
      this.listChangedFromDisk = true;
    }
    this.records.splice(0, this.records.length, ...next);
    for (const record of next) this.byId.set(record.id, record);
  }

  /** Past the limit the oldest finished records go; running ones stay, whatever their age. */
  private dropPastLimit(): void {
    for (let at = this.records.length - 1; this.records.length > this.maxRecords && at >= 0; at--) {
      if (!isFinal(this.records[at])) continue;
      this.forget(this.records.splice(at, 1)[0]);
      this.listChangedFromDisk = true;
    }
  }

  /** The record as the index keeps it: an output over 16 KB replaced by the name of its own file. */
  private forSaving(record: RequestRecord): RequestRecord {
    const output = record.output;
    if (output === undefined) return record;
    if (outputSize(output) <= MAX_INDEX_OUTPUT_BYTES) {
      if (record.outputFile) {
        this.filesToDelete.add(record.outputFile);
        record.outputFile = undefined;
      }
      return record;
    }
    const name = outputFileName(record.id);
    if (this.writtenOutputs.get(record.id) !== output) {
      try {
        writeOutputFile(this.folder, name, output);
      } catch {
        return { ...record, output: undefined, outputFile: undefined, outputDropped: true };
      }
      this.writtenOutputs.set(record.id, output);
    }
    record.outputFile = name;
    record.outputDropped = undefined;
    this.filesToDelete.delete(name);
    return { ...record, output: undefined };
  }

  /** The removals worth keeping in the index: the last day's, at most 10,000. */
  private removals(): Removal[] {
    const since = Date.now() - REMOVAL_KEPT_MS;
    const kept = [...this.removed]
      .filter(([, at]) => at >= since)
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_REMOVALS_KEPT);
    this.removed.clear();
    for (const [id, at] of kept) this.removed.set(id, at);
    return kept.map(([id, at]) => ({ id, at }));
  }

  /**
   * Takes in what other windows wrote since, so their calls show here too (without writing). Runs
   * every 10 s, with the heartbeat; every write does it as well, under the lock.
   */
  refresh(): void {
    if (this.inLock || this.disposed) return;
    const stamp = stampOf(this.file);
    if (!stamp) return;
    try {
      if (this.takeJournalTail(stamp)) {
        this.tellChanges();
        return;
      }
    } catch {
      return; // cannot be read now: the next refresh or write tries again
    }
    const read = readIndexFile(this.file);
    // An unreadable file is left to the next write, which sets it aside under the lock.
    if (read.kind !== 'read' || read.unreadable > 0) return;
    this.sawIndex(stamp, read.index, read.journal);
    this.absorb(read.index);
    if (this.unsaved.size > 0) this.saveSoon();
    this.tellChanges();
  }

  private tellChanges(): void {
    const changed = [...this.changedFromDisk];
    const listChanged = this.listChangedFromDisk;
    this.changedFromDisk.clear();
    this.listChangedFromDisk = false;
    for (const record of changed) if (this.get(record.id) === record) this.changed.fire(record);
    if (listChanged) this.changed.fire(undefined);
  }
}

/** Makes `target` a copy of `source`, keeping the object (the runner and the views hold it). */
function replaceContents(target: RequestRecord, source: RequestRecord): void {
  const writable = target as unknown as Record<string, unknown>;
  for (const key of Object.keys(writable)) if (!(key in source)) delete writable[key];
  Object.assign(writable, source);
}
