// `run`: one direct HTTP call to the endpoint, its reply the output. Cannot be picked up again after a
// reload (there is nothing at fal to follow), so the runner marks a run cut by a reload as such.
import { callHeaders, type CallExecutor, type CallJob, type CallReport } from './callExecutor';

export class RunExecutor implements CallExecutor {
  async start({ record, connection, signal, timeoutMs }: CallJob, report: CallReport): Promise<void> {
    report.update({ startedAt: Date.now() });
    const result = await connection.client.run(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      abortSignal: signal,
      timeout: timeoutMs,
    });
    report.complete({ output: result.data, requestId: result.requestId || undefined });
  }
}
