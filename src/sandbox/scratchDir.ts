// A temporary folder one sandbox owns (multipart upload parts wait in `parts/`, stored file bodies
// live in `files/`), made on first use so a sandbox that stores nothing leaves nothing on disk, and
// removed with everything in it when the sandbox closes.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class ScratchDir {
  private made: string | undefined;

  /** The folder's path (or that of a sub-folder, made too), making it on the first call. */
  pathSync(sub?: string): string {
    this.made ??= mkdtempSync(join(tmpdir(), 'fal-sandbox-'));
    if (!sub) return this.made;
    const dir = join(this.made, sub);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** As {@link pathSync}, for callers that await. */
  path(sub?: string): Promise<string> {
    return Promise.resolve(this.pathSync(sub));
  }

  /** Deletes the folder and what it holds; a later `path()` makes a new one. */
  async remove(): Promise<void> {
    const made = this.made;
    this.made = undefined;
    if (made) await rm(made, { recursive: true, force: true });
  }
}
