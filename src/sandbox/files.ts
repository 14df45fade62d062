// The files the sandbox serves under `/files/` (generated media and uploads). Their bodies are files
// on disk in the sandbox's scratch folder (a 1 GB upload never sits in memory); the store keeps only
// their names and sizes, bounded by size: past `maxBytes` the oldest files go first (and their disk
// files with them), as a CDN's retention would drop them, so a long-running sandbox (the embedded
// one outlives window reloads) does not grow without end.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createReadStream, renameSync, rmSync, writeFileSync, type ReadStream } from 'node:fs';
import { join } from 'node:path';

export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  /** The body on disk. */
  readonly path: string;
  readonly size: number;
}

export class FileStore {
  /** In the order the files were stored: the first is the oldest. */
  private readonly byId = new Map<string, StoredFile>();
  private storedBytes = 0;

  constructor(
    private readonly baseUrl: () => string,
    /** The folder the bodies go to (made on first use). */
    private readonly folder: () => string,
    /** Most bytes kept; the newest file is kept even when it alone is larger. */
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Stores `data` (small generated media) and returns its public URL (`{base}/files/{id}/{name}`). */
  put(data: Buffer, contentType: string, name = 'file.bin'): string {
    const reserved = this.reserve(name);
    const path = join(this.folder(), reserved.id);
    writeFileSync(path, data);
    this.add({ id: reserved.id, name: reserved.name, contentType, path, size: data.length });
    return reserved.url;
  }

  /** Reserves an id for a file whose bytes arrive later (uploads). */
  reserve(name: string): { id: string; name: string; url: string } {
    const id = randomUUID();
    const safeName = encodeURIComponent(name.replace(/[/\\]/g, '_'));
    return { id, name: safeName, url: this.urlOf(id, safeName) };
  }

  /**
   * Takes the file at `path` (written elsewhere in the same scratch folder) as the body of a reserved
   * (or existing) id, moving it into the store, as the newest file; drops the oldest past the cap.
   */
  adopt(id: string, path: string, size: number, contentType: string, name: string): string {
    const target = join(this.folder(), id);
    renameSync(path, target);
    this.add({ id, name, contentType, path: target, size });
    return this.urlOf(id, name);
  }

  get(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  /**
   * A stored file's bytes (for the endpoints that read an uploaded image), read without blocking;
   * undefined when there is none, and a RangeError past `maxBytes` (a 10 GB upload is not an image).
   */
  async read(id: string, maxBytes: number): Promise<Buffer | undefined> {
    const file = this.byId.get(id);
    if (!file) return undefined;
    if (file.size > maxBytes)
      throw new RangeError(`${file.name} is ${file.size} bytes, more than ${maxBytes}`);
    return fs.promises.readFile(file.path);
  }

  /** A stream of a stored file's bytes, or of the inclusive byte range `range`, for serving it. */
  open(file: StoredFile, range?: { start: number; end: number }): ReadStream {
    return createReadStream(file.path, range);
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.storedBytes;
  }

  private add(file: StoredFile): void {
    this.remove(file.id, false);
    this.byId.set(file.id, file);
    this.storedBytes += file.size;
    for (const old of this.byId.keys()) {
      if (this.storedBytes <= this.maxBytes || old === file.id) break;
      this.remove(old, true);
    }
  }

  private remove(id: string, deleteBody: boolean): void {
    const file = this.byId.get(id);
    if (!file) return;
    this.byId.delete(id);
    this.storedBytes -= file.size;
    if (deleteBody) rmSync(file.path, { force: true });
  }

  private urlOf(id: string, name: string): string {
    return `${this.baseUrl()}/files/${id}/${name}`;
  }
}
