// Multipart uploads, as both official clients make them (fal's JS client under `/rest/storage/`, the
// Python client on the CDN routes): each part streams to a file in the scratch folder as it arrives,
// limited by `--max-upload-mb` per part and `--max-multipart-mb` all together, is answered with its
// ETag (header and body), and `complete` joins the listed parts on disk into the file store. Nothing
// of a part is held in memory. Routes decide who may call; this module holds the uploads.
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { SandboxContext } from './context';
import { readJsonBody, sendDetail, sendJson } from './http';
import { bodyLimit, uploadsFolder, writeUpload, type UploadLimit, type WrittenUpload } from './uploadBody';

/** Most parts a multipart upload may have (as S3). */
const MAX_PARTS = 10_000;

/** The stored file a multipart upload becomes. */
export interface MultipartTarget {
  /** File id reserved in the file store (also the upload's id). */
  readonly id: string;
  /** Name segment of the file's URL (already URL-safe). */
  readonly name: string;
  readonly contentType: string;
}

interface MultipartState {
  readonly target: MultipartTarget;
  readonly parts: Map<number, WrittenUpload>;
  /** Bytes of the parts received. */
  bytes: number;
  /** Room held for parts still arriving. */
  reserved: number;
}

const byContext = new WeakMap<SandboxContext, Map<string, MultipartState>>();

function uploads(ctx: SandboxContext): Map<string, MultipartState> {
  let map = byContext.get(ctx);
  if (!map) {
    map = new Map();
    byContext.set(ctx, map);
  }
  return map;
}

function totalLimit(ctx: SandboxContext): UploadLimit {
  const mb = ctx.options.maxMultipartMb;
  return {
    bytes: mb * 1024 * 1024,
    detail: `Multipart upload larger than ${mb} MB in all; raise --max-multipart-mb to accept bigger files.`,
  };
}

/** Starts an upload; it is forgotten (parts deleted) after `ttlMs` unless completed before. */
export function startMultipart(ctx: SandboxContext, target: MultipartTarget, ttlMs: number): void {
  uploads(ctx).set(target.id, { target, parts: new Map(), bytes: 0, reserved: 0 });
  // setTimeout takes at most 2^31 - 1 ms (longer fires at once).
  setTimeout(() => void dropMultipart(ctx, target.id), Math.min(ttlMs, 2 ** 31 - 1)).unref();
}

export function hasMultipart(ctx: SandboxContext, id: string): boolean {
  return uploads(ctx).has(id);
}

/** Forgets a multipart upload and deletes its parts from disk. */
async function dropMultipart(ctx: SandboxContext, id: string): Promise<void> {
  const state = uploads(ctx).get(id);
  uploads(ctx).delete(id);
  if (state) await Promise.all([...state.parts.values()].map((p) => rm(p.path, { force: true })));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `PUT …/{n}`: one part; answers `{partNumber, etag}` with an `ETag` header. */
export async function putPart(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  partText: string,
): Promise<void> {
  if (req.method !== 'PUT') {
    sendDetail(res, 405, 'Method not allowed: PUT each part.', { allow: 'PUT' });
    return;
  }
  const state = uploads(ctx).get(id);
  if (!state) {
    req.resume();
    sendDetail(res, 404, 'No multipart upload in progress with this id (already completed?).');
    return;
  }
  const partNumber = Number(partText);
  if (!/^\d+$/.test(partText) || partNumber < 1 || partNumber > MAX_PARTS) {
    req.resume();
    sendDetail(res, 400, `Part number must be an integer from 1 to ${MAX_PARTS}.`);
    return;
  }
  const perPart = bodyLimit(ctx);
  const total = totalLimit(ctx);
  const before = state.parts.get(partNumber)?.size ?? 0;
  // Parts come in parallel (the Python client sends 10 at once): room held for those still arriving
  // counts as used, so together they cannot pass the total.
  const left = Math.max(0, total.bytes - (state.bytes - before) - state.reserved);
  const limit = left < perPart.bytes ? { bytes: left, detail: total.detail } : perPart;
  const path = join(uploadsFolder(ctx), `${id}-${partNumber}.part`);
  state.reserved += limit.bytes;
  let written;
  try {
    written = await writeUpload(ctx, req, res, limit, path);
  } finally {
    state.reserved -= limit.bytes;
  }
  if (!written) return;
  const previous = state.parts.get(partNumber)?.size ?? 0;
  state.parts.set(partNumber, written);
  state.bytes += written.size - previous;
  sendJson(res, 200, { partNumber, etag: written.etag }, { etag: written.etag });
}

const PARTS_HINT = '{"parts": [{"partNumber": 1, "etag": "..."}]}';

/**
 * `POST …/complete` with `{parts}` (in any order, each once): joins them into the stored file and
 * answers `{file_url, access_url}`.
 */
export async function completeMultipart(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
): Promise<void> {
  if (req.method !== 'POST') {
    sendDetail(res, 405, 'Method not allowed: complete a multipart upload with POST.', { allow: 'POST' });
    return;
  }
  const state = uploads(ctx).get(id);
  if (!state) {
    req.resume();
    sendDetail(res, 404, 'No multipart upload in progress with this id (already completed?).');
    return;
  }
  let body: unknown;
  try {
    body = await readJsonBody(req, 1024 * 1024);
  } catch {
    sendDetail(res, 400, `Body must be JSON: ${PARTS_HINT}.`);
    return;
  }
  const listed = isRecord(body) && Array.isArray(body.parts) ? body.parts : undefined;
  if (!listed || listed.length === 0) {
    sendDetail(res, 400, `Body must list the uploaded parts: ${PARTS_HINT}.`);
    return;
  }
  const chosen = new Map<number, WrittenUpload>();
  for (const part of listed) {
    const partNumber = isRecord(part) ? part.partNumber : undefined;
    const etag = isRecord(part) ? part.etag : undefined;
    if (typeof partNumber !== 'number' || chosen.has(partNumber)) {
      sendDetail(res, 400, 'Parts must be listed once each, each with its partNumber.');
      return;
    }
    const stored = state.parts.get(partNumber);
    if (!stored) {
      sendDetail(res, 400, `Part ${partNumber} was never uploaded.`);
      return;
    }
    if (typeof etag === 'string' && etag.replace(/"/g, '') !== stored.etag.replace(/"/g, '')) {
      sendDetail(res, 400, `Part ${partNumber}: etag does not match the uploaded bytes.`);
      return;
    }
    chosen.set(partNumber, stored);
  }
  const ordered = [...chosen.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
  // Taken out before the first wait: a second complete (a client retrying) or the expiry timer
  // finds nothing to join or delete while this one joins.
  uploads(ctx).delete(id);
  const joined = join(uploadsFolder(ctx), `${id}.joined`);
  const size = await joinFiles(
    ordered.map((part) => part.path),
    joined,
  );
  const { target } = state;
  const url = ctx.files.adopt(id, joined, size, target.contentType, target.name);
  await Promise.all([...state.parts.values()].map((p) => rm(p.path, { force: true })));
  ctx.log(`storage: multipart upload ${id} completed, ${ordered.length} parts, ${size} bytes`);
  sendJson(res, 200, { file_url: url, access_url: url });
}

/** Concatenates files on disk into `target`, streaming; returns the bytes written. */
async function joinFiles(paths: readonly string[], target: string): Promise<number> {
  async function* parts(): AsyncGenerator<Buffer> {
    for (const path of paths) yield* createReadStream(path) as AsyncIterable<Buffer>;
  }
  const out = createWriteStream(target);
  try {
    await pipeline(parts(), out);
  } catch (err) {
    await rm(target, { force: true });
    throw err;
  }
  return out.bytesWritten;
}
