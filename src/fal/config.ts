// The resolved configuration every part of the client shares: hosts, credentials and user agent.
import { falHosts, type FalHosts } from '../common/hosts';
import type { RetryOptions } from './retry';

export type CredentialsInput = string | undefined | (() => string | undefined | Promise<string | undefined>);

export interface FalClientOptions {
  /** `key_id:key_secret`, or a function returning it. Defaults to FAL_KEY / FAL_KEY_ID+FAL_KEY_SECRET. */
  credentials?: CredentialsInput;
  /** Base URL of each host; defaults to fal.ai's. */
  hosts?: Partial<FalHosts>;
  /** Sent as `User-Agent`. */
  userAgent?: string;
  /** Client-wide retry overrides (e.g. a short base delay in tests); defaults are the official ones. */
  retry?: RetryOptions;
}

export interface ClientConfig {
  readonly hosts: FalHosts;
  readonly userAgent: string;
  readonly retry?: RetryOptions;
  resolveCredentials(): Promise<string | undefined>;
}

export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.FAL_KEY) return env.FAL_KEY;
  if (env.FAL_KEY_ID && env.FAL_KEY_SECRET) return `${env.FAL_KEY_ID}:${env.FAL_KEY_SECRET}`;
  return undefined;
}

export function resolveConfig(options: FalClientOptions = {}): ClientConfig {
  const credentials = 'credentials' in options ? options.credentials : credentialsFromEnv();
  return {
    hosts: { ...falHosts(), ...options.hosts },
    userAgent: options.userAgent ?? 'fal-playground',
    retry: options.retry,
    resolveCredentials: async () => (typeof credentials === 'function' ? await credentials() : credentials),
  };
}
