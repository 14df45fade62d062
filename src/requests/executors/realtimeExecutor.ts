// `realtime`: one input on the endpoint's warm realtime connection (src/requests/realtimePool.ts), or
// on the connection the job brings (the playground's realtime session), its output the record's; both
// frames are reported to the log (callEventLog.ts). Raw bytes in the output (msgpack binary) become data URLs, which JSON keeps.
import type { RealtimeInput } from '../../fal/realtime';
import type { RealtimePool } from '../realtimePool';
import type { CallExecutor, CallJob, CallReport } from './callExecutor';

export class RealtimeExecutor implements CallExecutor {
  constructor(private readonly pool: RealtimePool) {}

  async start({ record, connection, signal, realtime }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const input = record.input as RealtimeInput;
    report.event('frame sent', input);
    const output = binaryAsDataUrls(
      realtime
        ? await realtime.request(input, signal)
        : await this.pool.request(connection, record.endpointId, input, signal),
    );
    report.event('frame received', output);
    report.complete({ output });
  }
}

/**
 * Realtime outputs may carry raw bytes (msgpack binary), which JSON cannot keep: they become data
 * URLs (PNG and JPEG recognised by their first bytes), so the output can be saved and shown.
 */
export function binaryAsDataUrls(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const type =
      value[0] === 0x89 && value[1] === 0x50
        ? 'image/png'
        : value[0] === 0xff && value[1] === 0xd8
          ? 'image/jpeg'
          : 'application/octet-stream';
    return `data:${type};base64,${Buffer.from(value).toString('base64')}`;
  }
  if (Array.isArray(value)) return value.map(binaryAsDataUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, binaryAsDataUrls(v)]));
  }
  return value;
}
