// The base URL of each fal host the client talks to: fal.ai's own by default; a sandbox (or a
// self-hosted gateway) maps every host onto path prefixes of one origin. In common because the
// client reaches those paths and the sandbox serves them: one layout for both.

export interface FalHosts {
  /** Direct calls and `/stream` (https://fal.run). */
  run: string;
  /** Queue API (https://queue.fal.run). */
  queue: string;
  /** Tokens and storage (https://rest.fal.ai). */
  rest: string;
  /** Realtime WebSockets (wss://fal.run). */
  realtime: string;
  /** Per-endpoint OpenAPI document (https://fal.ai/api/openapi/queue/openapi.json). */
  schema: string;
  /** Platform API: the model catalogue (https://api.fal.ai/v1). */
  api: string;
  /** JWKS of the keys that sign webhooks. */
  webhookJwks: string;
}

export function falHosts(): FalHosts {
  return {
    run: 'https://fal.run',
    queue: 'https://queue.fal.run',
    rest: 'https://rest.fal.ai',
    realtime: 'wss://fal.run',
    schema: 'https://fal.ai/api/openapi/queue/openapi.json',
    api: 'https://api.fal.ai/v1',
    webhookJwks: 'https://rest.alpha.fal.ai/.well-known/jwks.json',
  };
}

/**
 * The key the extension sends to a sandbox it did not start, so a user's fal key never leaves for
 * anything but fal.ai (`npm run sandbox` accepts any key unless started with --key).
 */
export const SANDBOX_PLACEHOLDER_KEY = 'sandbox:sandbox';

/** Hosts of a fal-compatible sandbox served at `baseUrl` (e.g. `http://127.0.0.1:8787`). */
export function sandboxHosts(baseUrl: string): FalHosts {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    run: `${base}/run`,
    queue: `${base}/queue`,
    rest: `${base}/rest`,
    realtime: `${base.replace(/^http/, 'ws')}/run`,
    schema: `${base}/openapi/queue/openapi.json`,
    api: `${base}/api/v1`,
    webhookJwks: `${base}/rest/.well-known/jwks.json`,
  };
}
