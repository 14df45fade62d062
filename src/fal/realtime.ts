// Realtime (WebSocket + msgpack) connections to fal apps, with the official client's surface
// (`connect(id, {onResult, onError, ...})` -> `{send, close}`) plus `request(input)`, which resolves
// with the output paired to that input on the one persistent connection (FIFO: fal's realtime apps
// answer one output per input, in order). Differences from @fal-ai/client, on purpose:
// - nothing is dropped silently: messages sent while connecting are all queued and flushed in order,
//   unless `throttleInterval` > 0 asks for the official latest-only throttling;
// - a token is kept across reconnects while fresh, refreshed at 90 % of its lifetime while connected;
// - `{"status":"error"}` frames other than Unauthorized are reported, not dropped;
// - `request(input, {signal})` can be given up: it rejects at once, and the output that later comes
//   in its place is dropped, so the requests after it still get their own outputs.
// - an `observer` sees every frame both ways (bytes, time, decoded on demand, which send an output
//   answers), the connection's states and token fetches; with none, none of that work is done.
// Uses the `ws` package, so it runs on Node 20 (no global WebSocket) and in the extension host.
import { randomUUID } from 'node:crypto';
import { decode, encode } from '@msgpack/msgpack';
import type { RawData, WebSocket } from 'ws';

import type { ClientConfig } from './config';
import { parseEndpointId, resolveEndpointPath } from '../common/endpointId';
import { ApiError, errorMessage, FalAbortError, isRecord } from './errors';
import { TOKEN_EXPIRATION_SECONDS, createTemporaryToken } from './tokens';

/**
 * `ws`, loaded with the first connection: its load (and that of Node's tls and zlib under it) is not
 * paid by everything that imports this client without opening a realtime connection (the editor's
 * activation among them).
 */
let wsClass: Promise<(typeof import('ws'))['WebSocket']> | undefined;
function loadWs(): Promise<(typeof import('ws'))['WebSocket']> {
  wsClass ??= import('ws').then(
    (ws) => ws.WebSocket,
    (error: unknown) => {
      wsClass = undefined; // tried again with the next connection
      throw error;
    },
  );
  return wsClass;
}

/** A msgpack-encodable input; a Uint8Array is sent as is (already encoded). */
export type RealtimeInput = Record<string, unknown> | Uint8Array;

export interface RealtimeConnectOptions<Output = Record<string, unknown>> {
  /** Every output not claimed by `request()`. */
  onResult: (result: Output) => void;
  /** `x-fal-error` frames (but TIMEOUT), refused handshakes, abnormal closes, token failures. */
  onError?: (error: Error) => void;
  /** Connections are cached per key; the same key reuses the connection (default: a new UUID). */
  connectionKey?: string;
  /** ms. 0 (default) sends every message; > 0 sends the first, then only the latest of each window. */
  throttleInterval?: number;
  /** `max_buffering` for the server: inputs it keeps while busy, 1..60. */
  maxBuffering?: number;
  /** Returns a token for `"<owner>/<alias>[/<path>]/realtime"`; defaults to `POST {rest}/tokens/`. */
  tokenProvider?: (app: string) => Promise<string>;
  /** Lifetime of the tokens; refreshed at 90 % of it. Defaults to 120 s with the default provider. */
  tokenExpirationSeconds?: number;
  /** Path after the endpoint id (default `/realtime`). */
  path?: string;
  /** Extra query parameters on the WebSocket URL (e.g. the sandbox's `sandbox_idle_timeout`). */
  query?: Record<string, string>;
  /** Sees every frame, state change and token fetch of the connection (a frame inspector). */
  observer?: RealtimeObserver;
}

/** One frame on the socket, as an observer sees it. */
export interface RealtimeFrameEvent {
  readonly type: 'frame';
  readonly direction: 'sent' | 'received';
  /** Epoch ms. */
  readonly at: number;
  /** The frame as on the wire: the bytes of a binary frame, the text of a text frame. */
  readonly data: Uint8Array | string;
  readonly binary: boolean;
  /** Bytes on the wire. */
  readonly size: number;
  /**
   * A sent frame's number on this connection (from 1); on a received frame, the number of the sent
   * frame it answers by order (none for control frames that answer nothing).
   */
  readonly ordinal?: number;
  /** A received answer to a request given up: dropped, not delivered. */
  readonly dropped?: boolean;
  /** Why a received frame did not decode. */
  readonly decodeError?: string;
  /** The frame decoded (msgpack, or JSON text); decoded when first asked. */
  decoded(): unknown;
}

export type RealtimeEvent =
  | RealtimeFrameEvent
  | {
      readonly type: 'state';
      readonly at: number;
      readonly state: 'connecting' | 'open' | 'closed';
      /** For `closed`: the close code, when the server or the client closed the socket. */
      readonly code?: number;
      readonly reason?: string;
    }
  | {
      readonly type: 'token';
      readonly at: number;
      /** `fetched` before a connect, `refreshed` while connected, `failed` either way. */
      readonly phase: 'fetched' | 'refreshed' | 'failed';
      readonly lifetimeSeconds?: number;
      readonly error?: string;
    };

export type RealtimeObserver = (event: RealtimeEvent) => void;

export interface RealtimeRequestOptions {
  /**
   * Gives the request up: it rejects at once with an AbortError. Not sent yet, it is not sent; sent,
   * its output (or error) is dropped when it comes, keeping the pairing of the requests after it.
   */
  signal?: AbortSignal;
  /** Called when the input goes out on the socket, with its frame's number and the time (epoch ms). */
  onSent?: (ordinal: number, at: number) => void;
}

export interface RealtimeConnection<Output = Record<string, unknown>> {
  /** Sends one input (connecting first when needed); its output goes to `onResult`. */
  send(input: RealtimeInput): void;
  /** Closes the connection normally (1000); the next `send` or `request` reconnects. */
  close(): void;
  /** Opens the socket now, when it is not open or opening (it otherwise opens on the first send). */
  open(): void;
  /**
   * Sends one input, never throttled, and resolves with its output (or rejects with its
   * `x-fal-error`, or when the connection ends first). Assumes one output per input, so don't
   * combine it with a `maxBuffering` small enough for the server to drop inputs.
   */
  request(input: RealtimeInput, options?: RealtimeRequestOptions): Promise<Output>;
}

export interface RealtimeClient {
  connect<Output = Record<string, unknown>>(
    endpointId: string,
    options: RealtimeConnectOptions<Output>,
  ): RealtimeConnection<Output>;
}

type Slot =
  | { kind: 'send' }
  | { kind: 'request'; resolve: (value: unknown) => void; reject: (error: Error) => void }
  /** A request given up after it was sent: its answer is dropped. */
  | { kind: 'discard' };

interface Outgoing {
  data: Uint8Array;
  slot: Slot;
  /** Its frame's number, once sent. */
  ordinal?: number;
  onSent?: (ordinal: number, at: number) => void;
}

/** What a decoded message is to the connection: which of them answer a send (take a slot). */
type MessageKind = 'control' | 'timeout' | 'unauthorized' | 'error' | 'output';

function classify(message: unknown): MessageKind {
  if (isRecord(message)) {
    if (message.type === 'x-fal-message') return 'control';
    if (message.type === 'x-fal-error') return message.error === 'TIMEOUT' ? 'timeout' : 'error';
    if (message.status === 'error') return message.error === 'Unauthorized' ? 'unauthorized' : 'error';
  }
  return 'output';
}

/** Whether a message of this kind answers the oldest send waiting (fal pairs by order). */
const takesSlot = (kind: MessageKind): boolean => kind === 'error' || kind === 'output';

interface Token {
  value: string;
  /** When to fetch a new one (90 % of the lifetime); undefined when the lifetime is unknown. */
  refreshAt?: number;
  lifetimeMs?: number;
}

const SEND_SLOT: Slot = { kind: 'send' };
const DISCARD_SLOT: Slot = { kind: 'discard' };

function encodeInput(input: RealtimeInput): Uint8Array {
  return input instanceof Uint8Array ? input : encode(input, { ignoreUndefined: true });
}

function frameBytes(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
}

function decodeFrame(bytes: Buffer, isBinary: boolean): unknown {
  if (isBinary) return decode(bytes);
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return { type: 'text', payload: text };
  }
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Leading edge, then only the latest call of each `ms` window (the official `throttle`); `onSkip`
 * hears of each value a later one replaced.
 */
export function throttleLatest<T>(
  fn: (value: T) => void,
  ms: number,
  onSkip?: (value: T) => void,
): { call: (value: T) => void; cancel: () => T | undefined } {
  let last = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let pending: { value: T } | undefined;
  const flush = (): void => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    last = Date.now();
    fn(value);
  };
  return {
    call(value) {
      const now = Date.now();
      if (!timer && now - last >= ms) {
        last = now;
        fn(value);
        return;
      }
      if (pending) onSkip?.(pending.value);
      pending = { value };
      if (!timer) timer = setTimeout(flush, Math.max(0, ms - (now - last)));
    },
    /** Drops the value waiting for its turn, and returns it (its caller says what became of it). */
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      const dropped = pending?.value;
      pending = undefined;
      return dropped;
    },
  };
}

class Connection {
  callbacks: { onResult: (result: unknown) => void; onError: (error: Error) => void };
  private state: 'idle' | 'connecting' | 'open' = 'idle';
  private ws: WebSocket | undefined;
  /** Waiting for the socket to open, in order. */
  private queue: Outgoing[] = [];
  /** Sent, waiting for their output, in order. */
  private inflight: Outgoing[] = [];
  private token: Token | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Bumped on every connect and close, so late events of an old socket or token fetch are ignored. */
  private generation = 0;
  private readonly throttle: ReturnType<typeof throttleLatest<Uint8Array>> | undefined;
  private readonly app: string;
  private readonly url: string;
  private readonly baseQuery: URLSearchParams;
  private readonly fetchToken: () => Promise<string>;
  private readonly lifetimeSeconds: number | undefined;
  /** Frames sent on this connection so far (their numbers). */
  private sentFrames = 0;
  observer: RealtimeObserver | undefined;

  constructor(
    private readonly config: ClientConfig,
    endpointId: string,
    options: RealtimeConnectOptions<never>,
  ) {
    this.callbacks = {
      onResult: options.onResult as (r: unknown) => void,
      onError: options.onError ?? (() => {}),
    };
    this.observer = options.observer;
    const parsed = parseEndpointId(endpointId);
    const path = resolveEndpointPath(parsed.id, options.path, '/realtime') ?? '';
    this.app = `${parsed.id}${path}`;
    const query = new URLSearchParams(options.query ?? {});
    if (options.maxBuffering !== undefined) query.set('max_buffering', options.maxBuffering.toFixed(0));
    this.url = `${config.hosts.realtime.replace(/\/+$/, '')}/${this.app}`;
    this.baseQuery = query;
    const provider = options.tokenProvider;
    this.lifetimeSeconds = provider
      ? options.tokenExpirationSeconds
      : (options.tokenExpirationSeconds ?? TOKEN_EXPIRATION_SECONDS);
    const lifetime = this.lifetimeSeconds;
    this.fetchToken = provider
      ? () => provider(this.app)
      : () => createTemporaryToken(config, this.app, lifetime ?? TOKEN_EXPIRATION_SECONDS);
    const interval = options.throttleInterval ?? 0;
    this.throttle =
      interval > 0 ? throttleLatest((data) => this.push({ data, slot: SEND_SLOT }), interval) : undefined;
  }

  send(input: RealtimeInput): void {
    const data = encodeInput(input);
    if (this.throttle) this.throttle.call(data);
    else this.push({ data, slot: SEND_SLOT });
  }

  open(): void {
    if (this.state === 'idle') void this.connect();
  }

  request(input: RealtimeInput, options: RealtimeRequestOptions = {}): Promise<unknown> {
    const { signal, onSent } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new FalAbortError());
      const giveUp = (): void => {
        const at = this.queue.indexOf(outgoing);
        if (at >= 0) this.queue.splice(at, 1);
        else outgoing.slot = DISCARD_SLOT;
        reject(new FalAbortError());
      };
      const outgoing: Outgoing = {
        data: encodeInput(input),
        onSent,
        slot: {
          kind: 'request',
          resolve: (value) => {
            signal?.removeEventListener('abort', giveUp);
            resolve(value);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', giveUp);
            reject(error);
          },
        },
      };
      signal?.addEventListener('abort', giveUp, { once: true });
      this.push(outgoing);
    });
  }

  close(): void {
    this.generation += 1;
    this.throttle?.cancel();
    this.stopRefresh();
    this.detachSocket();
    this.failPending(new Error('The realtime connection was closed before the output arrived.'));
  }

  /** Tells the observer, if any; an observer that throws does not break the connection. */
  private emit(event: () => RealtimeEvent): void {
    if (!this.observer) return;
    try {
      this.observer(event());
    } catch {
      // the observer's problem, not the connection's
    }
  }

  /** Writes one frame on the open socket; it now waits for its output. */
  private transmit(ws: WebSocket, outgoing: Outgoing): void {
    this.inflight.push(outgoing);
    ws.send(outgoing.data);
    const ordinal = ++this.sentFrames;
    outgoing.ordinal = ordinal;
    if (!this.observer && !outgoing.onSent) return;
    const at = Date.now();
    outgoing.onSent?.(ordinal, at);
    const { data } = outgoing;
    this.emit(() => ({
      type: 'frame',
      direction: 'sent',
      at,
      data,
      binary: true,
      size: data.byteLength,
      ordinal,
      decoded: () => decode(data),
    }));
  }

  /** Stops listening to the current socket and closes it normally (or drops a pending handshake). */
  private detachSocket(reason = 'closed by the client'): void {
    const ws = this.ws;
    const was = this.state;
    this.ws = undefined;
    this.state = 'idle';
    if (was !== 'idle')
      this.emit(() => ({ type: 'state', at: Date.now(), state: 'closed', code: 1000, reason }));
    if (!ws) return;
    ws.removeAllListeners();
    ws.on('error', () => {});
    if (ws.readyState === ws.OPEN) ws.close(1000, 'closed by the client');
    else if (ws.readyState === ws.CONNECTING) ws.terminate();
  }

  /** Sends at once on an open socket, else queues (connecting when idle). */
  private push(outgoing: Outgoing): void {
    const ws = this.ws;
    if (this.state === 'open' && ws && ws.readyState === ws.OPEN) {
      this.transmit(ws, outgoing);
      return;
    }
    // Latest-only throttling keeps just the newest plain message while connecting (as fal-js does).
    if (this.throttle && outgoing.slot.kind === 'send') {
      this.queue = this.queue.filter((o) => o.slot.kind !== 'send');
    }
    this.queue.push(outgoing);
    if (this.state === 'idle') void this.connect();
  }

  private async connect(): Promise<void> {
    this.state = 'connecting';
    const generation = ++this.generation;
    this.emit(() => ({ type: 'state', at: Date.now(), state: 'connecting' }));
    let token: string;
    try {
      token = await this.freshToken();
    } catch (error) {
      if (generation !== this.generation) return;
      this.emit(() => ({ type: 'token', at: Date.now(), phase: 'failed', error: toError(error).message }));
      this.fail(toError(error));
      return;
    }
    if (generation !== this.generation) return;
    let Socket: Awaited<ReturnType<typeof loadWs>>;
    try {
      Socket = await loadWs();
    } catch (error) {
      if (generation === this.generation) this.fail(toError(error));
      return;
    }
    if (generation !== this.generation) return;
    const query = new URLSearchParams(this.baseQuery);
    query.set('fal_jwt_token', token);
    let ws: WebSocket;
    try {
      ws = new Socket(`${this.url}?${query.toString()}`, {
        headers: { 'user-agent': this.config.userAgent },
        handshakeTimeout: 30_000,
      });
    } catch (error) {
      this.fail(toError(error)); // e.g. a malformed realtime host
      return;
    }
    this.ws = ws;
    let failure: Error | undefined;
    const report = (error: Error): void => {
      if (failure || generation !== this.generation) return;
      failure = error;
      this.callbacks.onError(error);
    };

    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        if (status === 401 || status === 403) this.token = undefined;
        const reason = errorMessage(status, body, res.statusMessage);
        const error = new ApiError({
          message: `Realtime connection refused (HTTP ${status}): ${reason}`,
          status,
          body,
          headers: res.headers,
          url: this.url,
        });
        report(error);
        if (generation === this.generation)
          this.emit(() => ({ type: 'state', at: Date.now(), state: 'closed', reason: error.message }));
        this.settleClosed(generation, error, false);
        ws.terminate();
      });
    });
    let opened = false;
    ws.on('open', () => {
      if (generation !== this.generation) return;
      opened = true;
      this.state = 'open';
      this.emit(() => ({ type: 'state', at: Date.now(), state: 'open' }));
      this.scheduleRefresh(generation);
      const queued = this.queue;
      this.queue = [];
      for (const outgoing of queued) this.transmit(ws, outgoing);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (generation !== this.generation) return;
      const bytes = frameBytes(data);
      let message: unknown;
      let decodeError: string | undefined;
      try {
        message = decodeFrame(bytes, isBinary);
      } catch (error) {
        decodeError = toError(error).message;
      }
      const kind = decodeError === undefined ? classify(message) : 'error';
      this.observeReceived(bytes, isBinary, message, kind, decodeError);
      if (decodeError !== undefined) {
        this.deliverError(
          new ApiError({ message: `Failed to decode a realtime message: ${decodeError}`, status: 400 }),
        );
        return;
      }
      this.handleMessage(message, kind);
    });
    ws.on('error', (error) => {
      report(new ApiError({ message: `Realtime connection error: ${error.message}`, status: 500 }));
    });
    ws.on('close', (code, reasonBuffer) => {
      const reason = reasonBuffer.toString('utf8');
      if (generation === this.generation)
        this.emit(() => ({ type: 'state', at: Date.now(), state: 'closed', code, reason }));
      const error = new ApiError({
        message: `Error closing the connection: ${reason || `code ${code}`}`,
        status: code,
      });
      if (code !== 1000) report(error);
      this.settleClosed(generation, failure ?? (code === 1000 ? undefined : error), opened);
    });
  }

  /**
   * The socket of `generation` is gone: back to idle. Requests waiting for an output are rejected;
   * plain messages that got no output are reported (when the close itself was not); messages never
   * sent go out on a new connection if this one had opened, else fail with the connection's error.
   */
  private settleClosed(generation: number, error: Error | undefined, opened: boolean): void {
    if (generation !== this.generation) return;
    this.generation += 1;
    this.ws = undefined;
    this.state = 'idle';
    this.stopRefresh();
    const lost = this.inflight;
    this.inflight = [];
    const closedError = error ?? new Error('The realtime connection closed before the output arrived.');
    const lostSends = lost.filter((o) => o.slot.kind === 'send').length;
    for (const { slot } of lost) if (slot.kind === 'request') slot.reject(closedError);
    if (lostSends > 0 && !error) {
      this.callbacks.onError(
        new Error(`The realtime connection closed before ${lostSends} message(s) got their output.`),
      );
    }
    if (opened && this.queue.length > 0) void this.connect();
    else this.failPending(closedError);
  }

  /**
   * TIMEOUT: the server had nothing pending when it gave up, so whatever is in flight now crossed
   * its notice and will get no output. Leave the closing socket and send that again on a new one.
   */
  private restartAfterTimeout(): void {
    this.generation += 1;
    this.stopRefresh();
    this.detachSocket('the server closed it after its idle TIMEOUT');
    // Requests given up need not go out again.
    this.queue = [...this.inflight.filter((o) => o.slot.kind !== 'discard'), ...this.queue];
    this.inflight = [];
    if (this.queue.length > 0) void this.connect();
  }

  /** Tells the observer of a received frame, with the send it answers by order (if it takes a slot). */
  private observeReceived(
    bytes: Buffer,
    binary: boolean,
    message: unknown,
    kind: MessageKind,
    decodeError: string | undefined,
  ): void {
    if (!this.observer) return;
    const answers = takesSlot(kind) ? this.inflight[0] : undefined;
    this.emit(() => ({
      type: 'frame',
      direction: 'received',
      at: Date.now(),
      data: binary ? bytes : bytes.toString('utf8'),
      binary,
      size: bytes.byteLength,
      ordinal: answers?.ordinal,
      dropped: answers?.slot.kind === 'discard' || undefined,
      decodeError,
      decoded: () => message,
    }));
  }

  private handleMessage(message: unknown, kind: MessageKind): void {
    if (kind === 'control') return;
    if (kind === 'timeout') {
      // An idle notice, not an error; the server closes next.
      this.restartAfterTimeout();
      return;
    }
    if (kind === 'unauthorized') {
      this.token = undefined;
      const body = message as Record<string, unknown>;
      this.callbacks.onError(new ApiError({ message: 'Unauthorized', status: 401, body }));
      this.close();
      return;
    }
    if (kind === 'error') {
      const m = message as Record<string, unknown>;
      this.deliverError(
        new ApiError({
          message:
            m.type === 'x-fal-error'
              ? `${String(m.error)}: ${String(m.reason)}`
              : String(m.error ?? m.reason ?? 'error'),
          status: 400,
          body: m,
        }),
      );
      return;
    }
    const slot = this.inflight.shift()?.slot;
    if (slot?.kind === 'request') slot.resolve(message);
    else if (slot?.kind !== 'discard') this.callbacks.onResult(message);
  }

  /** An error answering one input: rejects its `request()`, or goes to `onError`. */
  private deliverError(error: Error): void {
    const slot = this.inflight.shift()?.slot;
    if (slot?.kind === 'request') slot.reject(error);
    else if (slot?.kind !== 'discard') this.callbacks.onError(error);
  }

  private fail(error: Error): void {
    this.state = 'idle';
    this.emit(() => ({ type: 'state', at: Date.now(), state: 'closed', reason: error.message }));
    this.callbacks.onError(error);
    this.failPending(error);
  }

  private failPending(error: Error): void {
    const slots = [...this.inflight, ...this.queue].map((o) => o.slot);
    this.inflight = [];
    this.queue = [];
    for (const slot of slots) if (slot.kind === 'request') slot.reject(error);
  }

  private async freshToken(): Promise<string> {
    const token = this.token;
    if (token?.refreshAt !== undefined && Date.now() < token.refreshAt) return token.value;
    const value = this.storeToken(await this.fetchToken());
    this.emit(() => ({
      type: 'token',
      at: Date.now(),
      phase: 'fetched',
      lifetimeSeconds: this.lifetimeSeconds,
    }));
    return value;
  }

  private storeToken(value: string): string {
    const lifetimeMs = this.lifetimeSeconds === undefined ? undefined : this.lifetimeSeconds * 1000;
    this.token = {
      value,
      lifetimeMs,
      refreshAt: lifetimeMs === undefined ? undefined : Date.now() + Math.round(lifetimeMs * 0.9),
    };
    return value;
  }

  /** While connected, fetches a new token at 90 % of the lifetime (retrying after 5 % on failure). */
  private scheduleRefresh(generation: number, delayMs?: number): void {
    const token = this.token;
    if (token?.lifetimeMs === undefined || token.refreshAt === undefined) return;
    const lifetimeMs = token.lifetimeMs;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () => {
        this.fetchToken().then(
          (value) => {
            if (generation !== this.generation) return;
            this.storeToken(value);
            this.emit(() => ({
              type: 'token',
              at: Date.now(),
              phase: 'refreshed',
              lifetimeSeconds: this.lifetimeSeconds,
            }));
            this.scheduleRefresh(generation);
          },
          (error: unknown) => {
            if (generation !== this.generation) return;
            this.emit(() => ({
              type: 'token',
              at: Date.now(),
              phase: 'failed',
              error: toError(error).message,
            }));
            this.scheduleRefresh(generation, Math.round(lifetimeMs * 0.05));
          },
        );
      },
      delayMs ?? Math.max(0, token.refreshAt - Date.now()),
    );
    this.refreshTimer.unref();
  }

  private stopRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }
}

/** The realtime part of a client: `connect()` with connections cached per `connectionKey`. */
export function createRealtimeClient(config: ClientConfig): RealtimeClient {
  const connections = new Map<string, Connection>();
  return {
    connect<Output>(endpointId: string, options: RealtimeConnectOptions<Output>): RealtimeConnection<Output> {
      const { maxBuffering } = options;
      if (
        maxBuffering !== undefined &&
        (!Number.isInteger(maxBuffering) || maxBuffering < 1 || maxBuffering > 60)
      ) {
        throw new RangeError('The `maxBuffering` must be an integer between 1 and 60 (inclusive)');
      }
      const key = options.connectionKey ?? randomUUID();
      let connection = connections.get(key);
      if (connection) {
        // Like fal-js: a cached connection keeps its socket but takes the newest callbacks.
        connection.callbacks = {
          onResult: options.onResult as (r: unknown) => void,
          onError: options.onError ?? (() => {}),
        };
        connection.observer = options.observer;
      } else {
        connection = new Connection(config, endpointId, options as RealtimeConnectOptions<never>);
        connections.set(key, connection);
      }
      const conn = connection;
      return {
        send: (input) => conn.send(input),
        close: () => conn.close(),
        open: () => conn.open(),
        request: (input, requestOptions) => conn.request(input, requestOptions) as Promise<Output>,
      };
    },
  };
}
