// `stream`: the endpoint's SSE stream, each event told to the log and kept as the output so far; the
// last event is the output. Direct like `run`: a reload cuts it.
import { callHeaders, type CallExecutor, type CallJob, type CallReport } from './callExecutor';

export class StreamExecutor implements CallExecutor {
  async start({ record, connection, signal }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const stream = await connection.client.stream(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
    });
    let count = 0;
    for await (const event of stream) {
      count++;
      report.info(`${record.endpointId} event ${count}: ${oneLine(event)}`);
      report.update({ output: event });
    }
    report.complete({ output: await stream.done() });
  }
}

/** An event as one line of JSON, shortened for the output channel. */
function oneLine(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}… (${text.length} characters)` : text;
}
