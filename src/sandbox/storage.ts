// File uploads under `/rest/storage/...`: initiate, the signed PUT target, multipart.
// STUB: filled in by the storage work (issue 4). Signature agreed with the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';

/** Answers a request under `/rest/storage/`; returns false when the path is not one of its routes. */
export async function handleStorage(
  _ctx: SandboxContext,
  _req: IncomingMessage,
  _res: ServerResponse,
  _url: URL,
): Promise<boolean> {
  return false;
}
