// Verifying fal webhook deliveries: Ed25519 over `request_id\nuser_id\ntimestamp\nhex(sha256(body))`,
// checked against every key of a JWKS (fal serves its set at https://rest.alpha.fal.ai/.well-known/
// jwks.json; a sandbox at {base}/rest/.well-known/jwks.json), a timestamp window (±300 s by default),
// and refusal of a request id already seen within the window (replay). `verifyWebhook` never throws: it
// answers `{ok: true, payload}` or `{ok: false, reason}`.
import { displayHeaderName, FAL_HEADERS } from '../common/falHeaders';
import { createHash, createPublicKey, verify, type JsonWebKey } from 'node:crypto';

/** A key of the set; only `{kty: "OKP", crv: "Ed25519", x}` entries are used. */
export interface WebhookJwk {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
  use?: string;
  alg?: string;
}

export interface WebhookJwks {
  keys: WebhookJwk[];
}

/** fal's delivery body. */
export interface WebhookPayload<Output = unknown> {
  request_id: string;
  gateway_request_id?: string;
  status: 'OK' | 'ERROR';
  payload: Output | null;
  error?: string;
  payload_error?: string;
}

export type WebhookVerification<Output = unknown> =
  | { ok: true; payload: WebhookPayload<Output>; requestId: string; userId: string; timestamp: number }
  | { ok: false; reason: string };

/** Request ids seen recently, each forgotten once it can no longer pass the timestamp window. */
export class ReplayCache {
  private readonly expiries = new Map<string, number>();

  /** @param maxEntries bound on memory; the oldest entries go first. */
  constructor(private readonly maxEntries = 100_000) {}

  /** True when `id` was recorded and has not expired at `nowMs`. */
  has(id: string, nowMs = Date.now()): boolean {
    const expiry = this.expiries.get(id);
    return expiry !== undefined && expiry > nowMs;
  }

  /** Records `id` until `expiresAtMs`. */
  add(id: string, expiresAtMs: number, nowMs = Date.now()): void {
    this.prune(nowMs);
    this.expiries.delete(id);
    this.expiries.set(id, expiresAtMs);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next().value as string;
      this.expiries.delete(oldest);
    }
  }

  /** Forgets `id`, e.g. when the receiver failed to process a delivery and wants fal's retry accepted. */
  delete(id: string): void {
    this.expiries.delete(id);
  }

  get size(): number {
    return this.expiries.size;
  }

  private prune(nowMs: number): void {
    for (const [id, expiry] of this.expiries) if (expiry <= nowMs) this.expiries.delete(id);
  }
}

/** The cache `verifyWebhook` uses when none is given. */
export const defaultReplayCache = new ReplayCache();

export type WebhookHeaders =
  Headers | Record<string, string | string[] | undefined> | { get(name: string): string | null };

export interface VerifyWebhookOptions {
  /** Current time in ms (default Date.now()). */
  now?: number;
  /** Largest allowed distance between the timestamp and now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Request ids already accepted; `defaultReplayCache` unless given. `false` turns the check off. */
  seen?: ReplayCache | false;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function publicKeys(jwks: WebhookJwks): ReturnType<typeof createPublicKey>[] {
  const keys: ReturnType<typeof createPublicKey>[] = [];
  for (const jwk of jwks.keys ?? []) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') continue;
    try {
      keys.push(
        createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } as JsonWebKey, format: 'jwk' }),
      );
    } catch {
      // A malformed key cannot verify anything; the others may.
    }
  }
  return keys;
}

/**
 * Verifies one delivery. Pass the raw body bytes exactly as received (not re-serialised JSON). On
 * success the request id is recorded in `seen`, so the same delivery is refused if it comes again
 * within the window.
 */
export function verifyWebhook<Output = unknown>(
  headers: WebhookHeaders,
  rawBody: Buffer | Uint8Array | string,
  jwks: WebhookJwks,
  options: VerifyWebhookOptions = {},
): WebhookVerification<Output> {
  const nowMs = options.now ?? Date.now();
  const tolerance = options.toleranceSeconds ?? 300;
  const seen = options.seen === undefined ? defaultReplayCache : options.seen;

  const requestId = header(headers, FAL_HEADERS.webhookRequestId);
  const userId = header(headers, FAL_HEADERS.webhookUserId);
  const timestampText = header(headers, FAL_HEADERS.webhookTimestamp);
  const signatureHex = header(headers, FAL_HEADERS.webhookSignature);
  const missing = [
    [FAL_HEADERS.webhookRequestId, requestId],
    [FAL_HEADERS.webhookUserId, userId],
    [FAL_HEADERS.webhookTimestamp, timestampText],
    [FAL_HEADERS.webhookSignature, signatureHex],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => displayHeaderName(String(name)));
  if (missing.length > 0 || !requestId || !userId || !timestampText || !signatureHex) {
    return { ok: false, reason: `Missing webhook header(s): ${missing.join(', ')}.` };
  }

  if (!/^\d+$/.test(timestampText)) {
    return {
      ok: false,
      reason: `${displayHeaderName(FAL_HEADERS.webhookTimestamp)} is not Unix seconds: '${timestampText}'.`,
    };
  }
  const timestamp = Number(timestampText);
  const skew = Math.abs(nowMs / 1000 - timestamp);
  if (skew > tolerance) {
    return {
      ok: false,
      reason: `Timestamp ${timestamp} is ${Math.round(skew)} s from now, outside the ±${tolerance} s window.`,
    };
  }

  if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) {
    return {
      ok: false,
      reason: `${displayHeaderName(FAL_HEADERS.webhookSignature)} is not a 64-byte hex Ed25519 signature.`,
    };
  }
  const keys = publicKeys(jwks);
  if (keys.length === 0) {
    return { ok: false, reason: 'The JWKS holds no Ed25519 (OKP) key to verify with.' };
  }
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const digest = createHash('sha256').update(body).digest('hex');
  const message = Buffer.from(`${requestId}\n${userId}\n${timestampText}\n${digest}`, 'utf8');
  const signature = Buffer.from(signatureHex, 'hex');
  if (!keys.some((key) => verify(null, message, key, signature))) {
    return { ok: false, reason: 'Signature does not match the body and headers under any key of the JWKS.' };
  }

  if (seen && seen.has(requestId, nowMs)) {
    return { ok: false, reason: `Request id ${requestId} was already delivered within the window (replay).` };
  }

  let payload: WebhookPayload<Output>;
  try {
    payload = JSON.parse(body.toString('utf8')) as WebhookPayload<Output>;
  } catch {
    return { ok: false, reason: 'Body is signed but is not JSON.' };
  }
  // Remember the id as long as a delivery carrying this timestamp could still pass the window.
  if (seen) seen.add(requestId, (timestamp + tolerance) * 1000 + 1000, nowMs);
  return { ok: true, payload, requestId, userId, timestamp };
}

export interface FetchJwksOptions {
  /** Longest time a set is cached, in seconds (default and cap: 24 h). */
  maxAgeSeconds?: number;
  /** Fetch anew even if cached. */
  force?: boolean;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

const jwksCache = new Map<string, { jwks: WebhookJwks; expiresAt: number }>();
const DAY_SECONDS = 24 * 60 * 60;

/**
 * Fetches (and caches, ≤ 24 h, less if the server's `Cache-Control: max-age` says so) the key set at
 * `url`: fal's `https://rest.alpha.fal.ai/.well-known/jwks.json` or a sandbox's.
 */
export async function fetchJwks(url: string, options: FetchJwksOptions = {}): Promise<WebhookJwks> {
  const now = Date.now();
  const cached = jwksCache.get(url);
  if (cached && !options.force && cached.expiresAt > now) return cached.jwks;
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new Error(`Fetching the webhook JWKS at ${url} failed: HTTP ${response.status}`);
  }
  const jwks = (await response.json()) as WebhookJwks;
  if (!jwks || !Array.isArray(jwks.keys)) {
    throw new Error(`The webhook JWKS at ${url} has no "keys" array.`);
  }
  let maxAge = Math.min(options.maxAgeSeconds ?? DAY_SECONDS, DAY_SECONDS);
  const served = /max-age=(\d+)/i.exec(response.headers.get('cache-control') ?? '');
  if (served) maxAge = Math.min(maxAge, Number(served[1]));
  jwksCache.set(url, { jwks, expiresAt: now + maxAge * 1000 });
  return jwks;
}

/** Empties the JWKS cache (e.g. after fal rotates its keys). */
export function clearJwksCache(): void {
  jwksCache.clear();
}
