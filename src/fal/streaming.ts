// A live server-sent-events response (fal's `/stream` and the queue status stream) as an object
// that is both an async iterable of parsed events and a `done()` promise of the last one, with
// `abort()` and `requestId`, like fal-js FalStream but event-driven (no 16 ms polling) and without
// unhandled rejections.
import type { IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';
import type { ClientConfig } from './config';
import { FalAbortError, FalTimeoutError, NetworkError, ProtocolError } from './errors';
import { request } from './http';
import { STREAM_RETRY } from './retry';

export const CONTENT_TYPE_EVENT_STREAM = 'text/event-stream';

export interface FalStreamInit {
  url: string;
  method?: string;
  body?: unknown;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** Fail when no byte arrives for this long, in ms. */
  idleTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

export class FalStream<T = unknown> implements AsyncIterable<T> {
  private readonly controller = new AbortController();
  /** Events not yet taken by an iterator: `buffer[head...]` (a read index, not a shift per event). */
  private buffer: T[] = [];
  private head = 0;
  private readonly wakers: Array<() => void> = [];
  private readonly dataListeners: Array<Listener<T>> = [];
  private state: 'open' | 'done' | 'error' = 'open';
  private error: unknown;
  private last: T | undefined;
  private count = 0;
  private _requestId: string | null = null;
  private readonly donePromise: Promise<T>;
  private resolveDone!: (value: T) => void;
  private rejectDone!: (error: unknown) => void;

  constructor(
    private readonly config: ClientConfig,
    private readonly init: FalStreamInit,
  ) {
    this.donePromise = new Promise<T>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Nobody has to call done(): a failure is still reported to whoever awaits it or iterates.
    this.donePromise.catch(() => {});
    if (init.signal) {
      if (init.signal.aborted) this.controller.abort();
      else init.signal.addEventListener('abort', () => this.abort(), { once: true });
    }
    void this.start();
  }

  /** `x-fal-request-id` of the reply, once its headers have arrived. */
  get requestId(): string | null {
    return this._requestId;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The last event once the stream ends (or the last seen, `{}` if none, after `abort()`). */
  done(): Promise<T> {
    return this.donePromise;
  }

  /** Stops the stream; a no-op once it has ended. */
  abort(reason?: unknown): void {
    if (this.state !== 'open') return;
    this.controller.abort(reason);
    this.finish();
  }

  /** Called synchronously with each event, before iterators see it. */
  on(event: 'data', listener: Listener<T>): void {
    if (event === 'data') this.dataListeners.push(listener);
  }

  /**
   * One event per `next()`, as an async generator would give them, but a buffered event costs one
   * settled promise, not a generator's turns: a burst of thousands of small events is read at the
   * rate it is parsed. Iterators share the buffer; one that stops early (break, return, a throw in
   * the loop) aborts the stream, since nobody reads the rest.
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    let finished = false;
    const end = (): IteratorResult<T> => {
      finished = true;
      return { value: undefined, done: true };
    };
    const next = (): Promise<IteratorResult<T>> => {
      if (finished) return Promise.resolve(end());
      if (this.head < this.buffer.length) return Promise.resolve({ value: this.take(), done: false });
      if (this.state === 'error') {
        finished = true;
        return Promise.reject(this.error);
      }
      if (this.state === 'done') return Promise.resolve(end());
      return new Promise<void>((resolve) => this.wakers.push(resolve)).then(next);
    };
    const stop = (): Promise<IteratorResult<T>> => {
      if (!finished && this.state === 'open') this.abort();
      return Promise.resolve(end());
    };
    return { next, return: stop };
  }

  private take(): T {
    const value = this.buffer[this.head];
    this.buffer[this.head++] = undefined as T;
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    }
    return value;
  }

  private async start(): Promise<void> {
    const { init, config } = this;
    const method = (init.method ?? 'POST').toUpperCase();
    let res: IncomingMessage;
    try {
      const response = await request<IncomingMessage>(config, {
        method,
        url: init.url,
        body: method === 'GET' ? undefined : init.body,
        headers: { accept: CONTENT_TYPE_EVENT_STREAM, ...init.headers },
        signal: this.controller.signal,
        timeoutMs: init.idleTimeoutMs,
        retry: STREAM_RETRY,
        responseType: 'stream',
      });
      this._requestId = response.requestId;
      res = response.data;
    } catch (error) {
      this.fail(error);
      return;
    }
    if (this.state !== 'open') {
      res.destroy();
      return;
    }
    const contentType = String(res.headers['content-type'] ?? '');
    const sse = contentType.startsWith(CONTENT_TYPE_EVENT_STREAM);
    const decoder = new TextDecoder('utf-8');
    const parser = createParser({
      onEvent: (event) => {
        if (this.state !== 'open') return;
        let value: T;
        try {
          value = JSON.parse(event.data) as T;
        } catch (error) {
          this.fail(
            new ProtocolError(
              `Invalid JSON in event ${this.count + 1} of ${init.url}: ${(error as Error).message}`,
              { status: res.statusCode ?? 0, requestId: this._requestId ?? '', url: init.url, cause: error },
            ),
          );
          res.destroy();
          return;
        }
        this.push(value);
      },
    });
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (!init.idleTimeoutMs) return;
      if (idle) clearTimeout(idle);
      const ms = init.idleTimeoutMs;
      idle = setTimeout(() => {
        this.fail(
          new FalTimeoutError(`No data from ${init.url} for ${ms} ms`, ms, this._requestId ?? undefined),
        );
        res.destroy();
      }, ms);
    };
    armIdle();
    let ended = false;
    res.on('data', (chunk: Buffer) => {
      armIdle();
      if (sse) parser.feed(decoder.decode(chunk, { stream: true }));
      else this.push(chunk as unknown as T);
    });
    res.on('end', () => {
      ended = true;
      if (idle) clearTimeout(idle);
      if (sse) parser.feed(decoder.decode());
      this.finish();
    });
    res.on('error', (error) => {
      if (idle) clearTimeout(idle);
      if (this.controller.signal.aborted || error instanceof FalAbortError) return;
      this.fail(this.cutError(method, error));
    });
    res.on('close', () => {
      if (idle) clearTimeout(idle);
      if (!ended && this.state === 'open' && !this.controller.signal.aborted) {
        this.fail(
          this.cutError(method, Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })),
        );
      }
    });
  }

  private cutError(method: string, cause: unknown): NetworkError {
    const error = new NetworkError(method, this.init.url, cause);
    error.message = `The stream from ${this.init.url} broke after ${this.count} event(s): ${
      cause instanceof Error ? cause.message : String(cause)
    }`;
    return error;
  }

  private push(value: T): void {
    this.count++;
    this.last = value;
    this.buffer.push(value);
    for (const listener of this.dataListeners) listener(value);
    this.wake();
  }

  private finish(): void {
    if (this.state !== 'open') return;
    this.state = 'done';
    this.resolveDone((this.last ?? {}) as T);
    this.wake();
  }

  private fail(error: unknown): void {
    if (this.state !== 'open') return;
    if (this.controller.signal.aborted && error instanceof FalAbortError) {
      this.finish();
      return;
    }
    this.state = 'error';
    this.error = error;
    this.rejectDone(error);
    this.wake();
  }

  private wake(): void {
    if (this.wakers.length === 0) return;
    for (const waker of this.wakers.splice(0)) waker();
  }
}
