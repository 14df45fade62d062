// What every kind of call has in common for the runner: a job (the record as it was created, the
// connection it goes through, a signal that gives it up) and a narrow report to tell how it goes, so
// each executor (run, queue, stream, realtime) is only the protocol of its kind of call, and the
// runner alone creates records, cancels, resumes and removes them. Every change an executor reports
// reaches the record through the store, hence through `transition` (recordTransitions.ts).
import type { CallSpec, RequestLog, RequestRecord } from '../../common/callModel';
import { platformHeaders } from '../../common/falHeaders';
import type { Connection } from '../../connection/falConnection';
import type { RealtimeInput } from '../../fal/realtime';
import type { Result, SpoolOptions } from '../../fal/types';
import { OUTPUT_PREVIEW_BYTES, SPOOL_ABOVE_BYTES } from '../outputFiles';
import type { CallEventKind } from '../callEventLog';
import type { RecordPatch } from '../recordTransitions';

export interface CallJob {
  /** The record as the runner created it (its id, method, endpoint, input), with the headers to send as given (the stored record keeps them redacted). */
  readonly record: RequestRecord;
  readonly connection: Connection;
  /** Aborted when the call is cancelled or removed, its sandbox is lost, or the window closes. */
  readonly signal: AbortSignal;
  /** A realtime call's own connection (the playground's session); else the warm pool's. */
  readonly realtime?: RealtimeRequester;
  /** How long a direct call waits for its reply, and a stream for its next byte (ms); none when unset. */
  readonly timeoutMs?: number;
  /** The record's output file (its name in the store, and its path): where a huge reply is written. */
  readonly outputFile: { readonly name: string; readonly file: string };
}

/** Where a realtime call sends its input and gets its output, paired by order (PairedRealtime). */
export interface RealtimeRequester {
  request(input: RealtimeInput, signal: AbortSignal): Promise<unknown>;
}

export interface CallReport {
  /** The record as it is now; undefined once removed from the list. */
  current(): RequestRecord | undefined;
  /** True once the record has ended (cancelled meanwhile, say) or was removed. */
  ended(): boolean;
  /**
   * A change while the call runs (a start time, fal's request id, a queue state, a stream event),
   * with the request's new log lines: the record keeps the newest of them, the log tells them all.
   * Undefined when the store refused it (the record ended or is gone).
   */
  update(patch: RecordPatch, newLogs?: readonly RequestLog[]): RequestRecord | undefined;
  /** A line for the log (the "fal" output channel). */
  info(line: string): void;
  /** A stream's event or a realtime frame: told to the log as `fal.output.events` says, and counted. */
  event(kind: CallEventKind, value: unknown): void;
  /**
   * The call ended well, with its output (or, for one too large to read, the file it went to and
   * its preview) and what else fal said of it (request id, metrics).
   */
  complete(
    facts: Pick<
      RecordPatch,
      'output' | 'outputFile' | 'outputPreview' | 'outputBytes' | 'requestId' | 'metrics'
    >,
  ): void;
  /** fal answered that the request was cancelled. */
  cancelled(): void;
}

export interface CallExecutor {
  /**
   * Makes the call and reports it until it ends. Resolves once it ended (completed, cancelled);
   * rejects with what made it fail, which the runner turns into the record's error.
   */
  start(job: CallJob, report: CallReport): Promise<void>;
}

/** The headers a call sends: its custom headers plus those of its platform options. */
export function callHeaders(call: CallSpec): Record<string, string> {
  return { ...call.headers, ...platformHeaders(call.platform, call.method) };
}

/** How a job's call writes a reply too large to read: to the record's output file, as it arrives. */
export function spoolFor(job: CallJob): SpoolOptions {
  return { aboveBytes: SPOOL_ABOVE_BYTES, file: job.outputFile.file, previewBytes: OUTPUT_PREVIEW_BYTES };
}

/** What the record keeps of a reply: its output, or the file a huge one went to with its preview. */
export function outputFacts(
  job: CallJob,
  result: Result<unknown>,
): Pick<RecordPatch, 'output' | 'outputFile' | 'outputPreview' | 'outputBytes'> {
  const spooled = result.spooled;
  if (!spooled) return { output: result.data };
  return { outputFile: job.outputFile.name, outputPreview: spooled.preview, outputBytes: spooled.bytes };
}
