// `run`: one direct HTTP call to the endpoint, its reply the output. Cannot be picked up again after a
// reload (there is nothing at fal to follow), so the runner marks a run cut by a reload as such.
import {
  callHeaders,
  outputFacts,
  spoolFor,
  type CallExecutor,
  type CallJob,
  type CallReport,
} from './callExecutor';

export class RunExecutor implements CallExecutor {
  async start(job: CallJob, report: CallReport): Promise<void> {
    const { record, connection, signal, timeoutMs } = job;
    report.update({ startedAt: Date.now() });
    const result = await connection.client.run(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
      timeout: timeoutMs,
      spool: spoolFor(job),
    });
    report.complete({ ...outputFacts(job, result), requestId: result.requestId || undefined });
  }
}
