// Which windows sharing a folder of saved state are alive: each window keeps a small file named by
// its id in `<folder>/windows/`, touched every 10 s and removed when the window closes. A window
// whose file is older than 30 s (it crashed, or its machine slept) or gone (it closed) is not
// following its calls any more, so another window may take them over.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How often a live window touches its file. */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A window whose file is older than this is taken to be gone. */
export const HEARTBEAT_STALE_MS = 30_000;

/** The heartbeat file of window `windowId` among the windows sharing `folder`. */
export function heartbeatFile(folder: string, windowId: string): string {
  return path.join(folder, 'windows', encodeURIComponent(windowId));
}

/** True while window `windowId` has touched its file in the last 30 s. */
export function isWindowLive(folder: string, windowId: string, now = Date.now()): boolean {
  try {
    return now - fs.statSync(heartbeatFile(folder, windowId)).mtimeMs < HEARTBEAT_STALE_MS;
  } catch {
    return false;
  }
}

/** Removes the files of windows gone for longer than the stale time, other than `keep`. */
export function removeStaleHeartbeats(folder: string, keep: string, now = Date.now()): void {
  const dir = path.join(folder, 'windows');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === encodeURIComponent(keep)) continue;
    try {
      const file = path.join(dir, name);
      if (now - fs.statSync(file).mtimeMs >= HEARTBEAT_STALE_MS) fs.rmSync(file, { force: true });
    } catch {
      // Removed by another window meanwhile.
    }
  }
}

/** This window's heartbeat: written now, touched every 10 s (calling `onBeat` too), removed on dispose. */
export class WindowHeartbeat {
  private readonly file: string;
  private readonly timer: NodeJS.Timeout;

  constructor(folder: string, windowId: string, onBeat?: () => void) {
    this.file = heartbeatFile(folder, windowId);
    this.beat();
    this.timer = setInterval(() => {
      this.beat();
      onBeat?.();
    }, HEARTBEAT_INTERVAL_MS).unref();
  }

  private beat(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      // Rewritten rather than touched: another window may have removed it as stale while this one slept.
      fs.writeFileSync(this.file, String(process.pid));
    } catch {
      // A read-only or vanished folder: other windows will see this one as gone, nothing worse.
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    fs.rmSync(this.file, { force: true });
  }
}
