// `GET /files/{id}/{name}`: the stored files (generated media and uploads), public as fal's CDN is,
// served so a browser's `<video>` and `<audio>` can play and seek them: `Accept-Ranges: bytes`, a
// single `Range` answered `206 Partial Content` with `Content-Range`, one that no byte satisfies
// answered `416` with `Content-Range: bytes */size`. A malformed `Range`, several ranges, or an
// `If-Range` naming another version get the whole file (200), as HTTP lets a server do. Stored
// files never change, so the file id is the ETag.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import parseRange from 'range-parser';
import { FAL_HEADERS } from '../common/falHeaders';
import type { SandboxContext } from './context';
import type { StoredFile } from './files';
import { sendDetail } from './http';

export const FILES_PREFIX = '/files/';

/** The one byte range to send (inclusive bounds), `'unsatisfiable'`, or undefined for the whole file. */
export function byteRange(
  file: Pick<StoredFile, 'id' | 'size'>,
  rangeHeader: string | undefined,
  ifRange: string | undefined,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!rangeHeader) return undefined;
  if (ifRange !== undefined && ifRange !== etagOf(file)) return undefined;
  const ranges = parseRange(file.size, rangeHeader, { combine: true });
  if (ranges === -1) return 'unsatisfiable';
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return undefined;
  return { start: ranges[0].start, end: ranges[0].end };
}

const etagOf = (file: Pick<StoredFile, 'id'>) => `"${file.id}"`;

export function serveFile(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): void {
  const match = /^\/files\/([^/]+)(?:\/.*)?$/.exec(path);
  const file = match ? ctx.files.get(match[1]) : undefined;
  if (!file) {
    const cap = ctx.options.maxStoreMb;
    return sendDetail(res, 404, `File not found (the sandbox keeps its newest ${cap} MB of files).`);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendDetail(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
  }
  const headers: Record<string, string | number> = {
    'content-type': file.contentType,
    'accept-ranges': 'bytes',
    etag: etagOf(file),
    'cache-control': 'public, max-age=3600',
    [FAL_HEADERS.requestId]: randomUUID(),
  };
  const ifRange = req.headers['if-range'];
  const range = byteRange(file, req.headers.range, typeof ifRange === 'string' ? ifRange : undefined);
  if (range === 'unsatisfiable') {
    const detail = `Range ${req.headers.range} is outside the file's ${file.size} bytes.`;
    return sendDetail(res, 416, detail, { 'content-range': `bytes */${file.size}` });
  }
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${file.size}`;
    headers['content-length'] = range.end - range.start + 1;
  } else {
    headers['content-length'] = file.size;
  }
  res.writeHead(range ? 206 : 200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A file dropped from the store while it streams is already open here and streams to its end.
  pipeline(ctx.files.open(file, range), res).catch(() => res.destroy());
}
