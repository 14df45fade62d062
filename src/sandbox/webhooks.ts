// Webhook deliveries signed with Ed25519 as fal signs them, and the JWKS that verifies them.
// Each sandbox start has its own key pair. A delivery is `POST <fal_webhook>` with fal's JSON body and
// the headers X-Fal-Webhook-Request-Id / -User-Id / -Timestamp / -Signature, where the signature is
// hex Ed25519 over `request_id\nuser_id\ntimestamp\nhex(sha256(body))`. Failed deliveries (transport
// error or non-2xx) are retried with exponential backoff, a bounded number of times. Only loopback
// targets, and hosts given with `--allow-webhooks-to`, are delivered to (requestGuard.ts).
import { FAL_HEADERS } from '../common/falHeaders';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { pause } from './endpoints/types';
import { sendJson } from './http';
import { webhookRefusal, webhookTargetAllowed } from './requestGuard';

export interface WebhookDelivery {
  url: string;
  requestId: string;
  gatewayRequestId: string;
  status: 'OK' | 'ERROR';
  payload: unknown;
  error?: string;
  payloadError?: string;
}

export interface WebhookRetryPolicy {
  /** Total attempts, the first included (default 8). */
  attempts: number;
  /** Delay before the first retry; doubled after each failure (default 200 ms). */
  baseDelayMs: number;
  /** Longest delay between attempts (default 30 s). */
  maxDelayMs: number;
  /** Time allowed for one attempt (default 10 s). */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  attempts: 8,
  baseDelayMs: 200,
  maxDelayMs: 30_000,
  timeoutMs: 10_000,
};

/** The `X-Fal-Webhook-User-Id` the sandbox signs with. */
export const SANDBOX_WEBHOOK_USER_ID = 'sandbox-user';

interface SigningKey {
  readonly privateKey: KeyObject;
  readonly jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' };
}

const keysByContext = new WeakMap<SandboxContext, SigningKey>();

function signingKey(ctx: SandboxContext): SigningKey {
  let key = keysByContext.get(ctx);
  if (!key) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const { x } = publicKey.export({ format: 'jwk' });
    if (!x) throw new Error('Ed25519 public key has no x coordinate');
    const kid = createHash('sha256').update(x).digest('base64url').slice(0, 16);
    key = { privateKey, jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, use: 'sig', alg: 'EdDSA' } };
    keysByContext.set(ctx, key);
  }
  return key;
}

/** fal's delivery body; `payload` is null with `payload_error` when the output isn't JSON-serialisable. */
export function webhookBody(delivery: WebhookDelivery): string {
  const base = {
    request_id: delivery.requestId,
    gateway_request_id: delivery.gatewayRequestId,
    status: delivery.status,
  };
  const extras = {
    ...(delivery.error !== undefined ? { error: delivery.error } : {}),
    ...(delivery.payloadError !== undefined ? { payload_error: delivery.payloadError } : {}),
  };
  try {
    return JSON.stringify({ ...base, payload: delivery.payload ?? null, ...extras });
  } catch (err) {
    return JSON.stringify({
      ...base,
      payload: null,
      ...extras,
      payload_error: `Output could not be serialised as JSON: ${(err as Error).message}`,
    });
  }
}

/** The four `X-Fal-Webhook-*` headers for `body`, signed now. */
export function signWebhook(
  ctx: SandboxContext,
  requestId: string,
  body: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const digest = createHash('sha256').update(body).digest('hex');
  const message = `${requestId}\n${SANDBOX_WEBHOOK_USER_ID}\n${timestamp}\n${digest}`;
  const signature = sign(null, Buffer.from(message), signingKey(ctx).privateKey).toString('hex');
  return {
    [FAL_HEADERS.webhookRequestId]: requestId,
    [FAL_HEADERS.webhookUserId]: SANDBOX_WEBHOOK_USER_ID,
    [FAL_HEADERS.webhookTimestamp]: String(timestamp),
    [FAL_HEADERS.webhookSignature]: signature,
  };
}

/** One POST; resolves with the status code, rejects on transport errors and timeouts. */
function post(
  target: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const transport = target.protocol === 'https:' ? https : http;
    const req = transport.request(
      target,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'fal-sandbox-webhook',
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Posts the delivery (with retries); resolves when delivered or given up. Never rejects. Stops when
 * the sandbox shuts down. Each attempt is signed afresh, with its own timestamp.
 */
export async function deliverWebhook(
  ctx: SandboxContext,
  delivery: WebhookDelivery,
  policy: Partial<WebhookRetryPolicy> = {},
): Promise<void> {
  const { attempts, baseDelayMs, maxDelayMs, timeoutMs } = { ...DEFAULT_WEBHOOK_RETRY, ...policy };
  const signal = ctx.shutdown.signal;
  let target: URL;
  try {
    target = new URL(delivery.url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    ctx.log(`webhook: ${delivery.requestId}: not delivered, invalid URL ${delivery.url}`);
    return;
  }
  // The submit refused such a URL already; checked again where the socket is opened.
  if (!webhookTargetAllowed(ctx, delivery.url)) {
    ctx.log(`webhook: ${delivery.requestId}: not delivered, ${webhookRefusal(delivery.url)}`);
    return;
  }
  const body = webhookBody(delivery);
  for (let attempt = 1; attempt <= attempts && !signal.aborted; attempt++) {
    let outcome: string;
    try {
      const headers = signWebhook(ctx, delivery.requestId, body);
      const status = await post(target, body, headers, timeoutMs, signal);
      if (status >= 200 && status < 300) {
        ctx.log(`webhook: ${delivery.requestId}: delivered to ${target.origin} (attempt ${attempt})`);
        return;
      }
      outcome = `HTTP ${status}`;
    } catch (err) {
      if (signal.aborted) break;
      outcome = (err as Error).message;
    }
    if (attempt === attempts) {
      ctx.log(`webhook: ${delivery.requestId}: giving up after ${attempts} attempts (last: ${outcome})`);
      return;
    }
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    ctx.log(
      `webhook: ${delivery.requestId}: attempt ${attempt} failed (${outcome}); retrying in ${delay} ms`,
    );
    await pause(delay, signal);
  }
  if (signal.aborted) ctx.log(`webhook: ${delivery.requestId}: delivery stopped, the sandbox is closing`);
}

/** `GET /rest/.well-known/jwks.json`: the public keys that sign deliveries. */
export function handleJwks(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { keys: [signingKey(ctx).jwk] }, { 'cache-control': 'public, max-age=3600' });
}
