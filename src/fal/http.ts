// The one HTTP layer every client call goes through: node:http/https with keep-alive agents reused
// across calls, fal's default headers and `Authorization: Key`, non-2xx replies turned into
// ApiError/ValidationError, deadlines, aborts, and retries with the policy each call passes.
import { FAL_HEADERS } from '../common/falHeaders';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ClientConfig } from './config';
import {
  ApiError,
  FalAbortError,
  FalTimeoutError,
  NetworkError,
  ProtocolError,
  ValidationError,
  errorMessage,
} from './errors';
import { requestSlot } from './pacing';
import { DEFAULT_RETRY, isRetryableError, retryDelay, withOverrides, type RetryPolicy } from './retry';
import type { SpooledBody, SpoolOptions } from './types';

export type ResponseType = 'json' | 'stream' | 'buffer' | 'text';

export interface RequestOptions {
  /** Defaults to GET. */
  method?: string;
  url: string;
  /** A Buffer is sent as is; anything else but `undefined` as JSON. */
  body?: unknown;
  /** Merged over the defaults, names lower-cased; `undefined` values are dropped. */
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Per attempt: until the whole reply is read, or for `stream` until its headers arrive. */
  timeoutMs?: number;
  /** Defaults to the official default policy; the client-wide overrides are applied on top. */
  retry?: RetryPolicy;
  /**
   * `json` (default): parsed by content type like fal-js (JSON, else text, octet-stream as a Buffer);
   * `stream`: the live IncomingMessage of a 2xx reply; `buffer` / `text`: the raw body.
   */
  responseType?: ResponseType;
  /** Send `Authorization` when credentials resolve (default true). */
  auth?: boolean;
  /** `json` only: a 2xx JSON reply larger than `aboveBytes` is written to a file, not read (`spooled`). */
  spool?: SpoolOptions;
}

export interface HttpResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  data: T;
  /** `x-fal-request-id`, or "". */
  requestId: string;
  url: string;
  /** Set (and `data` undefined) when the body went to a file (`RequestOptions.spool`). */
  spooled?: SpooledBody;
}

export const REQUEST_ID_HEADER = FAL_HEADERS.requestId;
export const REQUEST_TIMEOUT_TYPE_HEADER = FAL_HEADERS.requestTimeoutType;

// Shared by every client in the process, so connections are kept alive and reused across calls.
// No cap on sockets per host (as the official client's fetch has none): a status stream holds its
// socket until its request completes, so with a cap of 64, 1,000 requests followed at once queued
// their submits and result fetches behind streams still waiting (1.18x the queue's own time in
// `npm run bench`). Idle sockets beyond 16 per host are closed. (No agent timeout, with which Node
// would close idle sockets a second before a server's `Keep-Alive: timeout`: tried, it added ~3 ms
// to figure 2's completion lag, 8.0 to 11.3 ms in runs side by side.)
const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 16 };
const agents = {
  http: new http.Agent(agentOptions),
  https: new https.Agent(agentOptions),
};

/** A reset of a reused connection within this long of sending is the connection's staleness (ms). */
const STALE_WITHIN_MS = 1000;

/** How many times in a row a request is sent again past a closed kept-alive connection (as many as the agent keeps free). */
const MAX_STALE_RESENDS = 16;

/** Sends one logical request, retrying it as `retry` allows. */
export async function request<T = unknown>(
  config: ClientConfig,
  opts: RequestOptions,
): Promise<HttpResponse<T>> {
  const method = (opts.method ?? 'GET').toUpperCase();
  const base = opts.retry ?? DEFAULT_RETRY;
  const policy = base.maxRetries === 0 ? base : withOverrides(base, config.retry);
  const credentials = opts.auth === false ? undefined : await config.resolveCredentials();
  const headers = buildHeaders(config, credentials, opts.headers);
  let body: Buffer | undefined;
  if (Buffer.isBuffer(opts.body)) body = opts.body;
  else if (opts.body !== undefined) body = Buffer.from(JSON.stringify(opts.body));
  if (body) headers['content-length'] = String(body.length);

  let staleResends = 0;
  for (let attempt = 0; ; attempt++) {
    // Each attempt starts when a turn of the event loop has room (src/fal/pacing.ts).
    const slot = requestSlot(opts.signal);
    if (slot) await slot;
    throwIfAborted(opts.signal);
    try {
      return await send<T>({ method, url: opts.url, headers, body, opts });
    } catch (error) {
      // A read sent on a kept-alive connection the server had just closed is sent again on another
      // without a back-off, whatever the retry policy (Node's advice for reusedSocket). Not a POST:
      // the server may have taken it before it closed, so that is left to the policy like any
      // reset; when the policy sends it again, it does so without a back-off (that is for a server
      // in trouble, which a connection closed for idling is not).
      const stale =
        error instanceof NetworkError && error.staleConnection && staleResends < MAX_STALE_RESENDS;
      if (stale && (method === 'GET' || method === 'HEAD')) {
        staleResends++;
        config.retry?.onRetry?.({ attempt: attempt + 1, error, delayMs: 0, url: opts.url });
        attempt--;
        continue;
      }
      if (attempt >= policy.maxRetries || opts.signal?.aborted || !isRetryableError(error, policy))
        throw error;
      if (stale) staleResends++;
      const delayMs = stale ? 0 : retryDelay(attempt, error, policy);
      config.retry?.onRetry?.({ attempt: attempt + 1, error, delayMs, url: opts.url });
      await sleep(delayMs, opts.signal);
    }
  }
}

function buildHeaders(
  config: ClientConfig,
  credentials: string | undefined,
  extra: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'user-agent': config.userAgent,
  };
  if (credentials) headers.authorization = `Key ${credentials}`;
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete headers[name.toLowerCase()];
    else headers[name.toLowerCase()] = value;
  }
  return headers;
}

interface Attempt {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  opts: RequestOptions;
}

function send<T>({ method, url, headers, body, opts }: Attempt): Promise<HttpResponse<T>> {
  return new Promise<HttpResponse<T>>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new TypeError(`Invalid URL: ${url}`));
      return;
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      reject(new TypeError(`Unsupported protocol in ${url}`));
      return;
    }
    const responseType = opts.responseType ?? 'json';
    const req = (secure ? https : http).request(target, {
      method,
      headers,
      agent: secure ? agents.https : agents.http,
    });
    const sentAt = performance.now();
    let settled = false;
    let res: IncomingMessage | undefined;
    let timer: NodeJS.Timeout | undefined;
    let spooler: Spooler | undefined;

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      req.destroy();
      res?.destroy();
      spooler?.discard();
      reject(error);
    };
    const succeed = (value: HttpResponse<T>) => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(value);
    };
    const onAbort = () => fail(new FalAbortError(`${method} ${url} was aborted`));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      const ms = opts.timeoutMs;
      timer = setTimeout(
        () => fail(new FalTimeoutError(`${method} ${url} timed out after ${ms} ms`, ms)),
        ms,
      );
    }

    req.on('error', (error) =>
      fail(
        settled
          ? error
          : new NetworkError(
              method,
              url,
              error,
              // Node's sign of a kept-alive connection closed by the server as it was reused; a reset
              // later than that is the server's answer to the request, not a stale connection.
              req.reusedSocket &&
                !res &&
                (error as NodeJS.ErrnoException).code === 'ECONNRESET' &&
                performance.now() - sentAt < STALE_WITHIN_MS,
            ),
      ),
    );
    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const requestId = headerValue(response.headers[REQUEST_ID_HEADER]) ?? '';
      const ok = status >= 200 && status < 300;

      if (ok && responseType === 'stream') {
        // The caller owns the body from here; an abort still tears it down.
        const signal = opts.signal;
        if (signal) {
          const onStreamAbort = () => response.destroy(new FalAbortError(`${method} ${url} was aborted`));
          signal.addEventListener('abort', onStreamAbort, { once: true });
          response.once('close', () => signal.removeEventListener('abort', onStreamAbort));
        }
        succeed({ status, headers: response.headers, data: response as T, requestId, url });
        return;
      }

      const chunks: Buffer[] = [];
      let received = 0;
      const contentType = headerValue(response.headers['content-type']) ?? '';
      const spool =
        ok && responseType === 'json' && contentType.includes('application/json') ? opts.spool : undefined;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (!spooler && spool && received > spool.aboveBytes) {
          try {
            spooler = new Spooler(spool, chunks.splice(0), response, (error) =>
              fail(new NetworkError(method, url, error)),
            );
          } catch (error) {
            fail(new NetworkError(method, url, error));
            return;
          }
        }
        if (spooler) spooler.write(chunk);
        else chunks.push(chunk);
      });
      response.on('error', (error) => fail(new NetworkError(method, url, error)));
      response.on('aborted', () =>
        fail(new NetworkError(method, url, Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))),
      );
      response.on('end', () => {
        if (settled) return;
        if (spooler) {
          spooler.finish(contentType).then(
            (spooled) =>
              succeed({ status, headers: response.headers, data: undefined as T, requestId, url, spooled }),
            (error: unknown) => fail(new NetworkError(method, url, error)),
          );
          return;
        }
        const raw = Buffer.concat(chunks);
        if (!ok) {
          fail(toApiError(status, response, raw, contentType, requestId, url));
          return;
        }
        try {
          const data = decodeBody(raw, contentType, responseType) as T;
          succeed({ status, headers: response.headers, data, requestId, url });
        } catch (error) {
          fail(
            new ProtocolError(
              `Invalid JSON in the reply to ${method} ${url} (HTTP ${status}${requestId ? `, request ${requestId}` : ''}): ${(error as Error).message}`,
              { status, requestId, url, cause: error },
            ),
          );
        }
      });
    });
    req.end(body);
  });
}

/**
 * A reply body on its way to a file: what came before the spooling began, then every chunk as it
 * arrives (pausing the reply while the disk catches up), to `<file>.part`, renamed once complete.
 */
class Spooler {
  private readonly out: fs.WriteStream;
  private readonly part: string;
  private readonly head: Buffer;
  private bytes = 0;
  private paused = false;

  constructor(
    private readonly options: SpoolOptions,
    before: Buffer[],
    private readonly response: IncomingMessage,
    onError: (error: unknown) => void,
  ) {
    this.part = `${options.file}.part`;
    fs.mkdirSync(path.dirname(options.file), { recursive: true });
    this.out = fs.createWriteStream(this.part);
    this.out.on('error', onError);
    this.head = Buffer.concat(before).subarray(0, options.previewBytes);
    for (const chunk of before) this.write(chunk);
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (!this.out.write(chunk) && !this.paused) {
      this.paused = true;
      this.response.pause();
      this.out.once('drain', () => {
        this.paused = false;
        this.response.resume();
      });
    }
  }

  async finish(contentType: string): Promise<SpooledBody> {
    await new Promise<void>((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(resolve);
    });
    await fs.promises.rename(this.part, this.options.file);
    const preview = new TextDecoder('utf-8').decode(this.head);
    return { file: this.options.file, bytes: this.bytes, preview, contentType };
  }

  /** The reply failed: the partial file goes. */
  discard(): void {
    this.out.destroy();
    fs.rm(this.part, { force: true }, () => {});
  }
}

function decodeBody(raw: Buffer, contentType: string, responseType: ResponseType): unknown {
  if (responseType === 'buffer') return raw;
  if (responseType === 'text') return raw.toString('utf8');
  if (contentType.includes('application/json')) {
    const text = raw.toString('utf8');
    return text.trim() === '' ? null : JSON.parse(text);
  }
  if (contentType.includes('application/octet-stream')) return raw;
  return raw.toString('utf8');
}

function toApiError(
  status: number,
  response: IncomingMessage,
  raw: Buffer,
  contentType: string,
  requestId: string,
  url: string,
): ApiError {
  const text = raw.toString('utf8');
  let body: unknown = text;
  let json = false;
  if (contentType.includes('application/json')) {
    try {
      body = JSON.parse(text);
      json = true;
    } catch {
      // keep the text: an error reply with a broken body is still an error reply
    }
  }
  const ErrorType = status === 422 && json ? ValidationError : ApiError;
  return new ErrorType({
    message: errorMessage(status, json ? body : undefined, response.statusMessage),
    status,
    body,
    requestId,
    timeoutType: headerValue(response.headers[REQUEST_TIMEOUT_TYPE_HEADER]),
    headers: response.headers,
    url,
  });
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new FalAbortError();
}

/** Waits `ms`, rejecting with an AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new FalAbortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new FalAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
