// A lock between processes (VS Code windows) on one file, held for a short synchronous section:
// read, merge and write a file several windows share. proper-lockfile does the locking (an atomic
// `mkdir` of `<file>.lock`, taken over when its holder died and left it stale); this adds the wait,
// done synchronously so a caller can finish its write before it returns.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

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

/**
 * Runs `section` while holding the lock on `file`, waiting at most `waitMs` for it (the holder of
 * a healthy lock keeps it for milliseconds). Throws LockBusyError when it could not be taken.
 */
export function withFileLockSync<T>(file: string, section: () => T, waitMs = 250): T {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const options = { stale: STALE_LOCK_MS, realpath: false, onCompromised: () => undefined };
  const giveUpAt = Date.now() + waitMs;
  let release: (() => void) | undefined;
  while (!release) {
    try {
      release = lockfile.lockSync(file, options);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      if (Date.now() >= giveUpAt) throw new LockBusyError(file);
      // A synchronous sleep: the caller's write must not return before it is done.
      Atomics.wait(pause, 0, 0, RETRY_PAUSE_MS);
    }
  }
  try {
    return section();
  } finally {
    try {
      release();
    } catch {
      // Already released (taken over as stale): nothing left to undo.
    }
  }
}

/** Writes `text` to `file` so a reader sees the old content or the new, never half of it. */
export function writeFileAtomicSync(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}
