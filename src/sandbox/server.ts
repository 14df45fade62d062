// The sandbox's one HTTP server: fal's hosts as path prefixes of one origin (`/run`, `/queue`,
// `/rest`, `/api/v1`, `/openapi/...`, `/files/`, the Python client's CDN uploads), auth, fault injection, realtime upgrades, the
// attach route a window uses to keep an editor-started sandbox alive, and a `close()` that stops
// everything and removes its scratch folder. `startSandbox` is what the CLI and the tests call.
import { FAL_HEADERS } from '../common/falHeaders';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { sandboxHosts, type FalHosts } from '../common/hosts';
import { handleCatalogue } from './catalogue';
import { createContext, type SandboxContext, type SandboxOptions } from './context';
import { Attachments, handleAttachRoute } from './attachments';
import { ATTACH_PATH, DETACH_PATH } from './controlProtocol';
import {
  applyFault,
  FaultBook,
  FaultSpecError,
  handleFaultsRoute,
  queueFailure,
  type CallKind,
} from './faults';
import { decodePath, requireKey, sendDetail } from './http';
import { handleCdnUpload, isCdnUploadPath } from './cdnUploads';
import { FILES_PREFIX, serveFile } from './fileRoute';
import { serveThumbnail, THUMBNAIL_PREFIX } from './thumbnails';
import { handleOpenApi } from './openapi';
import { ESTIMATE_PATH, handleEstimate, handlePricing, PRICING_PATH } from './pricing';
import { Queue } from './queue';
import { handleQueue, parseQueuePath, type QueueScope } from './queueRoutes';
import { handleRealtimeUpgrade } from './realtime';
import { guardRequest } from './requestGuard';
import { handleRun, parseRunPath } from './run';
import { handleStorage } from './storage';
import { handleTokens } from './tokens';
import { handleJwks } from './webhooks';

export interface RunningSandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  hosts: FalHosts;
  /** The shared context (files, secret, options) of this instance. */
  context: SandboxContext;
  /** The windows that attached (see attachments.ts). */
  attachments: Attachments;
  /** Queue requests whose result no client has fetched yet. */
  unfetched(): number;
  close(): Promise<void>;
}

export interface StartSandboxOptions extends SandboxOptions {
  /** Interval of `: keepalive` comments on status streams (default 15 000 ms). */
  keepaliveMs?: number;
}

const DEFAULT_KEEPALIVE_MS = 15_000;

export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const ctx = createContext(options);
  const scope: QueueScope = {
    ctx,
    queue: new Queue(ctx),
    faults: new FaultBook(),
    keepaliveMs: options.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
  };
  const attachments = new Attachments();
  const unfetched = () => scope.queue.unfetchedCount();
  const upgraded = new Set<Duplex>();

  const server = createServer({ keepAlive: true }, (req, res) => {
    if (!guardRequest(ctx, req, res)) return;
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const handled =
      path === ATTACH_PATH || path === DETACH_PATH
        ? handleAttachRoute(ctx, attachments, unfetched, req, res, path)
        : handle(scope, req, res);
    handled.catch((err: unknown) => {
      ctx.log(`error on ${req.method} ${req.url}: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent) sendDetail(res, 500, `Internal Server Error: ${(err as Error)?.message ?? err}`);
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname.replace(/\/+$/, '');
    if (path.startsWith('/run/') && path.endsWith('/realtime')) {
      upgraded.add(socket);
      socket.on('close', () => upgraded.delete(socket));
      handleRealtimeUpgrade(ctx, req, socket, head);
      return;
    }
    const body = '{"detail":"Not Found"}';
    socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n${FAL_HEADERS.requestId}: ${randomUUID()}\r\n` +
        `Connection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    socket.once('finish', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(ctx.options.port, ctx.options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : ctx.options.port;
  const host = ctx.options.host.includes(':') ? `[${ctx.options.host}]` : ctx.options.host;
  ctx.baseUrl = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  ctx.log(`listening on ${ctx.baseUrl}`);

  let closing: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    port,
    hosts: sandboxHosts(ctx.baseUrl),
    context: ctx,
    attachments,
    unfetched,
    close() {
      closing ??= new Promise<void>((resolve) => {
        ctx.shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }).then(() => ctx.scratch.remove());
      return closing;
    },
  };
}

/** Routes one request. */
async function handle(scope: QueueScope, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx } = scope;
  const url = new URL(req.url ?? '/', ctx.baseUrl || 'http://sandbox');
  const path = url.pathname;

  if (path.startsWith('/run/') || path.startsWith('/queue/')) {
    const isRun = path.startsWith('/run/');
    const rest = decodePath(path.slice(isRun ? '/run/'.length : '/queue/'.length));
    if (rest === undefined) return sendDetail(res, 404, `Path ${path} not found`);
    const queueRoute = isRun ? undefined : parseQueuePath(rest, req.method ?? 'GET');
    const call: CallKind = isRun ? (parseRunPath(rest).stream ? 'stream' : 'run') : queueRoute!.call;
    const requestId = queueRoute && queueRoute.call !== 'submit' ? queueRoute.requestId : undefined;

    let resolved;
    try {
      resolved = scope.faults.resolve(req, call, requestId);
    } catch (err) {
      if (err instanceof FaultSpecError) return sendDetail(res, 400, `x-sandbox-fault: ${err.message}`);
      throw err;
    }
    const now = resolved.now;
    if (now && (await applyFault(now, req, res, requestId ?? randomUUID(), call))) return;
    if (!requireKey(ctx, req, res)) return;
    const runnerFail = now?.name === 'runner-fail';
    if (isRun) return handleRun(ctx, req, res, url, rest, runnerFail);
    return handleQueue(scope, queueRoute!, req, res, url, {
      later: resolved.later,
      runnerFailures: runnerFail ? now.arg : 0,
      failWith: queueFailure(now, call),
    });
  }

  if (path === '/rest/tokens' || path === '/rest/tokens/') return handleTokens(ctx, req, res);
  if (path === '/rest/.well-known/jwks.json') return handleJwks(ctx, req, res);
  if (path.startsWith('/rest/storage/')) {
    if (!(await handleStorage(ctx, req, res, url))) sendDetail(res, 404, 'Not Found');
    return;
  }
  if (path === '/api/v1/models' || path === '/api/v1/models/') return handleCatalogue(ctx, req, res, url);
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === PRICING_PATH) return handlePricing(ctx, req, res, url);
  if (trimmed === ESTIMATE_PATH) return handleEstimate(ctx, req, res);
  if (path === '/openapi/queue/openapi.json') return handleOpenApi(ctx, req, res, url);
  if (isCdnUploadPath(path)) return handleCdnUpload(ctx, req, res, path);
  if (path.startsWith(FILES_PREFIX)) return serveFile(ctx, req, res, path);
  if (path.startsWith(THUMBNAIL_PREFIX)) return serveThumbnail(req, res, path);
  if (path === '/_sandbox/faults') return handleFaultsRoute(ctx, scope.faults, req, res);
  if (path === '/' || path === '/_sandbox/health') {
    return sendDetail(res, 200, 'fal sandbox: see /api/v1/models for its endpoints');
  }
  sendDetail(res, 404, `Path ${path} not found`);
}
