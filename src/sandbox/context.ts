// What every part of the sandbox shares for one running instance: its options, its public base URL,
// the per-start secret that signs tokens and upload URLs, the size-bounded file store behind
// `/files/`, and the scratch folder where multipart upload parts wait.
import { randomBytes } from 'node:crypto';
import { FileStore } from './files';
import { ScratchDir } from './scratchDir';

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
  /** Most MB of files kept under `/files/`; past it the oldest go first (default 512). */
  maxStoreMb?: number;
  /**
   * Scales the result retention of requests sent with `x-fal-store-io: 0` (1 hour, 6 minutes at
   * 10 KB or more), so tests need not wait: 0.001 keeps them 3.6 s and 0.36 s (default 1).
   */
  retentionScale?: number;
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
  /** Removed when the sandbox closes. */
  readonly scratch: ScratchDir;
  readonly log: (line: string) => void;
  /** Aborted when the sandbox closes: timers, webhook retries and sockets stop on it. */
  readonly shutdown: AbortController;
}

const DEFAULT_MAX_STORE_MB = 512;

export function createContext(options: SandboxOptions): SandboxContext {
  const ctx: SandboxContext = {
    options: {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      key: options.key,
      open: options.open ?? false,
      concurrency: Math.max(1, options.concurrency ?? 1),
      maxUploadMb: options.maxUploadMb ?? 100,
      maxStoreMb: options.maxStoreMb ?? DEFAULT_MAX_STORE_MB,
      retentionScale: options.retentionScale ?? 1,
    },
    baseUrl: '',
    secret: randomBytes(32),
    files: new FileStore(() => ctx.baseUrl, (options.maxStoreMb ?? DEFAULT_MAX_STORE_MB) * 1024 * 1024),
    scratch: new ScratchDir(),
    log: options.log ?? (() => {}),
    shutdown: new AbortController(),
  };
  return ctx;
}
