// File uploads under `/rest/storage/...`, as fal's JS client performs them: `initiate` (key required)
// answers an `upload_url` that carries its own short-lived HMAC-signed token, because the client PUTs
// to it with a plain fetch and no key; the bytes are then served at `file_url` by the file store.
// Multipart: `initiate-multipart`, `PUT {upload_url path}/{n}{search}` per part, `POST .../complete`;
// each part streams to a file in the sandbox's scratch folder as it arrives (a 10 GB upload is never
// in memory in parts), and `complete` assembles them from disk into the file store.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SandboxContext } from './context';
import { BodyTooLargeError, readBody, readJsonBody, requireKey, sendDetail, sendJson } from './http';

/** How long an `upload_url` stays valid. */
export const UPLOAD_TOKEN_TTL_SECONDS = 15 * 60;

/** Most parts a multipart upload may have (as S3). */
const MAX_PARTS = 10_000;

type UploadKind = 'single' | 'multipart';

/** What an upload token vouches for; signed, so the PUT needs no server-side lookup. */
export interface UploadClaims {
  /** `single` or `multipart`. */
  k: UploadKind;
  /** File id reserved in the file store. */
  id: string;
  /** Name segment of `file_url` (already URL-safe). */
  n: string;
  /** Content type announced at initiate. */
  ct: string;
  /** Expiry, Unix seconds. */
  exp: number;
}

/** A part on disk, in the scratch folder. */
interface StoredPart {
  readonly path: string;
  readonly size: number;
  readonly etag: string;
}

interface MultipartState {
  readonly claims: UploadClaims;
  readonly parts: Map<number, StoredPart>;
  bytes: number;
}

/** Forgets a multipart upload and deletes its parts from disk. */
async function dropMultipart(ctx: SandboxContext, id: string): Promise<void> {
  const state = multipartUploads(ctx).get(id);
  multipartUploads(ctx).delete(id);
  if (state) await Promise.all([...state.parts.values()].map((p) => rm(p.path, { force: true })));
}

const multipartByContext = new WeakMap<SandboxContext, Map<string, MultipartState>>();

function multipartUploads(ctx: SandboxContext): Map<string, MultipartState> {
  let map = multipartByContext.get(ctx);
  if (!map) {
    map = new Map();
    multipartByContext.set(ctx, map);
  }
  return map;
}

function mac(ctx: SandboxContext, payload: string): Buffer {
  // Domain-separated from the other things ctx.secret signs (realtime tokens).
  return createHmac('sha256', ctx.secret).update(`fal-sandbox-upload\n${payload}`).digest();
}

/** Signs upload claims into the `token` query parameter of an `upload_url`. */
export function signUploadToken(ctx: SandboxContext, claims: UploadClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(ctx, payload).toString('base64url')}`;
}

type TokenCheck = { ok: true; claims: UploadClaims } | { ok: false; detail: string };

export function verifyUploadToken(
  ctx: SandboxContext,
  token: string | null,
  kind: UploadKind,
  id: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): TokenCheck {
  if (!token)
    return { ok: false, detail: 'Upload URL has no token: use the upload_url answered by initiate.' };
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) {
    return { ok: false, detail: 'Malformed upload token.' };
  }
  const expected = mac(ctx, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, detail: 'Invalid upload token signature (was it issued by this sandbox run?).' };
  }
  let claims: UploadClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as UploadClaims;
  } catch {
    return { ok: false, detail: 'Malformed upload token.' };
  }
  if (claims.k !== kind || claims.id !== id) {
    return { ok: false, detail: 'Upload token does not match this upload URL.' };
  }
  if (typeof claims.exp !== 'number' || claims.exp < nowSeconds) {
    return { ok: false, detail: 'Upload token expired: initiate the upload again.' };
  }
  return { ok: true, claims };
}

function limitBytes(ctx: SandboxContext): number {
  return ctx.options.maxUploadMb * 1024 * 1024;
}

function sendTooLarge(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): void {
  // Drain what the client is still sending so it reads the 413 rather than a reset connection.
  req.resume();
  sendDetail(
    res,
    413,
    `Upload larger than ${ctx.options.maxUploadMb} MB; raise --max-upload-mb to accept bigger files.`,
  );
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const n = Number(header);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads an upload body of at most `limit` bytes; answers 413 and returns undefined past it. */
async function readUpload(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) {
    sendTooLarge(ctx, req, res);
    return undefined;
  }
  try {
    return await readBody(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendTooLarge(ctx, req, res);
      return undefined;
    }
    throw err;
  }
}

/** A small JSON control body (initiate, complete); an empty one reads as `{}`. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = await readJsonBody(req, 1024 * 1024);
  return body === undefined ? {} : body;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function initiate(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  kind: UploadKind,
): Promise<void> {
  if (req.method !== 'POST') {
    sendDetail(res, 405, 'Method not allowed: initiate an upload with POST.', { allow: 'POST' });
    return;
  }
  if (!requireKey(ctx, req, res)) return;
  const storageType = url.searchParams.get('storage_type');
  if (storageType !== null && storageType !== 'fal-cdn-v3' && storageType !== 'gcs') {
    sendDetail(res, 400, `Unsupported storage_type '${storageType}': the sandbox accepts fal-cdn-v3.`);
    return;
  }
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    sendDetail(res, 400, 'Body must be JSON: {"content_type": "...", "file_name": "..."}.');
    return;
  }
  if (!isRecord(body)) {
    sendDetail(res, 400, 'Body must be a JSON object: {"content_type": "...", "file_name": "..."}.');
    return;
  }
  const contentType =
    typeof body.content_type === 'string' && body.content_type.trim()
      ? body.content_type.trim()
      : 'application/octet-stream';
  const fileName =
    typeof body.file_name === 'string' && body.file_name.trim() ? body.file_name.trim() : 'upload.bin';
  const reserved = ctx.files.reserve(fileName);
  const claims: UploadClaims = {
    k: kind,
    id: reserved.id,
    n: reserved.url.slice(reserved.url.lastIndexOf('/') + 1),
    ct: contentType,
    exp: Math.floor(Date.now() / 1000) + UPLOAD_TOKEN_TTL_SECONDS,
  };
  const route = kind === 'single' ? 'put' : 'multipart';
  const token = encodeURIComponent(signUploadToken(ctx, claims));
  const uploadUrl = `${ctx.baseUrl}/rest/storage/upload/${route}/${reserved.id}?token=${token}`;
  if (kind === 'multipart') {
    multipartUploads(ctx).set(reserved.id, { claims, parts: new Map(), bytes: 0 });
    setTimeout(() => void dropMultipart(ctx, reserved.id), UPLOAD_TOKEN_TTL_SECONDS * 1000 + 60_000).unref();
  }
  ctx.log(`storage: ${kind} upload ${reserved.id} initiated for ${fileName} (${contentType})`);
  sendJson(res, 200, { upload_url: uploadUrl, file_url: reserved.url });
}

async function putSingle(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
): Promise<void> {
  if (req.method !== 'PUT') {
    sendDetail(res, 405, 'Method not allowed: PUT the file bytes to the upload_url.', { allow: 'PUT' });
    return;
  }
  const check = verifyUploadToken(ctx, url.searchParams.get('token'), 'single', id);
  if (!check.ok) {
    req.resume();
    sendDetail(res, 403, check.detail);
    return;
  }
  const data = await readUpload(ctx, req, res, limitBytes(ctx));
  if (!data) return;
  const { claims } = check;
  const contentType =
    claims.ct === 'application/octet-stream' && req.headers['content-type']
      ? req.headers['content-type']
      : claims.ct;
  ctx.files.set(claims.id, data, contentType, claims.n);
  ctx.log(`storage: stored ${data.length} bytes as ${claims.id}/${claims.n}`);
  sendJson(res, 200, { file_url: `${ctx.baseUrl}/files/${claims.id}/${claims.n}` });
}

/**
 * Streams an upload body of at most `limit` bytes to `path` (through a temporary name, so a part cut
 * short never replaces a whole one) and returns its size and MD5 etag; past the limit it reads the
 * rest without keeping it, answers 413 and returns undefined.
 */
async function writeUpload(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  limit: number,
): Promise<{ size: number; etag: string } | undefined> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) {
    sendTooLarge(ctx, req, res);
    return undefined;
  }
  const hash = createHash('md5');
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limit) return done();
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
  if (size > limit) {
    await rm(partial, { force: true });
    sendTooLarge(ctx, req, res);
    return undefined;
  }
  await rename(partial, path);
  return { size, etag: `"${hash.digest('hex')}"` };
}

async function putPart(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  state: MultipartState,
  partText: string,
): Promise<void> {
  if (req.method !== 'PUT') {
    sendDetail(res, 405, 'Method not allowed: PUT each part.', { allow: 'PUT' });
    return;
  }
  const partNumber = Number(partText);
  if (!/^\d+$/.test(partText) || partNumber < 1 || partNumber > MAX_PARTS) {
    req.resume();
    sendDetail(res, 400, `Part number must be an integer from 1 to ${MAX_PARTS}.`);
    return;
  }
  const path = join(await ctx.scratch.path(), `${id}-${partNumber}.part`);
  const before = state.parts.get(partNumber)?.size ?? 0;
  const written = await writeUpload(ctx, req, res, path, limitBytes(ctx) - (state.bytes - before));
  if (!written) return;
  const previous = state.parts.get(partNumber)?.size ?? 0;
  state.parts.set(partNumber, { path, ...written });
  state.bytes += written.size - previous;
  sendJson(res, 200, { partNumber, etag: written.etag }, { etag: written.etag });
}

async function complete(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  state: MultipartState,
): Promise<void> {
  if (req.method !== 'POST') {
    sendDetail(res, 405, 'Method not allowed: complete a multipart upload with POST.', { allow: 'POST' });
    return;
  }
  let body: unknown;
  try {
    body = await readJson(req);
  } catch {
    sendDetail(res, 400, 'Body must be JSON: {"parts": [{"partNumber": 1, "etag": "..."}]}.');
    return;
  }
  const parts = isRecord(body) && Array.isArray(body.parts) ? body.parts : undefined;
  if (!parts || parts.length === 0) {
    sendDetail(res, 400, 'Body must list the uploaded parts: {"parts": [{"partNumber": 1, "etag": "..."}]}.');
    return;
  }
  const chosen: StoredPart[] = [];
  let last = 0;
  for (const part of parts) {
    const partNumber = isRecord(part) ? part.partNumber : undefined;
    const etag = isRecord(part) ? part.etag : undefined;
    if (typeof partNumber !== 'number' || partNumber <= last) {
      sendDetail(res, 400, 'Parts must be listed once each, in ascending partNumber order.');
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
    chosen.push(stored);
    last = partNumber;
  }
  const data = Buffer.concat(await Promise.all(chosen.map((part) => readFile(part.path))));
  const { claims } = state;
  ctx.files.set(id, data, claims.ct, claims.n);
  await dropMultipart(ctx, id);
  ctx.log(`storage: multipart upload ${id} completed, ${parts.length} parts, ${data.length} bytes`);
  const fileUrl = `${ctx.baseUrl}/files/${id}/${claims.n}`;
  sendJson(res, 200, { file_url: fileUrl, access_url: fileUrl });
}

async function multipart(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
  action: string,
): Promise<void> {
  const check = verifyUploadToken(ctx, url.searchParams.get('token'), 'multipart', id);
  if (!check.ok) {
    req.resume();
    sendDetail(res, 403, check.detail);
    return;
  }
  const state = multipartUploads(ctx).get(id);
  if (!state) {
    req.resume();
    sendDetail(res, 404, 'No multipart upload in progress with this id (already completed?).');
    return;
  }
  if (action === 'complete') return complete(ctx, req, res, id, state);
  return putPart(ctx, req, res, id, state, action);
}

/** Answers a request under `/rest/storage/`; returns false when the path is not one of its routes. */
export async function handleStorage(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/rest/storage/upload/initiate') {
    await initiate(ctx, req, res, url, 'single');
    return true;
  }
  if (path === '/rest/storage/upload/initiate-multipart') {
    await initiate(ctx, req, res, url, 'multipart');
    return true;
  }
  const single = /^\/rest\/storage\/upload\/put\/([0-9a-f-]{36})$/.exec(path);
  if (single) {
    await putSingle(ctx, req, res, url, single[1]);
    return true;
  }
  const part = /^\/rest\/storage\/upload\/multipart\/([0-9a-f-]{36})\/([^/]+)$/.exec(path);
  if (part) {
    await multipart(ctx, req, res, url, part[1], part[2]);
    return true;
  }
  return false;
}
