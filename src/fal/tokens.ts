// Temporary JWT tokens (`POST {rest}/tokens/`), as the official clients fetch them for realtime: the
// body names the app alias only; the reply is a bare JSON string, or `{detail}` / `{token}` from
// older proxies.
import type { ClientConfig } from './config';
import { parseEndpointId } from '../common/endpointId';
import { ProtocolError, isRecord } from './errors';
import { request } from './http';
import { DEFAULT_RETRY } from './retry';

/** What fal's clients ask for. */
export const TOKEN_EXPIRATION_SECONDS = 120;

/**
 * Fetches a token allowing `app` (an endpoint id such as `fal-ai/flux/dev`, or a bare alias) for
 * `expirationSeconds`. Needs the API key (`Authorization: Key`).
 */
export async function createTemporaryToken(
  config: ClientConfig,
  app: string,
  expirationSeconds: number = TOKEN_EXPIRATION_SECONDS,
  signal?: AbortSignal,
): Promise<string> {
  const alias = app.includes('/') ? parseEndpointId(app).alias : app;
  const url = `${config.hosts.rest.replace(/\/+$/, '')}/tokens/`;
  const res = await request<unknown>(config, {
    method: 'POST',
    url,
    body: { allowed_apps: [alias], token_expiration: expirationSeconds },
    retry: DEFAULT_RETRY,
    signal,
  });
  const token = tokenFrom(res.data);
  if (token === undefined) {
    throw new ProtocolError(`The reply to POST ${url} holds no token`, {
      status: res.status,
      requestId: res.requestId,
      url,
    });
  }
  return token;
}

function tokenFrom(data: unknown): string | undefined {
  if (typeof data === 'string' && data.length > 0) return data;
  if (isRecord(data)) {
    for (const key of ['token', 'detail'] as const) {
      const value = data[key];
      if (typeof value === 'string' && value.length > 0) return value;
    }
  }
  return undefined;
}
