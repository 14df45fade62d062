// What every part of the sandbox shares for one running instance: its options, its public base URL,
// the per-start secret that signs tokens and upload URLs, the size-bounded file store behind
// `/files/`, and the scratch folder where multipart upload parts wait and stored file bodies live.
import { randomBytes } from 'node:crypto';
import { FileStore } from './files';
import { normalizeHostEntry } from './requestGuard';
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
  /** Largest upload body accepted (a single upload, or one part of a multipart one), in MB (default 100). */
  maxUploadMb?: number;
  /** Largest multipart upload accepted, all parts together, in MB (default 10240). */
  maxMultipartMb?: number;
  /** How long a CDN upload token (the Python client's `storage/auth/token`) lives, in seconds (default 3600). */
  cdnTokenTtlSeconds?: number;
  /** Most MB of files kept under `/files/`; past it the oldest go first (default 512). */
  maxStoreMb?: number;
  /**
   * Scales the result retention of requests sent with `x-fal-store-io: 0` (1 hour, 6 minutes at
   * 10 KB or more), so tests need not wait: 0.001 keeps them 3.6 s and 0.36 s (default 1).
   */
  retentionScale?: number;
  /**
   * More names the sandbox answers to besides loopback and its bound address (`--allow-host`), as
   * `Host` and as the origin of browser requests; see requestGuard.ts.
   */
  allowHosts?: readonly string[];
  /** Let `image_url` download any http(s) URL, not only the sandbox's own files (`--allow-fetch`). */
  allowFetch?: boolean;
  /** Hosts besides loopback that webhooks may be delivered to (`--allow-webhooks-to`). */
  allowWebhooksTo?: readonly string[];
  /** Where the sandbox logs what it does (default: nowhere). */
  log?: (line: string) => void;
}

export interface SandboxContext {
  readonly options: Required<Omit<SandboxOptions, 'key' | 'log' | 'allowHosts'>> &
    Pick<SandboxOptions, 'key'>;
  /**
   * The `--allow-host` names (normalized), and those a window adds on its keyed attach (the host
   * its editor reaches the sandbox through, e.g. code-server's port proxy on a remote machine).
   */
  readonly allowedHosts: Set<string>;
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
const DEFAULT_MAX_MULTIPART_MB = 10 * 1024;
const DEFAULT_CDN_TOKEN_TTL_SECONDS = 60 * 60;

/** The valid host entries of a list, normalized (the CLI refuses invalid ones before they get here). */
function hostEntries(list: readonly string[] | undefined): string[] {
  return (list ?? []).map(normalizeHostEntry).filter((h): h is string => h !== undefined);
}

export function createContext(options: SandboxOptions): SandboxContext {
  const scratch = new ScratchDir();
  const ctx: SandboxContext = {
    options: {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      key: options.key,
      open: options.open ?? false,
      concurrency: Math.max(1, options.concurrency ?? 1),
      maxUploadMb: options.maxUploadMb ?? 100,
      maxMultipartMb: options.maxMultipartMb ?? DEFAULT_MAX_MULTIPART_MB,
      cdnTokenTtlSeconds: options.cdnTokenTtlSeconds ?? DEFAULT_CDN_TOKEN_TTL_SECONDS,
      maxStoreMb: options.maxStoreMb ?? DEFAULT_MAX_STORE_MB,
      retentionScale: options.retentionScale ?? 1,
      allowFetch: options.allowFetch ?? false,
      allowWebhooksTo: hostEntries(options.allowWebhooksTo),
    },
    allowedHosts: new Set(hostEntries(options.allowHosts)),
    baseUrl: '',
    secret: randomBytes(32),
    files: new FileStore(
      () => ctx.baseUrl,
      () => scratch.pathSync('files'),
      (options.maxStoreMb ?? DEFAULT_MAX_STORE_MB) * 1024 * 1024,
    ),
    scratch,
    log: options.log ?? (() => {}),
    shutdown: new AbortController(),
  };
  return ctx;
}
