// Realtime WebSocket sessions at `/run/{endpointId}/realtime`, as fal's realtime apps speak them:
// handshake auth (`fal_jwt_token` or `Authorization: Key`) and an Origin check; binary msgpack frames
// in and out, one output per input, in order; JSON text control frames (`x-fal-error` TIMEOUT after an
// idle period then a close, INTERNAL_ERROR when a handler throws); `max_buffering` keeps the newest
// inputs while a handler is busy and drops the oldest.
//
// Sandbox-only knobs: `?sandbox_idle_timeout=<seconds>` on the URL (0.05..3600) or
// `realtimeSettings.idleTimeoutMs` set the idle period (60 s by default). Inputs to sandbox/echo may
// carry `delay_ms` (the handler waits that long, at most 10 s) and `fail` (the handler throws that
// text), to make buffering and errors observable. sandbox/image answers PNG bytes inline
// (`images[i].content`) unless the input says `output_format: "url"`; sandbox/text answers `{output}`.
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { SandboxContext } from './context';
import { findEndpoint, parseEndpointId, renderImage } from './endpoints';
import { IMAGE_SIZES } from './endpoints/image';
import { pause } from './endpoints/types';
import { decodePath, requireKey, sendDetail } from './http';
import { originAllowed, refusal } from './requestGuard';
import { verifyToken } from './tokens';
import { validateInput } from './validate';

export const realtimeSettings = {
  /** Idle period (no input) after which a session gets TIMEOUT and is closed. */
  idleTimeoutMs: 60_000,
  /** Inputs kept while a handler is busy when the URL has no `max_buffering`. */
  defaultBuffering: 60,
};

/** What a realtime handler sees besides its input. */
export interface RealtimeCall {
  ctx: SandboxContext;
  /** 1-based ordinal of this input on its connection (dropped inputs count too). */
  seq: number;
  /** Aborted when the connection closes or the sandbox stops. */
  signal: AbortSignal;
}

export type RealtimeHandler = (input: Record<string, unknown>, call: RealtimeCall) => unknown;

const handlers = new Map<string, RealtimeHandler>();

/** Registers (or replaces) the realtime handler of `owner/alias`. */
export function registerRealtimeHandler(appId: string, handler: RealtimeHandler): void {
  handlers.set(appId, handler);
}

// Answers at once (not through a promise) unless asked to wait, so a fast burst of inputs is
// answered as it is read and never fills the session's buffer (see runSession's pump).
registerRealtimeHandler('sandbox/echo', (input, { seq, signal }) => {
  const answer = () => {
    if (typeof input.fail === 'string' || input.fail === true) {
      throw new Error(typeof input.fail === 'string' ? input.fail : 'sandbox/echo was asked to fail');
    }
    return { ...input, seq };
  };
  const delay = input.delay_ms;
  if (typeof delay === 'number' && delay > 0) return pause(Math.min(delay, 10_000), signal).then(answer);
  return answer();
});

/** The input with the endpoint's defaults, or an error naming the fields that did not validate. */
function validated(appId: string, input: Record<string, unknown>): Record<string, unknown> {
  const endpoint = findEndpoint(appId);
  if (!endpoint) throw new Error(`No endpoint ${appId}`);
  const result = validateInput(endpoint, input);
  if (result.ok) return result.input;
  const fields = result.errors.map((e) => `${e.loc.filter((l) => l !== 'body').join('.')}: ${e.msg}`);
  throw new Error(`Invalid input: ${fields.join('; ')}`);
}

registerRealtimeHandler('sandbox/image', (raw, { ctx }) => {
  const { output_format: format, width: w, height: h, ...rest } = raw;
  const input = validated('sandbox/image', rest);
  const size = input.image_size;
  let { width, height } =
    typeof size === 'string' ? IMAGE_SIZES[size] : (size as { width: number; height: number });
  if (typeof w === 'number' && typeof h === 'number') [width, height] = [w, h];
  if (!(width >= 16 && height >= 16 && width <= 2048 && height <= 2048)) {
    throw new Error('Invalid input: width and height must be from 16 to 2048');
  }
  const seed = typeof input.seed === 'number' ? input.seed : Math.floor(Math.random() * 2 ** 31);
  const prompt = String(input.prompt);
  const started = Date.now();
  const images = Array.from({ length: Number(input.num_images) }, (_, i) => {
    const png = renderImage({ prompt, seed: seed + i, width, height });
    return format === 'url'
      ? { url: ctx.files.put(png, 'image/png', `image-${i}.png`), width, height, content_type: 'image/png' }
      : { content: png, width, height, content_type: 'image/png' };
  });
  return { images, seed, prompt, timings: { inference: (Date.now() - started) / 1000 } };
});

registerRealtimeHandler('sandbox/text', (raw, { ctx, signal }) => {
  const endpoint = findEndpoint('sandbox/text');
  if (!endpoint) throw new Error('No endpoint sandbox/text');
  return endpoint.run(validated('sandbox/text', raw), { ctx, signal, subPath: '', log: () => {} });
});

interface ParsedApp {
  /** `owner/alias`, without namespace or sub-path: the handler key. */
  appId: string;
  alias: string;
  endpointId: string;
}

/** `/run/sandbox/echo/realtime` -> sandbox/echo, alias echo. */
function parseRealtimePath(pathname: string): ParsedApp | undefined {
  const match = /^\/run\/(.+?)\/realtime\/?$/.exec(pathname);
  if (!match) return undefined;
  const endpointId = decodePath(match[1]);
  if (endpointId === undefined) return undefined;
  const parsed = parseEndpointId(endpointId);
  if (!parsed) return undefined;
  return { appId: `${parsed.owner}/${parsed.alias}`, alias: parsed.alias, endpointId };
}

/** A ServerResponse written straight onto the upgrade socket, so refusals reuse the HTTP helpers. */
function responseOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}

function refuse(req: IncomingMessage, socket: Duplex, status: number, reason: string): void {
  sendDetail(responseOn(req, socket), status, reason);
}

/** Decides whether the handshake may go on; refuses it (401/403/400) with a reason otherwise. */
async function admit(
  ctx: SandboxContext,
  req: IncomingMessage,
  socket: Duplex,
  url: URL,
  app: ParsedApp,
): Promise<boolean> {
  const refused = refusal(ctx, req);
  if (refused) {
    refuse(req, socket, refused.status, refused.detail);
    return false;
  }
  if (!originAllowed(ctx, req.headers.origin)) {
    const detail = `Origin ${req.headers.origin} is not allowed: the sandbox accepts loopback origins (and --allow-host ones) only.`;
    refuse(req, socket, 403, detail);
    return false;
  }
  const token = url.searchParams.get('fal_jwt_token');
  if (token !== null) {
    const check = await verifyToken(ctx, token, app.alias);
    if (!check.ok) {
      refuse(req, socket, check.status, check.reason);
      return false;
    }
    return true;
  }
  const res = responseOn(req, socket);
  if (!requireKey(ctx, req, res)) return false;
  res.removeAllListeners('finish');
  res.detachSocket(socket as Socket);
  return true;
}

function parseBuffering(url: URL): number | string {
  const raw = url.searchParams.get('max_buffering');
  if (raw === null) return realtimeSettings.defaultBuffering;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 60)
    return `max_buffering must be an integer from 1 to 60, got "${raw}".`;
  return n;
}

function parseIdleTimeout(url: URL): number | string {
  const raw = url.searchParams.get('sandbox_idle_timeout');
  if (raw === null) return realtimeSettings.idleTimeoutMs;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0.05 || seconds > 3600) {
    return `sandbox_idle_timeout must be a number of seconds from 0.05 to 3600, got "${raw}".`;
  }
  return Math.round(seconds * 1000);
}

const servers = new WeakMap<SandboxContext, WebSocketServer>();

function serverFor(ctx: SandboxContext): WebSocketServer {
  let wss = servers.get(ctx);
  if (!wss) {
    const server = new WebSocketServer({ noServer: true });
    servers.set(ctx, server);
    const stop = (): void => {
      for (const client of server.clients) {
        client.close(1001, 'sandbox shutting down');
        setTimeout(() => client.terminate(), 500).unref();
      }
      server.close();
    };
    if (ctx.shutdown.signal.aborted) stop();
    else ctx.shutdown.signal.addEventListener('abort', stop, { once: true });
    wss = server;
  }
  return wss;
}

/** Takes over an HTTP upgrade whose path ends in `/realtime` under `/run/`. */
export function handleRealtimeUpgrade(
  ctx: SandboxContext,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on('error', () => socket.destroy());
  void (async () => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const app = parseRealtimePath(url.pathname);
    if (!app) {
      refuse(req, socket, 404, 'Realtime URLs look like /run/{owner}/{alias}/realtime.');
      return;
    }
    if (ctx.shutdown.signal.aborted) {
      refuse(req, socket, 503, 'The sandbox is shutting down.');
      return;
    }
    if (!(await admit(ctx, req, socket, url, app))) return;
    const buffering = parseBuffering(url);
    const idleMs = parseIdleTimeout(url);
    if (typeof buffering === 'string' || typeof idleMs === 'string') {
      refuse(req, socket, 400, typeof buffering === 'string' ? buffering : String(idleMs));
      return;
    }
    serverFor(ctx).handleUpgrade(req, socket, head, (ws) => {
      runSession(ctx, ws, app, buffering, idleMs);
    });
  })().catch((err: unknown) => {
    ctx.log(`realtime: handshake failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!socket.destroyed) refuse(req, socket, 500, 'Realtime handshake failed.');
  });
}

type Pending =
  { seq: number; input: Record<string, unknown> } | { seq: number; error: string; reason: string };

function runSession(
  ctx: SandboxContext,
  ws: WebSocket,
  app: ParsedApp,
  buffering: number,
  idleMs: number,
): void {
  const handler = handlers.get(app.appId);
  const aborter = new AbortController();
  const queue: Pending[] = [];
  let seq = 0;
  let busy = false;
  let idleTimer: NodeJS.Timeout | undefined;
  ctx.log(`realtime: ${app.endpointId} connected (max_buffering ${buffering})`);

  const open = (): boolean => ws.readyState === ws.OPEN;
  const sendControl = (frame: Record<string, unknown>): void => {
    if (open()) ws.send(JSON.stringify(frame));
  };
  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (busy || queue.length > 0 || !open()) return;
      sendControl({ type: 'x-fal-error', error: 'TIMEOUT', reason: 'no inputs, reconnect when needed!' });
      ws.close(1000, 'idle timeout');
    }, idleMs);
  };

  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (let item = queue.shift(); item && open(); item = queue.shift()) {
        if ('error' in item) {
          sendControl({ type: 'x-fal-error', error: item.error, reason: item.reason });
          continue;
        }
        try {
          if (!handler) throw new Error('unreachable');
          // A handler that answers at once is not awaited: the inputs read in one go are then
          // answered one by one as they arrive, as an app that keeps up would, none of them buffered.
          const answer = handler(item.input, { ctx, seq: item.seq, signal: aborter.signal });
          const output = answer instanceof Promise ? await answer : answer;
          if (open()) ws.send(encode(output, { ignoreUndefined: true }));
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          ctx.log(`realtime: ${app.endpointId} handler failed: ${reason}`);
          sendControl({ type: 'x-fal-error', error: 'INTERNAL_ERROR', reason });
        }
      }
    } finally {
      busy = false;
      if (open()) armIdle();
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    seq += 1;
    let item: Pending;
    if (!handler) {
      item = {
        seq,
        error: 'NOT_FOUND',
        reason: `No realtime app at ${app.endpointId}; the sandbox serves ${[...handlers.keys()].join(', ')}.`,
      };
    } else if (!isBinary) {
      item = { seq, error: 'BAD_INPUT', reason: 'Send inputs as binary msgpack frames, not text.' };
    } else {
      try {
        const bytes = Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.isBuffer(data)
            ? data
            : Buffer.from(data);
        const input = decode(bytes);
        item =
          input !== null &&
          typeof input === 'object' &&
          !Array.isArray(input) &&
          !(input instanceof Uint8Array)
            ? { seq, input: input as Record<string, unknown> }
            : { seq, error: 'BAD_INPUT', reason: 'The input must be a msgpack map.' };
      } catch (err) {
        item = {
          seq,
          error: 'BAD_INPUT',
          reason: `Not msgpack: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    }
    queue.push(item);
    while (queue.length > buffering) {
      const dropped = queue.shift();
      ctx.log(`realtime: ${app.endpointId} dropped input ${dropped?.seq} (max_buffering ${buffering})`);
    }
    clearTimeout(idleTimer);
    void pump();
  });
  ws.on('close', (code) => {
    clearTimeout(idleTimer);
    aborter.abort();
    queue.length = 0;
    ctx.log(`realtime: ${app.endpointId} closed (${code})`);
  });
  ws.on('error', (err) => ctx.log(`realtime: ${app.endpointId} socket error: ${err.message}`));
  armIdle();
}
