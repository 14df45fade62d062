// Requests of the Requests view written out as JSON Lines, one line per request: what was asked
// (endpoint, method, input), what came back (output, or the error), fal's request id and the
// metrics, for analysis outside VS Code. Secret-looking headers are never written; the key never
// is (records do not hold it). Pure: the host reads each output from the store.
import type { RequestRecord } from './callModel';
import { callTimings } from './callTimings';
import { withoutSecretHeaders } from './secretHeaders';

/** One request as a JSON Lines line (no newline), `output` read from the store by the caller. */
export function jsonlLine(record: RequestRecord, output: unknown): string {
  const timings = callTimings(record, record.completedAt ?? record.updatedAt);
  const headers = withoutSecretHeaders(record.headers);
  return JSON.stringify({
    endpoint: record.endpointId,
    method: record.method,
    state: record.state,
    requestId: record.requestId ?? null,
    createdAt: new Date(record.createdAt).toISOString(),
    input: record.input,
    ...(headers ? { headers } : {}),
    output: output ?? null,
    ...(record.error ? { error: record.error } : {}),
    metrics: {
      inference_time: record.metrics?.inference_time ?? null,
      round_trip_ms: timings.roundTripMs,
      ...(timings.queueMs !== undefined ? { queue_ms: timings.queueMs } : {}),
    },
  });
}
