// Reads a call's input as fal apps receive it: a JSON object body, or for GET the query string.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, readBody } from './http';

export type InputResult =
  | { ok: true; input: Record<string, unknown>; fromQuery: boolean }
  | { ok: false; status: number; detail: unknown };

export async function readInput(req: IncomingMessage, url: URL): Promise<InputResult> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const input: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) if (!k.startsWith('fal_')) input[k] = v;
    return { ok: true, input, fromQuery: true };
  }
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { ok: false, status: 413, detail: 'Request body too large' };
    throw err;
  }
  const text = raw.toString('utf8').trim();
  if (text === '') return { ok: true, input: {}, fromQuery: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      status: 422,
      detail: [
        { loc: ['body'], msg: `Invalid JSON: ${(err as Error).message}`, type: 'value_error.jsondecode' },
      ],
    };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      status: 422,
      detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }],
    };
  }
  return { ok: true, input: parsed as Record<string, unknown>, fromQuery: false };
}
