// Helpers the realtime and token tests share: a raw WebSocket session that hands frames back in order
// (binary decoded as msgpack, text as JSON) or the refusal of its handshake, token fetching, polling.
import * as assert from 'node:assert/strict';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocket, type RawData } from 'ws';

export const KEY = 'test-id:test-secret';

export interface Frame {
  binary: boolean;
  data: Record<string, unknown>;
}

export interface Session {
  ws: WebSocket;
  /** The next frame, in arrival order. */
  next(): Promise<Frame>;
  /** Resolves when the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  send(input: unknown): void;
}

export interface Refusal {
  status: number;
  detail: string;
}

/** Opens `url`; resolves with the session, or with the HTTP refusal of the handshake. */
export function openSession(url: string, headers: Record<string, string> = {}): Promise<Session | Refusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: Frame[] = [];
    const waiting: Array<(f: Frame) => void> = [];
    const closed = new Promise<{ code: number; reason: string }>((done) => {
      ws.on('close', (code, reason) => done({ code, reason: reason.toString() }));
    });
    ws.on('message', (raw: RawData, isBinary: boolean) => {
      const bytes = raw as Buffer;
      const frame: Frame = {
        binary: isBinary,
        data: (isBinary ? decode(bytes) : JSON.parse(bytes.toString('utf8'))) as Record<string, unknown>,
      };
      const w = waiting.shift();
      if (w) w(frame);
      else frames.push(frame);
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        ws.terminate();
        resolve({ status: res.statusCode ?? 0, detail: (JSON.parse(body) as { detail: string }).detail });
      });
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () =>
      resolve({
        ws,
        closed,
        next: () =>
          new Promise<Frame>((done) => {
            const f = frames.shift();
            if (f) done(f);
            else waiting.push(done);
          }),
        send: (input) => ws.send(encode(input)),
      }),
    );
  });
}

export async function mustOpen(url: string, headers: Record<string, string> = {}): Promise<Session> {
  const s = await openSession(url, headers);
  if (!('ws' in s)) assert.fail(`handshake refused: ${s.status} ${s.detail}`);
  return s;
}

export async function mustRefuse(url: string, headers: Record<string, string> = {}): Promise<Refusal> {
  const s = await openSession(url, headers);
  if ('ws' in s) {
    s.ws.close();
    assert.fail('handshake unexpectedly accepted');
  }
  return s;
}

/** A token from the sandbox at `base` (`POST /rest/tokens/`). */
export async function fetchToken(base: string, apps: string[], expiration = 120): Promise<string> {
  const res = await fetch(`${base}/rest/tokens/`, {
    method: 'POST',
    headers: { authorization: `Key ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ allowed_apps: apps, token_expiration: expiration }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const token = (await res.json()) as unknown;
  assert.equal(typeof token, 'string');
  return token as string;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it holds (fails the test after `timeoutMs`). */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/** ws URL of a sandbox realtime endpoint. */
export function realtimeUrl(base: string, id: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `${base.replace(/^http/, 'ws')}/run/${id}/realtime${qs ? `?${qs}` : ''}`;
}
