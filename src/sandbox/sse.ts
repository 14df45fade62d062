// Writes a `text/event-stream` response (`data: <json>\n\n` events and `: comment` lines), with the
// stream faults applied: stream-cut:N drops the connection after N events; bad-json, big-body and
// reset-mid-body spoil the first event.
import { FAL_HEADERS } from '../common/falHeaders';
import type { ServerResponse } from 'node:http';
import { JsonEvent } from './endpoints/types';
import { bodyFault, type Fault } from './faults';

/** Frames written together once this many characters wait (else at the end of the turn). */
const FLUSH_CHARS = 64 * 1024;

/**
 * Events are written in batches: frames sent in one turn of the event loop go out together, once
 * 64 KB wait or when the turn ends, so a burst of 20,000 small events is a few dozen socket writes,
 * not 20,000 (one write per event capped the sandbox at ~170,000 events/s; see `npm run bench`).
 */
export class SseWriter {
  private events = 0;
  private dead = false;
  private pending = '';
  private flushScheduled = false;
  /** The body fault of this response (bound before the route answers), looked up once. */
  private readonly fault: Fault | undefined;

  constructor(
    private readonly res: ServerResponse,
    requestId: string,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      [FAL_HEADERS.requestId]: requestId,
    });
    res.flushHeaders();
    res.on('close', () => (this.dead = true));
    this.fault = bodyFault(res);
    if (this.fault?.name === 'stream-cut' && this.fault.arg === 0) this.kill();
  }

  get closed(): boolean {
    return this.dead || this.res.writableEnded || this.res.destroyed;
  }

  /** Sends one event; returns false when the connection is gone. */
  send(data: unknown): boolean {
    if (this.closed) return false;
    const fault = this.fault;
    let text = data instanceof JsonEvent ? data.json : JSON.stringify(data);
    if (!fault) {
      this.queue(`data: ${text}\n\n`);
      this.events++;
      return true;
    }
    const first = this.events === 0;
    if (first && fault?.name === 'bad-json')
      text = text.slice(0, Math.max(1, text.length >> 1)) + '<<not json';
    if (first && fault?.name === 'big-body') {
      const pad = 'x'.repeat(Math.round(fault.arg * 1024 * 1024));
      const value: unknown = data instanceof JsonEvent ? JSON.parse(data.json) : data;
      text = JSON.stringify({
        ...(typeof value === 'object' && value ? value : { value }),
        _sandbox_padding: pad,
      });
    }
    const frame = `data: ${text}\n\n`;
    if (first && fault?.name === 'reset-mid-body') {
      this.res.write(frame.slice(0, frame.length >> 1), () => this.kill());
      this.dead = true;
      return false;
    }
    this.queue(frame);
    this.events++;
    if (fault?.name === 'stream-cut' && this.events >= fault.arg) {
      this.flush();
      this.dead = true;
      this.res.write('', () => this.kill());
      return false;
    }
    return true;
  }

  comment(text: string): void {
    if (!this.closed) this.queue(`: ${text}\n\n`);
  }

  end(): void {
    const text = this.pending;
    this.pending = '';
    // The last frames and the end of the body in one write (a status stream's COMPLETED event
    // reaches the client with its end, in one read).
    if (!this.closed) this.res.end(text);
    this.dead = true;
  }

  private queue(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private flush(): void {
    const text = this.pending;
    this.pending = '';
    if (!text || this.closed) return;
    this.res.write(text);
    // node:http corks the socket on a write until the next tick: a burst written in one turn would
    // otherwise reach the client only once the whole burst is made, instead of as it is made.
    this.res.uncork();
  }

  private kill(): void {
    this.dead = true;
    this.res.socket?.destroy();
  }
}
