// The video clips `sandbox/video` serves: small files committed under `media/sandbox/` (made by its
// `make-clips.sh`, so neither the build nor CI needs ffmpeg). The folder ships in the extension
// beside `dist/`, and the code that reads it runs from several places (bundled as `dist/sandbox.js`,
// bundled into `out/test/...`, or from `src/` under tsx), so it is found as the nearest `media/sandbox`
// above this code. Each clip is read once and kept.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Clip {
  readonly file: string;
  readonly contentType: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly numFrames: number;
  /** Seconds. */
  readonly duration: number;
}

const PATTERN = { width: 160, height: 120, fps: 15, numFrames: 30, duration: 2 };

/** What `media/sandbox/make-clips.sh` makes. */
export const CLIPS = {
  mp4: { file: 'sandbox-clip.mp4', contentType: 'video/mp4', ...PATTERN },
  webm: { file: 'sandbox-clip.webm', contentType: 'video/webm', ...PATTERN },
} as const satisfies Record<string, Clip>;

export type ClipFormat = keyof typeof CLIPS;

/** The `media/sandbox` folder nearest above `from` that holds the clips. */
export function clipFolder(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'media', 'sandbox');
    if (fs.existsSync(path.join(candidate, CLIPS.mp4.file))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`No media/sandbox/${CLIPS.mp4.file} above ${from}`);
  }
}

const read = new Map<ClipFormat, Promise<Buffer>>();

/** A clip's bytes. */
export function clipBytes(format: ClipFormat): Promise<Buffer> {
  let bytes = read.get(format);
  if (!bytes) {
    bytes = fs.promises.readFile(path.join(clipFolder(), CLIPS[format].file));
    bytes.catch(() => read.delete(format));
    read.set(format, bytes);
  }
  return bytes;
}
