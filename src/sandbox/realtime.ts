// Realtime WebSocket sessions at `/run/{endpointId}/realtime` (msgpack frames).
// STUB: filled in by the realtime work (issue 4). Signature agreed with the server.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SandboxContext } from './context';

/** Takes over an HTTP upgrade whose path ends in `/realtime` under `/run/`. */
export function handleRealtimeUpgrade(
  _ctx: SandboxContext,
  _req: IncomingMessage,
  socket: Duplex,
  _head: Buffer,
): void {
  socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\n\r\n');
}
