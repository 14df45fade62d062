// A lock between processes (VS Code windows) on one file, held for a short synchronous section:
// read, merge and write a file several windows share. The lock is a file beside it, `<file>.lock`,
// created with O_EXCL (atomic: one process at a time succeeds) and deleted on release. A section
// lasts milliseconds and blocks its process, so a lock older than STALE_LOCK_MS was left by a process
// that died in its section; it is taken over by renaming it away (also atomic: one taker wins).
//
// Not proper-lockfile: its lock is a directory (for network filesystems), and creating and deleting
// a directory costs 0.2 to 1.2 ms on this project's machines against 0.03 ms for a file; the request
// store takes the lock for every write (issue 12: a status change within 1 ms of host time).
// Its refreshing of the lock's time serves locks held across awaits, which this one never is.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A lock older than this is taken to be left by a process that died while holding it. */
export const STALE_LOCK_MS = 5_000;
/** Pause between two tries while another process holds the lock. */
const RETRY_PAUSE_MS = 10;

export class LockBusyError extends Error {
  constructor(file: string) {
    super(`Another window held the lock on ${path.basename(file)} too long; the write will be retried.`);
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** The lock file of `file`. */
export const lockFileOf = (file: string): string => `${file}.lock`;

/**
 * Takes the lock on `file`, waiting at most `waitMs` (synchronously: the caller's write must not
 * return before it is done), and returns its release. Throws LockBusyError when it could not be taken.
 */
export function lockFileSync(file: string, waitMs = 250): () => void {
  const lock = lockFileOf(file);
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      // Which lock is ours: its inode and time (an inode number alone is reused at once once a
      // stale lock is deleted; a lock taken over is at least STALE_LOCK_MS younger).
      const { ino, mtimeMs } = fs.fstatSync(fd);
      fs.closeSync(fd);
      return () => release(lock, ino, mtimeMs);
    }
    if (takeOverIfStale(lock)) continue;
    if (Date.now() >= giveUpAt) throw new LockBusyError(file);
    Atomics.wait(pause, 0, 0, RETRY_PAUSE_MS);
  }
}

/** Deletes the lock if it is still the one taken (not taken over meanwhile as stale). */
function release(lock: string, ino: number, mtimeMs: number): void {
  try {
    const now = fs.statSync(lock);
    if (now.ino === ino && now.mtimeMs === mtimeMs) fs.unlinkSync(lock);
  } catch {
    // Already gone: nothing left to undo.
  }
}

/** Moves a lock left by a dead process out of the way; true when the lock may be tried again at once. */
function takeOverIfStale(lock: string): boolean {
  const stat = fs.statSync(lock, { throwIfNoEntry: false });
  if (!stat) return true; // released meanwhile
  if (Date.now() - stat.mtimeMs < STALE_LOCK_MS) return false;
  const aside = `${lock}.stale-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return true; // another process took it over first
  }
  fs.rmSync(aside, { recursive: true, force: true }); // a directory, if an older version left it
  return true;
}

/**
 * Runs `section` while holding the lock on `file`, waiting at most `waitMs` for it (the holder of
 * a healthy lock keeps it for milliseconds). Throws LockBusyError when it could not be taken.
 */
export function withFileLockSync<T>(file: string, section: () => T, waitMs = 250): T {
  const release = lockFileSync(file, waitMs);
  try {
    return section();
  } finally {
    release();
  }
}

/** Writes `text` to `file` so a reader sees the old content or the new, never half of it. */
export function writeFileAtomicSync(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
