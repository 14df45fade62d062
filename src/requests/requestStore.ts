// The records of the calls made from this workspace, newest first, with a change event the tree and
// the commands listen to. Saved at every change to a JSON file in the extension's workspace storage
// (see JsonFile), so the list and the requests still running come back after a window reload.
// Outputs too large to keep are dropped from the saved copy only.
import * as vscode from 'vscode';
import { JsonFile } from '../storage/jsonFile';
import type { RequestRecord } from './requestRecord';

/** Records kept; the oldest go first. */
export const MAX_RECORDS = 200;
/** Largest output (as JSON) kept across reloads. */
export const MAX_SAVED_OUTPUT_BYTES = 256 * 1024;

export class RequestStore implements vscode.Disposable {
  private readonly records: RequestRecord[];
  private readonly changed = new vscode.EventEmitter<RequestRecord | undefined>();
  /** Fires with the record that changed, or undefined when the list itself changed. */
  readonly onDidChange = this.changed.event;
  private readonly file: JsonFile<RequestRecord[]>;

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

  get(id: string): RequestRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  add(record: RequestRecord): RequestRecord {
    this.records.unshift(record);
    this.records.splice(MAX_RECORDS);
    this.changed.fire(undefined);
    void this.save();
    return record;
  }

  /** Applies `patch` to the record and tells listeners; a record removed meanwhile is left alone. */
  update(id: string, patch: Partial<RequestRecord>): RequestRecord | undefined {
    const record = this.get(id);
    if (!record) return undefined;
    Object.assign(record, patch, { updatedAt: Date.now() });
    this.changed.fire(record);
    void this.save();
    return record;
  }

  remove(id: string): void {
    const at = this.records.findIndex((r) => r.id === id);
    if (at < 0) return;
    this.records.splice(at, 1);
    this.changed.fire(undefined);
    void this.save();
  }

  /** Removes every record `drop` picks. */
  removeWhere(drop: (record: RequestRecord) => boolean): void {
    const kept = this.records.filter((r) => !drop(r));
    this.records.splice(0, this.records.length, ...kept);
    this.changed.fire(undefined);
    void this.save();
  }

  /** Resolves once everything changed so far is saved (tests, and deactivation). */
  flush(): Promise<void> {
    return this.file.flush();
  }

  private save(): Promise<void> {
    return this.file.write(() => this.records.map(forSaving));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function forSaving(record: RequestRecord): RequestRecord {
  if (record.output === undefined) return record;
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(record.output) ?? '');
  } catch {
    size = Infinity;
  }
  if (size <= MAX_SAVED_OUTPUT_BYTES) return record;
  return { ...record, output: undefined, outputDropped: true };
}
