// `subscribe` and `submit`: the request goes into fal's queue and is followed by its request id over
// the status stream (polling if it breaks), with its logs, to its result. `follow` alone picks up a
// queue request again after a window reload. A request cancelled while its submit was on the way is
// cancelled at fal as soon as fal names it. A request that fal says failed on its side (the COMPLETED
// status names an infrastructure `error_type`) fails with that, without asking for the result again.
import { CANCELLED_STATUS } from '../../common/callModel';
import { INFRA_ERRORS, isInfraErrorType } from '../../common/falErrorTypes';
import { ApiError } from '../../fal/errors';
import type { CompletedQueueStatus, QueueStatus } from '../../fal/types';
import {
  callHeaders,
  outputFacts,
  spoolFor,
  type CallExecutor,
  type CallJob,
  type CallReport,
} from './callExecutor';

export class QueueExecutor implements CallExecutor {
  async start(job: CallJob, report: CallReport): Promise<void> {
    const { record, connection } = job;
    // Not given the job's signal: once sent, the request may be queued whatever the client does, so
    // a cancel waits for fal's answer to know what to cancel there.
    const queued = await connection.client.queue.submit(record.endpointId, {
      input: record.input,
      headers: callHeaders(record),
      webhookUrl: record.webhookUrl,
    });
    const requestId = queued.request_id;
    if (report.ended()) {
      report.update({ requestId });
      report.info(`${requestId}: cancelled while submitting; cancellation requested`);
      await connection.client.queue.cancel(record.endpointId, { requestId }).catch((err: unknown) => {
        report.info(`${requestId}: the cancellation was not taken: ${(err as Error)?.message ?? err}`);
      });
      return;
    }
    report.update({ requestId, state: 'IN_QUEUE', queuePosition: queued.queue_position });
    report.info(`${requestId}: queued at position ${queued.queue_position}`);
    await this.follow(job, report);
  }

  /** Follows a queue request (it has its request id) to its end, then gets its result. */
  async follow(job: CallJob, report: CallReport): Promise<void> {
    const { record, connection, signal } = job;
    const requestId = report.current()?.requestId ?? record.requestId;
    if (!requestId) throw new Error('This queue request has no fal request id to follow.');
    try {
      const completed = await connection.client.queue.subscribeToStatus(record.endpointId, {
        requestId,
        logs: true,
        newLogsOnly: true,
        abortSignal: signal,
        onQueueUpdate: (status) => onStatus(requestId, status, report),
      });
      // Kept even when the result turns out to be an error (a 422 comes only with the result).
      report.update({ metrics: completed.metrics });
      const failure = infraFailure(requestId, completed);
      if (failure) throw failure;
      const result = await connection.client.queue.result(record.endpointId, {
        requestId,
        abortSignal: signal,
        spool: spoolFor(job),
      });
      report.complete(outputFacts(job, result));
    } catch (err) {
      if (err instanceof ApiError && err.status === CANCELLED_STATUS) report.cancelled();
      else throw err;
    }
  }
}

/**
 * The error of a request fal ended with one of its infrastructure failures, from its COMPLETED status:
 * the result call would only answer the same error (with retries meant for passing trouble).
 */
function infraFailure(requestId: string, completed: CompletedQueueStatus): ApiError | undefined {
  const type = completed.error_type;
  // A request timeout may be the caller's own start timeout, which only the result's
  // `x-fal-request-timeout-type` tells: that one is asked for (and is not retried).
  if (!isInfraErrorType(type) || type === 'request_timeout') return undefined;
  const detail = completed.error ?? INFRA_ERRORS[type].detail;
  return new ApiError({
    message: detail,
    status: INFRA_ERRORS[type].status,
    body: { detail, error_type: type },
    requestId,
  });
}

/** One status update: the queue position or progress, and the new log lines. */
function onStatus(requestId: string, status: QueueStatus, report: CallReport): void {
  const before = report.current()?.state;
  const newLogs = Array.isArray(status.logs) ? status.logs : [];
  if (status.status === 'IN_QUEUE') {
    report.update({ state: 'IN_QUEUE', queuePosition: status.queue_position }, newLogs);
    return;
  }
  // COMPLETED says nothing of whether it ran: a request whose start timeout passed in the queue
  // ends COMPLETED too (with its error in the result), so only IN_PROGRESS makes it in progress.
  if (status.status !== 'IN_PROGRESS') {
    report.update({}, newLogs);
    return;
  }
  const after = report.update({ state: 'IN_PROGRESS' }, newLogs);
  if (after && before !== 'IN_PROGRESS') report.info(`${requestId}: in progress`);
}
