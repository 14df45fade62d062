// Uploads as fal's Python client makes them (fal_client `CDNTokenManager`, `_upload_v3`,
// `MultipartUpload`): a CDN token from `POST {rest}/storage/auth/token` (key required), then, with
// `Authorization: {token_type} {token}`, `POST {CDN}/files/upload` with the raw bytes, or multipart:
// `POST {base_url}/files/upload/multipart` → `{access_url, uploadId}`, `PUT {access_url}/multipart/
// {uploadId}/{n}` (ETag header), `POST …/complete`. The sandbox is both the CDN and the token's
// `base_url`, so these routes sit at its root, beside the `/files/` they fill. Tokens are JWTs signed
// with the per-start secret (an audience of their own), so an expired or foreign one is a 401.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { FAL_HEADERS } from '../common/falHeaders';
import type { SandboxContext } from './context';
import { readJsonBody, requireKey, sendDetail, sendJson } from './http';
import { completeMultipart, hasMultipart, putPart, startMultipart } from './multipartUploads';
import { bodyLimit, writeUpload } from './uploadBody';

const ISSUER = 'fal-sandbox';
const AUDIENCE = 'fal-sandbox-cdn-upload';
const TOKEN_TYPE = 'Bearer';

/** `POST /rest/storage/auth/token?storage_type=fal-cdn-v3` with `{}` → `{token, token_type, base_url, expires_at}`. */
export async function handleCdnToken(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (req.method !== 'POST') {
    sendDetail(res, 405, 'Method not allowed: ask for a CDN token with POST.', { allow: 'POST' });
    return;
  }
  if (!requireKey(ctx, req, res)) return;
  const storageType = url.searchParams.get('storage_type');
  if (storageType !== null && storageType !== 'fal-cdn-v3') {
    req.resume();
    sendDetail(res, 400, `Unsupported storage_type '${storageType}': the sandbox's CDN is fal-cdn-v3.`);
    return;
  }
  try {
    await readJsonBody(req, 64 * 1024);
  } catch {
    sendDetail(res, 400, 'Body must be JSON ({} is enough).');
    return;
  }
  const expiresMs = Date.now() + ctx.options.cdnTokenTtlSeconds * 1000;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresMs / 1000)
    .sign(ctx.secret);
  ctx.log(`storage: CDN upload token issued (${ctx.options.cdnTokenTtlSeconds}s)`);
  sendJson(res, 200, {
    token,
    token_type: TOKEN_TYPE,
    base_url: ctx.baseUrl,
    // Python's datetime.fromisoformat reads "+00:00" in every version; "Z" only from 3.11.
    expires_at: new Date(expiresMs).toISOString().replace('Z', '+00:00'),
  });
}

/** Checks `Authorization: Bearer <CDN token>`; answers 401 and returns false when it is not valid now. */
async function requireCdnToken(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = /^Bearer\s+(\S+)$/i.exec((req.headers.authorization ?? '').trim());
  let detail: string | undefined;
  if (!match) {
    detail = 'CDN uploads need `Authorization: Bearer <token>` from POST /rest/storage/auth/token.';
  } else {
    try {
      const { payload } = await jwtVerify(match[1], ctx.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      // jose compares whole seconds; the sandbox honours fractional lifetimes (short ones in tests).
      if (typeof payload.exp !== 'number' || payload.exp * 1000 <= Date.now()) {
        detail = 'CDN upload token expired: ask /rest/storage/auth/token for a new one.';
      }
    } catch (err) {
      detail =
        err instanceof joseErrors.JWTExpired
          ? 'CDN upload token expired: ask /rest/storage/auth/token for a new one.'
          : 'Invalid CDN upload token (tokens are signed per sandbox start).';
    }
  }
  if (detail === undefined) return true;
  req.resume();
  sendDetail(res, 401, detail);
  return false;
}

/** The upload's declared type and name (`Content-Type`, `X-Fal-File-Name`), and its lifecycle logged. */
function describe(ctx: SandboxContext, req: IncomingMessage): { contentType: string; fileName: string } {
  const contentType = req.headers['content-type']?.trim() || 'application/octet-stream';
  const header = req.headers[FAL_HEADERS.fileName];
  const fileName = (typeof header === 'string' && header.trim()) || 'upload.bin';
  const lifecycle = req.headers[FAL_HEADERS.objectLifecycle];
  if (typeof lifecycle === 'string') ctx.log(`storage: upload lifecycle ${lifecycle}`);
  return { contentType, fileName };
}

/** `POST /files/upload`: the bytes of one file → `{access_url}`. */
async function uploadSingle(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { contentType, fileName } = describe(ctx, req);
  const written = await writeUpload(ctx, req, res, bodyLimit(ctx));
  if (!written) return;
  const reserved = ctx.files.reserve(fileName);
  const accessUrl = ctx.files.adopt(reserved.id, written.path, written.size, contentType, reserved.name);
  ctx.log(`storage: CDN upload stored ${written.size} bytes as ${reserved.id}/${reserved.name}`);
  sendJson(res, 200, { access_url: accessUrl });
}

/** `POST /files/upload/multipart` → `{access_url, uploadId}`. */
function initiateMultipart(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const { contentType, fileName } = describe(ctx, req);
  const reserved = ctx.files.reserve(fileName);
  startMultipart(
    ctx,
    { id: reserved.id, name: reserved.name, contentType },
    ctx.options.cdnTokenTtlSeconds * 1000 + 60_000,
  );
  ctx.log(`storage: CDN multipart upload ${reserved.id} started for ${fileName} (${contentType})`);
  sendJson(res, 200, { access_url: reserved.url, uploadId: reserved.id });
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PART_PATH = new RegExp(`^/files/(${UUID})/[^/]+/multipart/(${UUID})/([^/]+)$`);

/** True when `path` is one of these routes (so the file server leaves it alone). */
export function isCdnUploadPath(path: string): boolean {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '/files/upload' || trimmed === '/files/upload/multipart' || PART_PATH.test(trimmed);
}

/** Answers one of the routes {@link isCdnUploadPath} names. */
export async function handleCdnUpload(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const trimmed = path.replace(/\/+$/, '');
  const part = PART_PATH.exec(trimmed);
  const method = part && part[3] !== 'complete' ? 'PUT' : 'POST';
  if (req.method !== method) {
    req.resume();
    sendDetail(res, 405, `Method not allowed: use ${method}.`, { allow: method });
    return;
  }
  if (!(await requireCdnToken(ctx, req, res))) return;
  if (trimmed === '/files/upload') return uploadSingle(ctx, req, res);
  if (trimmed === '/files/upload/multipart') return initiateMultipart(ctx, req, res);
  const [, fileId, uploadId, action] = part!;
  if (fileId !== uploadId || !hasMultipart(ctx, uploadId)) {
    req.resume();
    sendDetail(res, 404, 'No multipart upload in progress at this URL (already completed?).');
    return;
  }
  if (action === 'complete') return completeMultipart(ctx, req, res, uploadId);
  return putPart(ctx, req, res, uploadId, action);
}
