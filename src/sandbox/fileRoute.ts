// `GET /files/{id}/{name}`: the stored files (generated media and uploads), public as fal's CDN is,
// served so a browser's `<video>` and `<audio>` can play and seek them: `Accept-Ranges: bytes`, a
// single `Range` answered `206 Partial Content` with `Content-Range`, one that no byte satisfies
// answered `416` with `Content-Range: bytes */size`. A malformed `Range`, several ranges, or an
// `If-Range` naming another version get the whole file (200), as HTTP lets a server do. Stored
// files never change, so the file id is the ETag. Every file is served with
// `X-Content-Type-Options: nosniff`, and a type a browser would open as a page of the sandbox's origin
// (HTML, XHTML, SVG, XML, PDF) as an attachment, so an uploaded or generated file cannot run script.
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

/**
 * Types a browser shows as a document that can run script (or load others) when navigated to; served
 * with `Content-Disposition: attachment`. `<img>` and `<video>` ignore the disposition.
 */
export function opensAsPage(contentType: string): boolean {
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type === '' ||
    type === 'text/html' ||
    type === 'application/pdf' ||
    type === 'text/xml' ||
    type === 'application/xml' ||
    type === 'text/xsl' ||
    type.endsWith('+xml') || // image/svg+xml, application/xhtml+xml, application/rss+xml, ...
    type.startsWith('multipart/')
  );
}

/** `attachment; filename*=UTF-8''name`, the stored (already %-encoded) name as RFC 5987 wants it. */
function attachmentDisposition(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9!#$&+.^_`|~%-]/g, (c) => encodeURIComponent(c));
  return `attachment; filename*=UTF-8''${safe}`;
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
    'x-content-type-options': 'nosniff',
    [FAL_HEADERS.requestId]: randomUUID(),
  };
  if (opensAsPage(file.contentType)) headers['content-disposition'] = attachmentDisposition(file.name);
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
