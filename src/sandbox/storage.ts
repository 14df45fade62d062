// File uploads under `/rest/storage/...`, as fal's JS client performs them: `initiate` (key required)
// answers an `upload_url` that carries its own short-lived HMAC-signed token, because the client PUTs
// to it with a plain fetch and no key; the bytes are then served at `file_url` by the file store.
// Multipart: `initiate-multipart`, `PUT {upload_url path}/{n}{search}` per part, `POST .../complete`
// (multipartUploads.ts keeps the parts on disk). Also the Python client's CDN token route
// (`/rest/storage/auth/token`, served by cdnUploads.ts). Bodies stream to disk (uploadBody.ts).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleCdnToken } from './cdnUploads';
import type { SandboxContext } from './context';
import { readJsonBody, requireKey, sendDetail, sendJson } from './http';
import { completeMultipart, putPart, startMultipart } from './multipartUploads';
import { bodyLimit, writeUpload } from './uploadBody';

/** How long an `upload_url` stays valid. */
export const UPLOAD_TOKEN_TTL_SECONDS = 15 * 60;

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
    const target = { id: reserved.id, name: claims.n, contentType };
    startMultipart(ctx, target, UPLOAD_TOKEN_TTL_SECONDS * 1000 + 60_000);
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
  const written = await writeUpload(ctx, req, res, bodyLimit(ctx));
  if (!written) return;
  const { claims } = check;
  const contentType =
    claims.ct === 'application/octet-stream' && req.headers['content-type']
      ? req.headers['content-type']
      : claims.ct;
  const fileUrl = ctx.files.adopt(claims.id, written.path, written.size, contentType, claims.n);
  ctx.log(`storage: stored ${written.size} bytes as ${claims.id}/${claims.n}`);
  sendJson(res, 200, { file_url: fileUrl });
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
  if (action === 'complete') return completeMultipart(ctx, req, res, id);
  return putPart(ctx, req, res, id, action);
}

/** Answers a request under `/rest/storage/`; returns false when the path is not one of its routes. */
export async function handleStorage(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/rest/storage/auth/token') {
    await handleCdnToken(ctx, req, res, url);
    return true;
  }
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
