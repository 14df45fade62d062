// `stream`: the endpoint's SSE stream, each event reported (the log tells it, see callEventLog.ts) and
// kept as the output so far; the last event is the output. Direct like `run`: a reload cuts it.
// Events that arrive together are handled without leaving the event loop (an async iterator resumes
// in microtasks), so a burst of thousands would hold the extension host: it lets timers and I/O run
// every few milliseconds of work.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { NetworkError } from '../../fal/errors';
import { CallFailure } from '../requestErrors';
import { callHeaders, type CallExecutor, type CallJob, type CallReport } from './callExecutor';

/** The longest the events of a burst are handled in one go. */
const YIELD_AFTER_MS = 10;

export class StreamExecutor implements CallExecutor {
  async start({ record, connection, signal, timeoutMs }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const stream = await connection.client.stream(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
      idleTimeout: timeoutMs,
    });
    let since = Date.now();
    let events = 0;
    try {
      for await (const event of stream) {
        events++;
        report.event('event', event);
        report.update({ output: event });
        if (Date.now() - since >= YIELD_AFTER_MS) {
          await nextTurn();
          since = Date.now();
        }
      }
    } catch (err) {
      // Cut after the reply began (its headers came): the events so far stay, the last as the output.
      if (err instanceof NetworkError && stream.requestId !== null) throw streamCut(err, events);
      throw err;
    }
    report.complete({ output: await stream.done() });
  }
}

function streamCut(err: NetworkError, events: number): CallFailure {
  const cause = err.cause instanceof Error ? err.cause.message : err.message;
  const kept = events === 0 ? 'no event came before it' : 'the last event so far is kept as the output';
  return new CallFailure(
    `The stream broke after ${events} event${events === 1 ? '' : 's'} (${cause}); ${kept}.`,
    'Call again for the whole stream.',
  );
}
