// `stream`: the endpoint's SSE stream, each event reported (the log tells it, see callEventLog.ts) and
// kept as the output so far; the last event is the output. Direct like `run`: a reload cuts it.
// Events that arrive together are handled without leaving the event loop (an async iterator resumes
// in microtasks), so a burst of thousands would hold the extension host: it lets timers and I/O run
// every few milliseconds of work.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { callHeaders, type CallExecutor, type CallJob, type CallReport } from './callExecutor';

/** The longest the events of a burst are handled in one go. */
const YIELD_AFTER_MS = 10;

export class StreamExecutor implements CallExecutor {
  async start({ record, connection, signal }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const stream = await connection.client.stream(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
    });
    let since = Date.now();
    for await (const event of stream) {
      report.event('event', event);
      report.update({ output: event });
      if (Date.now() - since >= YIELD_AFTER_MS) {
        await nextTurn();
        since = Date.now();
      }
    }
    report.complete({ output: await stream.done() });
  }
}
