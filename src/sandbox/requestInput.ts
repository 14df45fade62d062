// Reads a call's input as fal apps receive it: a JSON object body, or for GET the query string.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, InvalidJsonError, readJsonBody } from './http';

export type InputResult =
  | { ok: true; input: Record<string, unknown>; fromQuery: boolean }
  | { ok: false; status: number; detail: unknown };

export async function readInput(req: IncomingMessage, url: URL): Promise<InputResult> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    const input: Record<string, unknown> = {};
    for (const [k, v] of url.searchParams) if (!k.startsWith('fal_')) input[k] = v;
    return { ok: true, input, fromQuery: true };
  }
  let parsed: unknown;
  try {
    parsed = await readJsonBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return { ok: false, status: 413, detail: 'Request body too large' };
    if (err instanceof InvalidJsonError) {
      return {
        ok: false,
        status: 422,
        detail: [{ loc: ['body'], msg: `Invalid JSON: ${err.message}`, type: 'value_error.jsondecode' }],
      };
    }
    throw err;
  }
  if (parsed === undefined) return { ok: true, input: {}, fromQuery: false };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      status: 422,
      detail: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }],
    };
  }
  return { ok: true, input: parsed as Record<string, unknown>, fromQuery: false };
}
