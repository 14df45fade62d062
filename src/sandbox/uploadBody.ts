// Receiving an upload's body, for every upload route (fal's JS client's PUTs, the Python client's
// CDN POSTs, each multipart part): streamed to a file in the scratch folder as it arrives, never
// held in memory, and refused with 413 past a limit (the rest is drained so the client reads the
// 413 rather than a reset connection).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SandboxContext } from './context';
import { sendDetail } from './http';

/** A limit on an upload body, and how to say it in a 413. */
export interface UploadLimit {
  readonly bytes: number;
  /** E.g. `Upload larger than 100 MB; raise --max-upload-mb to accept bigger files.` */
  readonly detail: string;
}

/** The limit on one upload body (a single upload or one part): `--max-upload-mb`. */
export function bodyLimit(ctx: SandboxContext): UploadLimit {
  const mb = ctx.options.maxUploadMb;
  return {
    bytes: mb * 1024 * 1024,
    detail: `Upload larger than ${mb} MB; raise --max-upload-mb to accept bigger files.`,
  };
}

export function sendTooLarge(req: IncomingMessage, res: ServerResponse, limit: UploadLimit): void {
  req.resume();
  sendDetail(res, 413, limit.detail);
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isFinite(n) ? n : undefined;
}

/** Where an upload body is written before it becomes a part or a stored file. */
export function uploadsFolder(ctx: SandboxContext): string {
  return ctx.scratch.pathSync('parts');
}

export interface WrittenUpload {
  readonly path: string;
  readonly size: number;
  /** Quoted MD5 of the bytes, as S3 answers it. */
  readonly etag: string;
}

/**
 * Streams the body to `path` (default: a fresh name in {@link uploadsFolder}), through a temporary
 * name so a body cut short never replaces a whole one, and returns its size and etag. Past
 * `limit.bytes` (declared or counted) it keeps nothing, answers 413 and returns undefined.
 */
export async function writeUpload(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  limit: UploadLimit,
  path = join(uploadsFolder(ctx), `${randomUUID()}.upload`),
): Promise<WrittenUpload | undefined> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit.bytes) {
    sendTooLarge(req, res, limit);
    return undefined;
  }
  const hash = createHash('md5');
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit.bytes) return done();
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const partial = `${path}.${randomUUID()}.partial`;
  try {
    await pipeline(req, counted, createWriteStream(partial));
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  if (size > limit.bytes) {
    await rm(partial, { force: true });
    sendTooLarge(req, res, limit);
    return undefined;
  }
  await rename(partial, path);
  return { path, size, etag: `"${hash.digest('hex')}"` };
}
