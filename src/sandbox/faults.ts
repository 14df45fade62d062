// Fault injection for tests of clients and the extension: the `x-sandbox-fault` header and
// `POST /_sandbox/faults` arm faults (429, 502-nginx, 503, 504-user, reset, reset-mid-body, bad-json,
// stream-cut:N, slow-headers:MS, big-body:MB, runner-fail:N, 403-locked, and fal's infrastructure
// error types: request_timeout, startup_timeout, runner_scheduling_failure, runner_connection_timeout,
// runner_disconnected, runner_connection_refused) on the run/queue calls they name. An error-type
// fault on a submit fails that queue request (it ends COMPLETED with `error` and `error_type`, the
// result call answers the error); on any other call it answers the error at once.
// Faults that change a response body are attached to the response and applied by `send`/`SseWriter`.
import { FAL_HEADERS } from '../common/falHeaders';
import {
  INFRA_ERROR_TYPES,
  isInfraErrorType,
  LOCKED_ACCOUNT_DETAIL,
  type InfraErrorType,
} from '../common/falErrorTypes';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { SandboxContext } from './context';
import { infraOutcome } from './execute';
import { readJsonBody, sendDetail, sendJson } from './http';

export type CallKind = 'run' | 'submit' | 'status' | 'status-stream' | 'result' | 'stream' | 'cancel';
const CALLS: readonly string[] = ['run', 'submit', 'status', 'status-stream', 'result', 'stream', 'cancel'];

export type FaultName =
  | '429'
  | '502-nginx'
  | '503'
  | '504-user'
  | 'reset'
  | 'reset-mid-body'
  | 'bad-json'
  | 'stream-cut'
  | 'slow-headers'
  | 'big-body'
  | 'runner-fail'
  | '403-locked'
  | InfraErrorType;

/** Kinds that take `:N`, and the default N. */
const WITH_ARG: Partial<Record<FaultName, number>> = {
  'stream-cut': 1,
  'slow-headers': 1000,
  'big-body': 1,
  'runner-fail': 1,
};
const NAMES: readonly string[] = [
  '429',
  '502-nginx',
  '503',
  '504-user',
  'reset',
  'reset-mid-body',
  'bad-json',
  'stream-cut',
  'slow-headers',
  'big-body',
  'runner-fail',
  '403-locked',
  ...INFRA_ERROR_TYPES,
];

export interface Fault {
  name: FaultName;
  /** N of `stream-cut:N`, MS of `slow-headers:MS`, MB of `big-body:MB`, N of `runner-fail:N`. */
  arg: number;
  /** How many more matching calls it fires on. */
  times: number;
  /** Which call it fires on; any run/queue call when unset. */
  on?: CallKind;
  /** `retry-after` seconds of a 429 (default 1). */
  retryAfter: number;
}

export class FaultSpecError extends Error {}

function parseKind(kind: string): { name: FaultName; arg: number } {
  const [name, arg] = kind.trim().split(':', 2);
  if (!NAMES.includes(name))
    throw new FaultSpecError(`Unknown fault kind "${name}"; known: ${NAMES.join(', ')}`);
  const f = name as FaultName;
  const dflt = WITH_ARG[f];
  if (arg === undefined) return { name: f, arg: dflt ?? 0 };
  const n = Number(arg);
  if (dflt === undefined || !Number.isFinite(n) || n < 0)
    throw new FaultSpecError(`Bad argument in "${kind}"`);
  return { name: f, arg: n };
}

function build(kind: string, times: unknown, on: unknown, retryAfter: unknown): Fault {
  const { name, arg } = parseKind(kind);
  const t = times === undefined ? 1 : Number(times);
  if (!Number.isInteger(t) || t < 1) throw new FaultSpecError(`times must be a positive integer`);
  if (on !== undefined && !CALLS.includes(String(on))) {
    throw new FaultSpecError(`on must be one of ${CALLS.join(', ')}`);
  }
  const ra = retryAfter === undefined ? 1 : Number(retryAfter);
  if (!Number.isFinite(ra) || ra < 0) throw new FaultSpecError('retry-after must be a number of seconds');
  return { name, arg, times: t, on: on === undefined ? undefined : (String(on) as CallKind), retryAfter: ra };
}

/** Parses `KIND[;times=N][;on=CALL][;retry-after=S]`. */
export function parseFaultHeader(text: string): Fault {
  const [kind, ...params] = text.split(';');
  const fields: Record<string, string> = {};
  for (const p of params) {
    const [k, v] = p.split('=', 2).map((s) => s.trim());
    if (k) fields[k.toLowerCase()] = v ?? '';
  }
  return build(kind, fields.times, fields.on, fields['retry-after']);
}

/** Parses the JSON body of `POST /_sandbox/faults`: `{kind, times?, on?, retry_after?}`. */
export function parseFaultBody(body: unknown): Fault {
  if (typeof body !== 'object' || body === null || typeof (body as { kind?: unknown }).kind !== 'string') {
    throw new FaultSpecError('Expected a JSON object {"kind": "...", "times"?: N, "on"?: "..."}');
  }
  const b = body as Record<string, unknown>;
  return build(String(b.kind), b.times, b.on, b.retry_after ?? b['retry-after']);
}

/** Faults that happen on a runner: by default they fire on the calls that start one. */
const onRunner = (f: Fault) => f.name === 'runner-fail' || isInfraErrorType(f.name);

const matches = (f: Fault, call: CallKind) =>
  f.on ? f.on === call : onRunner(f) ? call === 'run' || call === 'submit' : true;

/** The error type a queue request submitted under `fault` ends with, if it is an error-type fault. */
export function queueFailure(fault: Fault | undefined, call: CallKind): InfraErrorType | undefined {
  return fault && call === 'submit' && isInfraErrorType(fault.name) ? fault.name : undefined;
}

function take(list: Fault[], call: CallKind): Fault | undefined {
  const i = list.findIndex((f) => f.times > 0 && matches(f, call));
  if (i < 0) return undefined;
  const f = list[i];
  f.times--;
  if (f.times <= 0) list.splice(i, 1);
  return { ...f, times: 1 };
}

/** The armed faults of one sandbox: global ones and those bound to a request id on submit. */
export class FaultBook {
  private readonly armed: Fault[] = [];
  private readonly bound = new Map<string, Fault[]>();

  arm(fault: Fault): void {
    this.armed.push(fault);
  }

  clear(): void {
    this.armed.length = 0;
    this.bound.clear();
  }

  list(): Fault[] {
    return [...this.armed];
  }

  bind(requestId: string, fault: Fault): void {
    const list = this.bound.get(requestId) ?? [];
    list.push(fault);
    this.bound.set(requestId, list);
  }

  /**
   * The fault that fires on this call, if any: the request's own header first (on a submit with
   * `on=` naming a later call, it is bound to the request instead, see `bindLater`), then faults
   * bound to `requestId`, then globally armed ones.
   */
  resolve(req: IncomingMessage, call: CallKind, requestId?: string): { now?: Fault; later?: Fault } {
    const header = req.headers['x-sandbox-fault'];
    const text = Array.isArray(header) ? header[0] : header;
    if (text) {
      const fault = parseFaultHeader(text);
      if (call === 'submit' && fault.on && fault.on !== 'submit') return { later: fault };
      return { now: fault };
    }
    if (requestId) {
      const list = this.bound.get(requestId);
      const fault = list ? take(list, call) : undefined;
      if (fault) return { now: fault };
    }
    const fault = take(this.armed, call);
    return fault ? { now: fault } : {};
  }
}

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n' +
  '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Faults that change the response body; applied by `send` and the SSE writer. */
const bodyFaults = new WeakMap<ServerResponse, Fault>();

export function bodyFault(res: ServerResponse): Fault | undefined {
  return bodyFaults.get(res);
}

/**
 * Applies a fault before the route answers. Returns true when the fault answered (or killed) the
 * request; false when the route should go on (possibly with a body fault attached to `res`).
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  call: CallKind,
): Promise<boolean> {
  const id = { [FAL_HEADERS.requestId]: requestId };
  if (isInfraErrorType(fault.name)) {
    // On a submit the request is queued and fails there (`queueFailure`); elsewhere, at once.
    if (call === 'submit') return false;
    const outcome = infraOutcome(fault.name);
    sendJson(res, outcome.status, outcome.body, { ...outcome.headers, ...id });
    return true;
  }
  switch (fault.name) {
    case '429':
      sendJson(
        res,
        429,
        { detail: 'Rate limit exceeded' },
        { ...id, 'retry-after': String(fault.retryAfter) },
      );
      return true;
    case '403-locked':
      sendJson(res, 403, { detail: LOCKED_ACCOUNT_DETAIL }, id);
      return true;
    case '502-nginx':
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(NGINX_502) });
      res.end(NGINX_502);
      return true;
    case '503':
      sendJson(
        res,
        503,
        { detail: 'Runner scheduling failure', error_type: 'runner_scheduling_failure' },
        { ...id, [FAL_HEADERS.errorType]: 'runner_scheduling_failure', [FAL_HEADERS.needsRetry]: '1' },
      );
      return true;
    case '504-user':
      sendJson(
        res,
        504,
        { detail: 'Request timed out', error_type: 'request_timeout' },
        { ...id, [FAL_HEADERS.requestTimeoutType]: 'user', [FAL_HEADERS.errorType]: 'request_timeout' },
      );
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'slow-headers':
      await delay(fault.arg);
      return false;
    case 'runner-fail':
      return false;
    default:
      bodyFaults.set(res, fault);
      return false;
  }
}

/** A JSON reply through the body faults (reset-mid-body, bad-json, big-body). */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const fault = bodyFaults.get(res);
  if (!fault) return sendJson(res, status, body, headers);
  if (fault.name === 'big-body')
    return sendPadded(res, status, body, headers, Math.round(fault.arg * 1024 * 1024));
  let text = JSON.stringify(body);
  if (fault.name === 'bad-json') {
    text = text.slice(0, Math.max(1, Math.floor(text.length / 2))) + '<<not json';
  }
  const head = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    [FAL_HEADERS.requestId]: headers[FAL_HEADERS.requestId] ?? randomUUID(),
    ...headers,
  };
  res.writeHead(status, head);
  if (fault.name === 'reset-mid-body') {
    const bytes = Buffer.from(text);
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(text);
}

/**
 * `body` with a `_sandbox_padding` string of `bytes` x's (a non-object body becomes `{value: body}`),
 * written in 1 MB pieces as the socket takes them: a 100 MB reply costs the sandbox neither a
 * 100 MB string nor the CPU to build one, so a test measures the client, not the sandbox.
 */
function sendPadded(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  bytes: number,
): void {
  const base = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { value: body };
  const json = JSON.stringify(base);
  const head = Buffer.from(`${json.slice(0, -1)}${json === '{}' ? '' : ','}"_sandbox_padding":"`);
  const tail = Buffer.from('"}');
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(head.length + bytes + tail.length),
    [FAL_HEADERS.requestId]: headers[FAL_HEADERS.requestId] ?? randomUUID(),
    ...headers,
  });
  res.write(head);
  const piece = Buffer.alloc(1024 * 1024, 'x');
  let left = bytes;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, piece.length);
      left -= n;
      if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  pump();
}

/** `POST /_sandbox/faults` arms, `GET` lists, `DELETE` clears. */
export async function handleFaultsRoute(
  _ctx: SandboxContext,
  book: FaultBook,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method === 'GET') return sendJson(res, 200, { faults: book.list() });
  if (req.method === 'DELETE') {
    book.clear();
    return sendJson(res, 200, { faults: [] });
  }
  if (req.method !== 'POST') return sendDetail(res, 405, 'Method Not Allowed');
  try {
    const body: unknown = (await readJsonBody(req, 64 * 1024)) ?? null;
    const fault = parseFaultBody(body);
    book.arm(fault);
    sendJson(res, 200, { armed: fault });
  } catch (err) {
    sendDetail(
      res,
      400,
      err instanceof FaultSpecError ? err.message : `Invalid JSON: ${(err as Error).message}`,
    );
  }
}
