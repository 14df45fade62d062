// The records of the calls made from this workspace, newest first, with a change event the tree and
// the commands listen to. Saved at every change to a JSON file in the extension's workspace storage
// (see JsonFile), so the list and the requests still running come back after a window reload.
// Outputs too large to keep are dropped from the saved copy only.
import { Emitter, type Disposable } from '../common/emitter';
import { JsonFile } from '../storage/jsonFile';
import { transition, type RecordPatch } from './recordTransitions';
import { isFinal, type RequestRecord } from '../common/callModel';

/** Records kept; the oldest go first. */
export const MAX_RECORDS = 200;
/** Largest output (as JSON) kept across reloads. */
export const MAX_SAVED_OUTPUT_BYTES = 256 * 1024;
/** Longest a change other than a new state waits to be saved. */
const SAVE_DELAY_MS = 500;

export class RequestStore implements Disposable {
  private readonly records: RequestRecord[];
  private readonly changed = new Emitter<RequestRecord | undefined>();
  /** Fires with the record that changed, or undefined when the list itself changed. */
  readonly onDidChange = this.changed.event;
  private readonly file: JsonFile<RequestRecord[]>;
  private saveTimer: NodeJS.Timeout | undefined;

  /** `file`: where the records are saved, e.g. `<workspace storage>/requests.json`. */
  constructor(file: string) {
    this.file = new JsonFile(file);
    const saved = this.file.read();
    this.records = Array.isArray(saved) ? saved.filter((r) => r && typeof r.id === 'string') : [];
  }

  /** Newest first. */
  all(): readonly RequestRecord[] {
    return this.records;
  }

  /**
   * The running records this window is to follow after it starts: its own from before a reload, and
   * those of windows that are gone. (The store decides which; the runner resumes them.)
   */
  claimOrphans(): RequestRecord[] {
    return this.records.filter((r) => !isFinal(r));
  }

  get(id: string): RequestRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  add(record: RequestRecord): RequestRecord {
    this.records.unshift(record);
    // Past the limit the oldest finished records go; running ones stay, whatever their age.
    for (let at = this.records.length - 1; this.records.length > MAX_RECORDS && at >= 0; at--) {
      if (isFinal(this.records[at])) this.records.splice(at, 1);
    }
    this.changed.fire(record);
    void this.save(true);
    return record;
  }

  /**
   * Applies `patch` to the record (through `transition`, which refuses an illegal change of state)
   * and tells listeners. Undefined when the record was removed meanwhile or the change was refused.
   */
  update(id: string, patch: RecordPatch): RequestRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    const next = transition(record, patch);
    if (!next) return undefined;
    const stateChanged = next.state !== undefined && next.state !== record.state;
    Object.assign(record, next);
    this.changed.fire(record);
    // A new state is saved at once; log lines, positions and stream events at most every 500 ms.
    void this.save(stateChanged || next.requestId !== undefined);
    return record;
  }

  remove(id: string): void {
    const at = this.records.findIndex((r) => r.id === id);
    if (at < 0) return;
    this.records.splice(at, 1);
    this.changed.fire(undefined);
    void this.save(true);
  }

  /** Removes every record `drop` picks. */
  removeWhere(drop: (record: RequestRecord) => boolean): void {
    const kept = this.records.filter((r) => !drop(r));
    this.records.splice(0, this.records.length, ...kept);
    this.changed.fire(undefined);
    void this.save(true);
  }

  /** Resolves once everything changed so far is saved (tests, and deactivation). */
  flush(): Promise<void> {
    return this.saveTimer ? this.save(true) : this.file.flush();
  }

  private save(now: boolean): Promise<void> {
    if (!now) {
      this.saveTimer ??= setTimeout(() => void this.save(true), SAVE_DELAY_MS).unref();
      return this.file.flush();
    }
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.file.write(() => this.records.map(forSaving));
  }

  dispose(): void {
    if (this.saveTimer) void this.save(true);
    this.changed.dispose();
  }
}

/** JSON size of each output seen, so a save does not serialise every output twice. */
const outputSizes = new WeakMap<object, number>();

function forSaving(record: RequestRecord): RequestRecord {
  const output = record.output;
  if (output === undefined) return record;
  let size = typeof output === 'object' && output !== null ? outputSizes.get(output) : undefined;
  if (size === undefined) {
    try {
      size = Buffer.byteLength(JSON.stringify(output) ?? '');
    } catch {
      size = Infinity;
    }
    if (typeof output === 'object' && output !== null) outputSizes.set(output, size);
  }
  if (size <= MAX_SAVED_OUTPUT_BYTES) return record;
  return { ...record, output: undefined, outputDropped: true };
}
