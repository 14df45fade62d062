// HTTP routes of the queue host (`/queue/...`): submit, status, status stream (SSE), result and
// cancel, with or without the sub-path and a trailing slash, `workflows/` and `comfy/` namespaces.
import { FAL_HEADERS, PLATFORM_HEADER_NAMES } from '../common/falHeaders';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { findEndpoint, parseEndpointId } from './endpoints';
import type { CallKind, Fault, FaultBook } from './faults';
import { send } from './faults';
import type { InfraErrorType } from '../common/falErrorTypes';
import { expiredBody, type ExpiredRequest, type Queue, type QueueRequest } from './queue';
import { webhookRefusal, webhookTargetAllowed } from './requestGuard';
import { readInput } from './requestInput';
import { SseWriter } from './sse';

export type QueueRoute =
  | { call: 'submit'; endpointPath: string }
  | { call: Exclude<CallKind, 'submit' | 'run' | 'stream'>; appPathAsked: string; requestId: string };

/** What a `/queue/...` path (without `/queue/`) asks for. */
export function parseQueuePath(path: string, method: string): QueueRoute {
  const segs = path.split('/').filter((s) => s !== '');
  const i = segs.lastIndexOf('requests');
  if (i >= 2 && i + 1 < segs.length) {
    const rest = segs.slice(i + 2).join('/');
    const base = { appPathAsked: segs.slice(0, i).join('/'), requestId: segs[i + 1] };
    if (rest === '') return { call: 'result', ...base };
    if (rest === 'status') return { call: 'status', ...base };
    if (rest === 'status/stream') return { call: 'status-stream', ...base };
    if (rest === 'cancel') return { call: 'cancel', ...base };
  }
  void method;
  return { call: 'submit', endpointPath: segs.join('/') };
}

export interface QueueScope {
  ctx: SandboxContext;
  queue: Queue;
  faults: FaultBook;
  keepaliveMs: number;
}

const wantsLogs = (url: URL) =>
  ['1', 'true', 'yes'].includes((url.searchParams.get('logs') ?? '').toLowerCase());

export function queueUrls(ctx: SandboxContext, r: QueueRequest): Record<string, string> {
  const base = `${ctx.baseUrl}/queue/${r.appPath}/requests/${r.id}`;
  return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

/** Sandbox only, on a completed request's status: when it completed, in epoch ms (fractional). */
export const COMPLETED_AT_HEADER = 'x-sandbox-completed-at';

/** The status body; `logsFrom` picks which log lines (all for polling, the new ones for the stream). */
export function statusBody(
  scope: QueueScope,
  r: QueueRequest,
  withLogs: boolean,
  logsFrom = 0,
): Record<string, unknown> {
  const body: Record<string, unknown> = { status: r.state, request_id: r.id, ...queueUrls(scope.ctx, r) };
  if (r.state === 'IN_QUEUE') body.queue_position = scope.queue.position(r);
  body.logs = withLogs ? r.logs.slice(logsFrom) : null;
  if (r.state === 'COMPLETED') {
    body.metrics = {
      inference_time: r.startedAt && r.completedAt ? (r.completedAt - r.startedAt) / 1000 : null,
    };
    if (r.error !== undefined) body.error = r.error;
    if (r.errorType !== undefined) body.error_type = r.errorType;
  }
  return body;
}

const isExpired = (r: QueueRequest | ExpiredRequest): r is ExpiredRequest => 'expired' in r;

function sameApp(asked: string, r: { appPath: string }): boolean {
  const a = parseEndpointId(asked);
  const b = parseEndpointId(r.appPath);
  return !!a && !!b && a.namespace === b.namespace && a.owner === b.owner && a.alias === b.alias;
}

export async function handleQueue(
  scope: QueueScope,
  route: QueueRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  faults: { later?: Fault; runnerFailures: number; failWith?: InfraErrorType },
): Promise<void> {
  const { ctx, queue } = scope;
  if (route.call === 'submit') {
    if (req.method !== 'POST') return send(res, 405, { detail: 'Method Not Allowed' });
    const parsed = parseEndpointId(route.endpointPath);
    const endpoint = findEndpoint(route.endpointPath);
    if (!parsed || !endpoint) {
      return send(res, 404, { detail: `Application '${route.endpointPath}' not found` });
    }
    const webhookUrl = url.searchParams.get('fal_webhook') ?? undefined;
    if (webhookUrl !== undefined && !webhookTargetAllowed(ctx, webhookUrl)) {
      return send(res, 400, { detail: webhookRefusal(webhookUrl) });
    }
    const read = await readInput(req, url);
    if (!read.ok) return send(res, read.status, { detail: read.detail });
    const timeoutHeader = req.headers[FAL_HEADERS.requestTimeout];
    let startTimeout: number | undefined;
    if (typeof timeoutHeader === 'string' && timeoutHeader.trim() !== '') {
      startTimeout = Number(timeoutHeader);
      if (!Number.isFinite(startTimeout) || startTimeout <= 0) {
        return send(res, 400, {
          detail: `${FAL_HEADERS.requestTimeout} must be a positive number of seconds`,
        });
      }
    }
    const noRetry = ['1', 'true', 'yes'].includes(
      String(req.headers[FAL_HEADERS.noRetry] ?? '').toLowerCase(),
    );
    const r = queue.submit({
      endpoint,
      appPath: parsed.appPath,
      subPath: parsed.path,
      input: read.input,
      priority:
        String(req.headers[FAL_HEADERS.queuePriority] ?? '').toLowerCase() === 'low' ? 'low' : 'normal',
      noRetry,
      startTimeout,
      webhookUrl,
      runnerFailures: faults.runnerFailures,
      failWith: faults.failWith,
      storeIo: !['0', 'false', 'no'].includes(
        String(req.headers[FAL_HEADERS.storeIo] ?? '')
          .trim()
          .toLowerCase(),
      ),
      platformHeaders: platformHeadersLine(req),
    });
    if (faults.later) {
      if (faults.later.name === 'runner-fail') r.runnerFailures += faults.later.arg;
      else scope.faults.bind(r.id, faults.later);
    }
    return send(
      res,
      200,
      {
        status: 'IN_QUEUE',
        request_id: r.id,
        gateway_request_id: r.gatewayRequestId,
        ...queueUrls(ctx, r),
        queue_position: queue.position(r),
      },
      { [FAL_HEADERS.requestId]: r.id },
    );
  }

  const known = queue.get(route.requestId);
  const same = known && sameApp(route.appPathAsked, known) ? known : undefined;
  const idHeader = { [FAL_HEADERS.requestId]: route.requestId };
  if (same && isExpired(same)) {
    // Past its retention window: unknown, as fal answers, with the reason and the sandbox's marker.
    const body = expiredBody(same.id);
    return send(res, 404, body, { ...idHeader, [FAL_HEADERS.errorType]: body.error_type });
  }
  const found = same && !isExpired(same) ? same : undefined;
  switch (route.call) {
    case 'cancel': {
      if (req.method !== 'PUT' && req.method !== 'POST')
        return send(res, 405, { detail: 'Method Not Allowed' });
      if (!found) return send(res, 404, { status: 'NOT_FOUND' }, idHeader);
      const outcome = queue.cancel(found);
      return send(res, outcome === 'ALREADY_COMPLETED' ? 400 : 202, { status: outcome }, idHeader);
    }
    case 'status':
      if (!found) return send(res, 404, { detail: `Request ${route.requestId} not found` }, idHeader);
      return send(
        res,
        found.state === 'COMPLETED' ? 200 : 202,
        statusBody(scope, found, wantsLogs(url)),
        found.completedAt === undefined
          ? idHeader
          : { ...idHeader, [COMPLETED_AT_HEADER]: found.completedAt.toFixed(3) },
      );
    case 'result': {
      if (!found) return send(res, 404, { detail: `Request ${route.requestId} not found` }, idHeader);
      if (found.state !== 'COMPLETED' || !found.outcome) {
        return send(res, 400, { detail: 'Request is still in progress' }, idHeader);
      }
      const o = found.outcome;
      found.resultFetched = true;
      return send(res, o.status, o.body, { ...o.headers, ...idHeader });
    }
    case 'status-stream':
      if (!found) return send(res, 404, { detail: `Request ${route.requestId} not found` }, idHeader);
      return streamStatus(scope, found, res, wantsLogs(url));
  }
}

/**
 * How often a status stream sends a change of logs alone, and of queue position alone (the latest
 * then): 1,000 requests waiting while 50 run would otherwise each get an event every time any one
 * of the 50 finishes, tens of thousands of events a second that tell nobody anything new.
 */
export const LOGS_UPDATE_INTERVAL_MS = 100;
export const POSITION_UPDATE_INTERVAL_MS = 1000;

/**
 * SSE: an event now and on each change (only new log lines), keepalive comments, close after
 * COMPLETED. A change of state is sent at once; new log lines within LOGS_UPDATE_INTERVAL_MS of
 * the last event, a new position alone within POSITION_UPDATE_INTERVAL_MS.
 */
function streamStatus(scope: QueueScope, r: QueueRequest, res: ServerResponse, withLogs: boolean): void {
  const sse = new SseWriter(res, r.id);
  let sentLogs = 0;
  let sentState = '';
  let sentAt = 0;
  let last = '';
  let later: NodeJS.Timeout | undefined;
  let laterDue = 0;
  const keepalive = setInterval(() => sse.comment('keepalive'), scope.keepaliveMs);
  const stop = () => {
    clearInterval(keepalive);
    clearTimeout(later);
    unwatch();
  };
  // What an event would tell: no event when it has not changed (a log line the stream leaves out).
  const keyNow = () =>
    `${r.state}|${r.state === 'IN_QUEUE' ? scope.queue.position(r) : ''}|${withLogs ? r.logs.length : 0}`;
  const sendNow = () => {
    clearTimeout(later);
    later = undefined;
    if (sse.closed) return stop();
    const key = keyNow();
    if (key === last) return;
    last = key;
    sentState = r.state;
    sentAt = performance.now();
    const body = statusBody(scope, r, withLogs, sentLogs);
    sentLogs = r.logs.length;
    if (!sse.send(body)) return stop();
    if (r.state === 'COMPLETED') {
      stop();
      sse.end();
    }
  };
  const update = () => {
    if (r.state !== sentState) return sendNow();
    // An event is already due as soon as new log lines would make it (or there are none to send).
    if (later && (!withLogs || laterDue <= sentAt + LOGS_UPDATE_INTERVAL_MS)) return;
    if (keyNow() === last) return;
    const newLogs = withLogs && r.logs.length !== sentLogs;
    const due = sentAt + (newLogs ? LOGS_UPDATE_INTERVAL_MS : POSITION_UPDATE_INTERVAL_MS);
    if (later && laterDue <= due) return;
    clearTimeout(later);
    laterDue = due;
    later = setTimeout(sendNow, Math.max(0, due - performance.now()));
  };
  const unwatch = scope.queue.watch(r, update);
  res.on('close', stop);
  sendNow();
}

/**
 * The platform headers a submit carried, as the first log line of its request, so a user (and the
 * tests) can see what reached the platform: "Platform headers: x-fal-queue-priority=low, ...". The
 * default priority (normal, which the JS client always sends) alone is not worth a line.
 */
export function platformHeadersLine(req: IncomingMessage): string | undefined {
  const seen = PLATFORM_HEADER_NAMES.flatMap((name) => {
    const value = req.headers[name];
    return typeof value === 'string' ? [`${name}=${value}`] : [];
  }).filter((entry) => entry !== `${FAL_HEADERS.queuePriority}=normal`);
  return seen.length ? `Platform headers: ${seen.join(', ')}` : undefined;
}
