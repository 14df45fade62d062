// Small HTTP helpers every sandbox route uses: body reading (raw or as JSON) with a limit, JSON
// replies with fal's `x-fal-request-id`, fal-style `{"detail": ...}` errors, and the
// `Authorization: Key` check.
import { FAL_HEADERS } from '../common/falHeaders';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { SandboxContext } from './context';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Body larger than ${limit} bytes`);
  }
}

export function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request body that is not valid JSON; `message` is the parser's own. */
export class InvalidJsonError extends Error {}

/**
 * Reads a body (up to `limit` bytes, as {@link readBody}) and parses it as JSON. Resolves `undefined`
 * for an empty or whitespace-only body; throws {@link InvalidJsonError} when it does not parse and
 * {@link BodyTooLargeError} when it is too long. Only JSON's own whitespace is cut from the ends
 * before parsing: it changes nothing about what parses, and keeps the parser's positions and quoted
 * text to the value itself.
 */
export async function readJsonBody(req: IncomingMessage, limit?: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '')) as unknown;
  } catch (err) {
    throw new InvalidJsonError((err as Error).message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    [FAL_HEADERS.requestId]: headers[FAL_HEADERS.requestId] ?? randomUUID(),
    ...headers,
  });
  res.end(text);
}

export function sendDetail(
  res: ServerResponse,
  status: number,
  detail: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { detail }, headers);
}

/**
 * Checks `Authorization: Key ...` (or `Bearer`) as the sandbox's options say; answers 401 with a
 * fal-style body and returns false when the request may not go on.
 */
export function requireKey(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): boolean {
  if (ctx.options.open) return true;
  const header = req.headers.authorization ?? '';
  const match = /^(Key|Bearer)\s+(.+)$/i.exec(header.trim());
  if (!match) {
    sendDetail(res, 401, 'Authorization header is required. Send `Authorization: Key <FAL_KEY>`.');
    return false;
  }
  if (ctx.options.key !== undefined && match[2] !== ctx.options.key) {
    sendDetail(res, 401, 'Invalid key: the sandbox was started with --key and this is not it.');
    return false;
  }
  return true;
}

/**
 * Decodes a URL path's percent-escapes; undefined when an escape is malformed or the result holds a
 * character no HTTP header can carry (a request id goes back in `x-fal-request-id`, an endpoint id in
 * logs and errors), so a route answers 404 for such a path rather than failing with a 500.
 */
export function decodePath(path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(decoded) ? decoded : undefined;
}
