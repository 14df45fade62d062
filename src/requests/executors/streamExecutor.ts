// `stream`: the endpoint's SSE stream, each event reported (the log tells it, see callEventLog.ts) and
// kept as the output so far; the last event is the output. Direct like `run`: a reload cuts it.
import { callHeaders, type CallExecutor, type CallJob, type CallReport } from './callExecutor';

export class StreamExecutor implements CallExecutor {
  async start({ record, connection, signal }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const stream = await connection.client.stream(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
    });
    for await (const event of stream) {
      report.event('event', event);
      report.update({ output: event });
    }
    report.complete({ output: await stream.done() });
  }
}
