// The floors the bench compares our client with: what any client has to do at least. HTTP is
// node:http with one keep-alive Agent (JSON in, JSON out; SSE read with eventsource-parser, each
// event JSON-parsed); realtime is one `ws` socket with msgpack frames, one output per input.
import { decode, encode } from '@msgpack/msgpack';
import { createParser } from 'eventsource-parser';
import * as http from 'node:http';
import WebSocket from 'ws';

/**
 * Sends again when a kept-alive socket turned out closed by the server (its idle timeout) before
 * the request went out, what Node's documentation advises for `req.reusedSocket`: as often as the
 * agent has such sockets (after a pause, every free one may be).
 */
async function onceMoreIfStale<T>(send: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await send();
    } catch (error) {
      if (!(error as { stale?: boolean }).stale || tries > 64) throw error;
    }
  }
}

const markStale = (req: http.ClientRequest, reject: (e: unknown) => void) => (error: NodeJS.ErrnoException) =>
  reject(Object.assign(error, { stale: req.reusedSocket && error.code === 'ECONNRESET' }));

export class RawHttp {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  private readonly headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    authorization: 'Key bench:bench',
  };

  /** POSTs `body` as JSON; resolves with the reply parsed. */
  post(url: string, body: unknown): Promise<unknown> {
    return onceMoreIfStale(() => this.postOnce(url, body));
  }

  private postOnce(url: string, body: unknown): Promise<unknown> {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'content-length': payload.length },
      });
      req.on('error', markStale(req, reject));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300)
            reject(new Error(`raw POST ${url}: HTTP ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      });
      req.end(payload);
    });
  }

  /** GETs `url`; resolves with the value of the reply's header `name` (the body is read and dropped). */
  header(url: string, name: string): Promise<string | undefined> {
    return onceMoreIfStale(() => this.headerOnce(url, name));
  }

  private headerOnce(url: string, name: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { agent: this.agent, headers: this.headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.headers[name] as string | undefined));
        res.on('error', reject);
      });
      req.on('error', markStale(req, reject));
    });
  }

  /** GETs `url`; resolves with the reply parsed. */
  get(url: string): Promise<unknown> {
    return onceMoreIfStale(
      () =>
        new Promise((resolve, reject) => {
          const req = http.get(url, { agent: this.agent, headers: this.headers }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', reject);
            res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          });
          req.on('error', markStale(req, reject));
        }),
    );
  }

  /** POSTs `body` (GETs without one) and reads the SSE reply to its end; `onEvent` gets every event parsed. */
  sse(url: string, body: unknown, onEvent: (event: unknown) => void): Promise<void> {
    return onceMoreIfStale(() => this.sseOnce(url, body, onEvent));
  }

  private sseOnce(url: string, body: unknown, onEvent: (event: unknown) => void): Promise<void> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method: payload ? 'POST' : 'GET',
        agent: this.agent,
        headers: {
          ...this.headers,
          accept: 'text/event-stream',
          ...(payload ? { 'content-length': payload.length } : {}),
        },
      });
      req.on('error', markStale(req, reject));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`raw SSE ${url}: HTTP ${res.statusCode}`));
          return;
        }
        const decoder = new TextDecoder();
        const parser = createParser({ onEvent: (e) => onEvent(JSON.parse(e.data)) });
        res.on('data', (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })));
        res.on('error', reject);
        res.on('end', () => resolve());
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One realtime socket: `request` sends a msgpack frame and resolves with the next frame decoded. */
export class RawRealtime {
  private waiting: Array<(value: unknown) => void> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, binary: boolean) => {
      const value = binary ? decode(data) : JSON.parse(data.toString('utf8'));
      this.waiting.shift()?.(value);
    });
  }

  static async open(url: string): Promise<RawRealtime> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawRealtime(ws);
  }

  request(input: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.ws.send(encode(input));
    });
  }

  close(): void {
    this.ws.close();
  }
}
