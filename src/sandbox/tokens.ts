// Temporary JWT tokens (`POST /rest/tokens/`), as fal issues them for realtime and client streaming.
// STUB: filled in by the realtime/tokens work (issue 4). Signature agreed with the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { sendDetail } from './http';

export async function handleTokens(
  _ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  sendDetail(res, 501, 'Tokens are not implemented yet.');
}
