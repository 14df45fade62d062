// Shared by the sandbox tests: a started sandbox per suite, a small fetch wrapper that returns
// status, headers, text and parsed JSON, an upload's initiate, and a download of a stored file.
import * as assert from 'node:assert/strict';
import { startSandbox, type RunningSandbox, type StartSandboxOptions } from '../../src/sandbox/server';

export const KEY = 'key-id:key-secret';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  key?: string | null;
}

export async function call(base: string, path: string, opts: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== null) headers.authorization = `Key ${opts.key ?? KEY}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
    headers,
    body:
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `POST /rest/storage/upload/{kind}` as fal's JS client does; asserts 200 and returns the URLs. */
export async function initiateUpload(
  base: string,
  body: Record<string, unknown> = { content_type: 'text/plain', file_name: 'hello.txt' },
  kind: 'initiate' | 'initiate-multipart' = 'initiate',
  key = KEY,
): Promise<{ upload_url: string; file_url: string }> {
  const res = await fetch(`${base}/rest/storage/upload/${kind}?storage_type=fal-cdn-v3`, {
    method: 'POST',
    headers: { authorization: `Key ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { upload_url: string; file_url: string };
}

/** Fetches a file URL (no key), asserts 200 and returns its content type and bytes. */
export async function download(url: string): Promise<{ type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return { type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every `data:` event of an SSE body, parsed, and the comments. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function parseSse(text: string): { events: any[]; comments: string[] } {
  const events: unknown[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    for (const line of block.split('\n')) {
      if (line.startsWith('data: ')) events.push(JSON.parse(line.slice(6)));
      else if (line.startsWith(':')) comments.push(line.slice(1).trim());
    }
  }
  return { events, comments };
}

/** Polls the status URL until COMPLETED. */
export async function waitCompleted(base: string, appPath: string, id: string): Promise<Reply> {
  for (;;) {
    const r = await call(base, `/queue/${appPath}/requests/${id}/status?logs=1`);
    if (r.json?.status === 'COMPLETED') return r;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Starts a sandbox before the suite and closes it after. */
export function useSandbox(options: StartSandboxOptions = {}): {
  readonly sb: RunningSandbox;
  readonly url: string;
  readonly port: number;
  readonly hosts: RunningSandbox['hosts'];
  readonly context: RunningSandbox['context'];
} {
  const holder = {} as { sb: RunningSandbox };
  before(async () => {
    holder.sb = await startSandbox({ port: 0, ...options });
  });
  after(async () => {
    await holder.sb?.close();
  });
  return {
    get sb() {
      return holder.sb;
    },
    get url() {
      return holder.sb.url;
    },
    get port() {
      return holder.sb.port;
    },
    get hosts() {
      return holder.sb.hosts;
    },
    get context() {
      return holder.sb.context;
    },
  };
}
