// In-memory store of the files the sandbox serves under `/files/`: generated media and uploads.
import { randomUUID } from 'node:crypto';

export interface StoredFile {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();

  constructor(private readonly baseUrl: () => string) {}

  /** Stores `data` and returns its public URL (`{base}/files/{id}/{name}`). */
  put(data: Buffer, contentType: string, name = 'file.bin'): string {
    const id = randomUUID();
    const safeName = encodeURIComponent(name.replace(/[/\\]/g, '_'));
    this.byId.set(id, { id, name: safeName, contentType, data });
    return this.urlOf(id, safeName);
  }

  /** Reserves an id for a file whose bytes arrive later (uploads). */
  reserve(name: string): { id: string; url: string } {
    const id = randomUUID();
    const safeName = encodeURIComponent(name.replace(/[/\\]/g, '_'));
    return { id, url: this.urlOf(id, safeName) };
  }

  /** Sets the bytes of a reserved (or existing) id. */
  set(id: string, data: Buffer, contentType: string, name: string): void {
    this.byId.set(id, { id, name, contentType, data });
  }

  get(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  private urlOf(id: string, name: string): string {
    return `${this.baseUrl()}/files/${id}/${name}`;
  }
}
