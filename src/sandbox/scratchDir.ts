// A temporary folder one sandbox owns (multipart upload parts wait there until `complete`), made on
// first use so a sandbox that never takes a multipart upload leaves nothing on disk, and removed
// with everything in it when the sandbox closes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class ScratchDir {
  private made: Promise<string> | undefined;

  /** The folder's path, making it on the first call. */
  path(): Promise<string> {
    this.made ??= mkdtemp(join(tmpdir(), 'fal-sandbox-'));
    return this.made;
  }

  /** Deletes the folder and what it holds; a later `path()` makes a new one. */
  async remove(): Promise<void> {
    const made = this.made;
    this.made = undefined;
    if (!made) return;
    const path = await made.catch(() => undefined);
    if (path) await rm(path, { recursive: true, force: true });
  }
}
