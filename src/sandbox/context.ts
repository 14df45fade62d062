// What every part of the sandbox shares for one running instance: its options, its public base URL,
// the per-start secret that signs tokens and upload URLs, and the file store behind `/files/`.
import { randomBytes } from 'node:crypto';
import { FileStore } from './files';

export interface SandboxOptions {
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Bound to 127.0.0.1 unless asked otherwise. */
  host?: string;
  /** When set, only `Authorization: Key <key>` is accepted. */
  key?: string;
  /** Accept requests without any key. */
  open?: boolean;
  /** Requests each endpoint's queue runs at once (default 1). */
  concurrency?: number;
  /** Largest upload accepted, in MB (default 100). */
  maxUploadMb?: number;
  /** Where the sandbox logs what it does (default: nowhere). */
  log?: (line: string) => void;
}

export interface SandboxContext {
  readonly options: Required<Omit<SandboxOptions, 'key' | 'log'>> & Pick<SandboxOptions, 'key'>;
  /** `http://HOST:PORT`, known once the server listens. */
  baseUrl: string;
  /** Per-start secret: signs JWT tokens (HS256) and upload URLs. */
  readonly secret: Buffer;
  readonly files: FileStore;
  readonly log: (line: string) => void;
  /** Aborted when the sandbox closes: timers, webhook retries and sockets stop on it. */
  readonly shutdown: AbortController;
}

export function createContext(options: SandboxOptions): SandboxContext {
  const ctx: SandboxContext = {
    options: {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      key: options.key,
      open: options.open ?? false,
      concurrency: Math.max(1, options.concurrency ?? 1),
      maxUploadMb: options.maxUploadMb ?? 100,
    },
    baseUrl: '',
    secret: randomBytes(32),
    files: new FileStore(() => ctx.baseUrl),
    log: options.log ?? (() => {}),
    shutdown: new AbortController(),
  };
  return ctx;
}
