// The files the sandbox serves under `/files/` (generated media and uploads), kept in memory and
// bounded by size: past `maxBytes` the oldest files go first, as a CDN's retention would drop them,
// so a long-running sandbox (the embedded one outlives window reloads) does not grow without end.
import { randomUUID } from 'node:crypto';

export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export class FileStore {
  /** In the order the files were stored: the first is the oldest. */
  private readonly byId = new Map<string, StoredFile>();
  private storedBytes = 0;

  constructor(
    private readonly baseUrl: () => string,
    /** Most bytes kept; the newest file is kept even when it alone is larger. */
    readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Stores `data` and returns its public URL (`{base}/files/{id}/{name}`). */
  put(data: Buffer, contentType: string, name = 'file.bin'): string {
    const reserved = this.reserve(name);
    this.set(reserved.id, data, contentType, reserved.name);
    return reserved.url;
  }

  /** Reserves an id for a file whose bytes arrive later (uploads). */
  reserve(name: string): { id: string; name: string; url: string } {
    const id = randomUUID();
    const safeName = encodeURIComponent(name.replace(/[/\\]/g, '_'));
    return { id, name: safeName, url: this.urlOf(id, safeName) };
  }

  /** Sets the bytes of a reserved (or existing) id, as the newest file, and drops the oldest past the cap. */
  set(id: string, data: Buffer, contentType: string, name: string): void {
    this.remove(id);
    this.byId.set(id, { id, name, contentType, data });
    this.storedBytes += data.length;
    for (const old of this.byId.keys()) {
      if (this.storedBytes <= this.maxBytes || old === id) break;
      this.remove(old);
    }
  }

  get(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.storedBytes;
  }

  private remove(id: string): void {
    const file = this.byId.get(id);
    if (!file) return;
    this.byId.delete(id);
    this.storedBytes -= file.data.length;
  }

  private urlOf(id: string, name: string): string {
    return `${this.baseUrl()}/files/${id}/${name}`;
  }
}
