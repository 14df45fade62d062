// A JSON file the extension host writes itself, at once and atomically (temp file, then rename), for
// what must survive a window reload that comes right after a change: the playground's form. (The
// request records have their own store, shared by windows under a lock: src/requests/requestStore.ts.) (Mementos and webview state are flushed by the window later, and a reload can
// lose their last writes.) Writes are coalesced: while one is waiting, later ones ride with it.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class JsonFile<T> {
  private writing: Promise<void> = Promise.resolve();
  private pending: (() => T) | undefined;

  constructor(readonly file: string) {}

  /** The saved value, or undefined when there is none or it cannot be read. */
  read(): T | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  /** Saves the value `current()` returns when the write's turn comes; resolves once it is on disk. */
  write(current: () => T): Promise<void> {
    const queued = this.pending !== undefined;
    this.pending = current;
    if (queued) return this.writing;
    this.writing = this.writing.then(async () => {
      const value = this.pending!;
      this.pending = undefined;
      try {
        await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
        const temp = `${this.file}.${process.pid}.tmp`;
        await fs.promises.writeFile(temp, JSON.stringify(value()));
        await fs.promises.rename(temp, this.file);
      } catch {
        // Retried with the next change; what is in memory is intact.
      }
    });
    return this.writing;
  }

  /** Resolves once every write asked for so far is done. */
  flush(): Promise<void> {
    return this.writing;
  }
}
