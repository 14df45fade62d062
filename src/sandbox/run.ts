// HTTP routes of the run host (`/run/...`): direct calls to `/run/{id}` (any method; GET takes the
// input from the query string) and SSE streams at `/run/{id}/stream`. Never queued, never retried.
import { FAL_HEADERS } from '../common/falHeaders';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context';
import { findEndpoint, parseEndpointId } from './endpoints';
import type { EndpointCall } from './endpoints/types';
import { errorOutcome, executeEndpoint } from './execute';
import { send } from './faults';
import { readInput } from './requestInput';
import { SseWriter } from './sse';
import { validateInput } from './validate';

/** Whether a `/run/...` path (without `/run/`) is a stream call, and the endpoint id. */
export function parseRunPath(path: string): { stream: boolean; id: string } {
  const id = path.replace(/\/+$/, '');
  return id.endsWith('/stream')
    ? { stream: true, id: id.slice(0, -'/stream'.length) }
    : { stream: false, id };
}

function callFor(ctx: SandboxContext, res: ServerResponse, subPath: string, requestId: string): EndpointCall {
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  return {
    ctx,
    signal: AbortSignal.any([gone.signal, ctx.shutdown.signal]),
    subPath,
    log: (message, level = 'INFO') => ctx.log(`[${requestId}] ${level} ${message}`),
  };
}

function iteratorOf(
  events: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncIterator<unknown> | Iterator<unknown> {
  return Symbol.asyncIterator in events ? events[Symbol.asyncIterator]() : events[Symbol.iterator]();
}

export async function handleRun(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  runnerFail: boolean,
): Promise<void> {
  const requestId = randomUUID();
  const idHeader = { [FAL_HEADERS.requestId]: requestId };
  const { stream, id } = parseRunPath(path);
  const parsed = parseEndpointId(id);
  const endpoint = findEndpoint(id);
  if (!parsed || !endpoint) return send(res, 404, { detail: `Application '${id}' not found` }, idHeader);
  if (stream && !endpoint.stream) return send(res, 404, { detail: 'Path /stream not found' }, idHeader);
  const read = await readInput(req, url);
  if (!read.ok) return send(res, read.status, { detail: read.detail }, idHeader);
  if (runnerFail) {
    return send(
      res,
      503,
      { detail: 'Runner disconnected', error_type: 'runner_disconnected' },
      { ...idHeader, [FAL_HEADERS.errorType]: 'runner_disconnected', [FAL_HEADERS.needsRetry]: '1' },
    );
  }
  const call = callFor(ctx, res, parsed.path, requestId);
  if (!stream) {
    const outcome = await executeEndpoint(endpoint, read.input, call, read.fromQuery);
    if (res.destroyed) return;
    return send(res, outcome.status, outcome.body, { ...outcome.headers, ...idHeader });
  }

  const checked = validateInput(endpoint, read.input, read.fromQuery);
  if (!checked.ok) return send(res, 422, { detail: checked.errors }, idHeader);
  const events = iteratorOf(endpoint.stream!(checked.input, call));
  // The first event decides between an SSE stream and a plain error answer.
  let first: IteratorResult<unknown>;
  try {
    first = await events.next();
  } catch (err) {
    const o = errorOutcome(err);
    if (!res.destroyed) send(res, o.status, o.body, { ...o.headers, ...idHeader });
    return;
  }
  const sse = new SseWriter(res, requestId);
  try {
    for (let next = first; !next.done;) {
      if (!sse.send(next.value)) {
        await events.return?.();
        return;
      }
      // A synchronous iterator's events go out without awaiting each (no microtask turn per event).
      const step = events.next();
      next = step instanceof Promise ? await step : step;
    }
  } catch (err) {
    const o = errorOutcome(err);
    sse.send({ ...(typeof o.body === 'object' && o.body ? o.body : { detail: o.body }), status: o.status });
  }
  sse.end();
}
