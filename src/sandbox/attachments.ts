// Which windows use this sandbox now: each attaches every few seconds on the attach route (see
// controlProtocol.ts) and detaches when it closes; a window that stops attaching counts as gone after a
// timeout. The CLI's exit policy (lifetime.ts) reads it; a sandbox started by hand only answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { attachProof, ATTACH_PATH, type AttachReply } from './controlProtocol';
import { readJsonBody, requireKey, sendDetail, sendJson } from './http';

export class Attachments {
  /** Last attach time per window id. */
  private readonly lastSeen = new Map<string, number>();

  attach(window: string, now = Date.now()): void {
    this.lastSeen.set(window, now);
  }

  detach(window: string): void {
    this.lastSeen.delete(window);
  }

  /** Windows that attached within the last `timeoutMs`; the others are forgotten. */
  count(timeoutMs: number, now = Date.now()): number {
    for (const [window, seen] of this.lastSeen) if (now - seen > timeoutMs) this.lastSeen.delete(window);
    return this.lastSeen.size;
  }
}

/** Answers `POST /_sandbox/attach` and `POST /_sandbox/detach` (key required). */
export async function handleAttachRoute(
  ctx: SandboxContext,
  attachments: Attachments,
  unfetched: () => number,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  if (req.method !== 'POST') return sendDetail(res, 405, 'Method Not Allowed', { allow: 'POST' });
  if (!requireKey(ctx, req, res)) return;
  let body: unknown;
  try {
    body = await readJsonBody(req, 64 * 1024);
  } catch {
    return sendDetail(res, 400, 'Body must be JSON: {"window": "...", "nonce": "..."}.');
  }
  const { window, nonce } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof window !== 'string' || !window) return sendDetail(res, 400, 'Body must name its "window".');
  if (path !== ATTACH_PATH) {
    attachments.detach(window);
    return sendJson(res, 200, { windows: attachments.count(Number.POSITIVE_INFINITY) });
  }
  if (typeof nonce !== 'string' || !nonce) return sendDetail(res, 400, 'Body must carry a "nonce".');
  attachments.attach(window);
  const reply: AttachReply = {
    proof: attachProof(ctx.options.key ?? '', nonce),
    pid: process.pid,
    windows: attachments.count(Number.POSITIVE_INFINITY),
    unfetched: unfetched(),
  };
  sendJson(res, 200, reply);
}
