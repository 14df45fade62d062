// Temporary JWT tokens (`POST /rest/tokens/`), as fal issues them for realtime and client streaming:
// HS256 with the sandbox's per-start secret, naming the allowed app aliases and an expiry. The
// realtime handshake checks them with `verifyToken`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { SandboxContext } from './context';
import { BodyTooLargeError, readJsonBody, requireKey, sendDetail, sendJson } from './http';

const ISSUER = 'fal-sandbox';
/** fal's clients ask for 120 s; the sandbox accepts anything above 0 up to a day (fractions too, for fast tests). */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 120;
export const MAX_TOKEN_EXPIRATION_SECONDS = 24 * 60 * 60;

export interface TokenClaims {
  allowed_apps: string[];
  /** Expiry, seconds since the epoch (may carry a fraction). */
  exp: number;
  iat: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; status: 401 | 403; reason: string };

/** Signs a token for `allowedApps` (aliases) living `expirationSeconds`. */
export async function issueToken(
  ctx: SandboxContext,
  allowedApps: string[],
  expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS,
): Promise<string> {
  const nowSeconds = Date.now() / 1000;
  return new SignJWT({ allowed_apps: allowedApps })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(ISSUER)
    .setIssuedAt(Math.floor(nowSeconds))
    .setExpirationTime(nowSeconds + expirationSeconds)
    .sign(ctx.secret);
}

/**
 * Checks a token's signature and expiry (to the millisecond), then that it names `alias`.
 * 401 for a token that is not ours or has expired, 403 for a valid token naming other apps.
 */
export async function verifyToken(ctx: SandboxContext, token: string, alias: string): Promise<TokenCheck> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, ctx.secret, { algorithms: ['HS256'], issuer: ISSUER }));
  } catch (err) {
    if (err instanceof joseErrors.JWTExpired) return { ok: false, status: 401, reason: 'Token expired.' };
    return {
      ok: false,
      status: 401,
      reason: `Invalid token: ${err instanceof Error ? err.message : String(err)} (tokens are signed per sandbox start).`,
    };
  }
  const exp = payload.exp;
  if (typeof exp !== 'number' || exp * 1000 <= Date.now())
    return { ok: false, status: 401, reason: 'Token expired.' };
  const apps = payload.allowed_apps;
  if (!Array.isArray(apps) || !apps.every((a) => typeof a === 'string')) {
    return { ok: false, status: 401, reason: 'Invalid token: no allowed_apps claim.' };
  }
  if (!apps.includes(alias)) {
    return {
      ok: false,
      status: 403,
      reason: `Token not valid for app "${alias}" (allowed: ${apps.map((a) => `"${a}"`).join(', ') || 'none'}).`,
    };
  }
  return { ok: true, claims: { allowed_apps: apps, exp, iat: Number(payload.iat ?? 0) } };
}

/** `POST /rest/tokens/` with `{allowed_apps, token_expiration}`: answers the token as a bare JSON string. */
export async function handleTokens(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') {
    sendDetail(res, 405, 'Use POST to create a token.', { allow: 'POST' });
    return;
  }
  if (!requireKey(ctx, req, res)) return;
  let body: unknown;
  try {
    body = (await readJsonBody(req, 64 * 1024)) ?? {};
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendDetail(res, 413, err.message);
    else
      sendDetail(res, 400, 'The body must be JSON: {"allowed_apps": ["<alias>"], "token_expiration": 120}.');
    return;
  }
  const input = (body ?? {}) as { allowed_apps?: unknown; token_expiration?: unknown };
  const apps = input.allowed_apps;
  if (
    !Array.isArray(apps) ||
    apps.length === 0 ||
    !apps.every((a) => typeof a === 'string' && a.length > 0)
  ) {
    sendDetail(res, 422, [
      {
        loc: ['body', 'allowed_apps'],
        msg: 'allowed_apps must be a non-empty list of app aliases, e.g. ["echo"] for sandbox/echo',
        type: 'value_error',
      },
    ]);
    return;
  }
  if (apps.some((a: string) => a.includes('/'))) {
    sendDetail(res, 422, [
      {
        loc: ['body', 'allowed_apps'],
        msg: 'allowed_apps holds app aliases only (e.g. "echo", not "sandbox/echo")',
        type: 'value_error',
      },
    ]);
    return;
  }
  const expiration = input.token_expiration ?? DEFAULT_TOKEN_EXPIRATION_SECONDS;
  if (
    typeof expiration !== 'number' ||
    !Number.isFinite(expiration) ||
    expiration <= 0 ||
    expiration > MAX_TOKEN_EXPIRATION_SECONDS
  ) {
    sendDetail(res, 422, [
      {
        loc: ['body', 'token_expiration'],
        msg: `token_expiration must be a number of seconds above 0 and at most ${MAX_TOKEN_EXPIRATION_SECONDS}`,
        type: 'value_error',
      },
    ]);
    return;
  }
  const token = await issueToken(ctx, apps as string[], expiration);
  ctx.log(`tokens: issued for ${(apps as string[]).join(', ')} (${expiration}s)`);
  sendJson(res, 200, token);
}
