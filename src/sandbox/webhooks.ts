// Webhook deliveries signed with Ed25519 as fal signs them, and the JWKS that verifies them.
// STUB: filled in by the webhooks work (issue 4). Signatures agreed with the server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { sendJson } from './http';

export interface WebhookDelivery {
  url: string;
  requestId: string;
  gatewayRequestId: string;
  status: 'OK' | 'ERROR';
  payload: unknown;
  error?: string;
  payloadError?: string;
}

/** Posts the delivery (with retries); resolves when delivered or given up. Never rejects. */
export async function deliverWebhook(_ctx: SandboxContext, _delivery: WebhookDelivery): Promise<void> {}

/** `GET /rest/.well-known/jwks.json`: the public keys that sign deliveries. */
export function handleJwks(_ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, { keys: [] });
}
