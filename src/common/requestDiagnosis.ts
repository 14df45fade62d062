// "fal: Diagnose Request": one request told in plain text for a support ticket: what was called and
// where, its ids, its states with their times and durations, the headers sent (secret-looking values
// redacted), its platform options, its time in the queue, its last status, and its error with the
// hint. Pure (the clock and the versions are given), so what the document says is tested on its own.
// Plain text, with every line of server text indented: nothing in it renders, nothing fakes a section.
// The fal key is never in a record, and the only headers written are the record's own (redacted once
// more here) and those of its platform options.
import { isFinal, type RequestRecord } from './callModel';
import { platformHeaders } from './falHeaders';
import { describeError, describeQueueWait, describeState, formatSpan } from './recordText';
import { redactHeaders } from './secretHeaders';

export interface DiagnosisEnvironment {
  /** When the document is written (ms since the epoch). */
  readonly now: number;
  readonly extensionVersion?: string;
  readonly vscodeVersion?: string;
}

/** Log lines the diagnosis repeats (the newest); the rest are in the Requests view. */
export const DIAGNOSIS_LOG_LINES = 20;

const time = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => `${(Math.max(0, ms) / 1000).toFixed(3)} s`;

/** Text from a server or a user, each line indented under its heading. */
function block(text: string, spaces = 4): string[] {
  return text.split(/\r\n|\r|\n/).map((line) => `${' '.repeat(spaces)}${line}`);
}

function section(title: string, lines: string[]): string[] {
  return ['', title, '-'.repeat(title.length), ...(lines.length ? lines : ['  (none)'])];
}

export function diagnoseRequest(record: RequestRecord, env: DiagnosisEnvironment): string {
  const { now } = env;
  const target = record.target.kind === 'fal.ai' ? 'fal.ai' : `${record.target.kind} ${record.target.url}`;
  const lines = [
    'fal request diagnosis',
    '=====================',
    `Written:      ${time(now)}`,
    `Extension:    fal Playground ${env.extensionVersion ?? '(unknown version)'}${env.vscodeVersion ? ` · VS Code ${env.vscodeVersion}` : ''}`,
    '',
    `Endpoint:     ${record.endpointId}`,
    `Method:       ${record.method}`,
    `Target:       ${target}`,
    `Record id:    ${record.id}`,
    `Request id:   ${record.requestId ?? (isFinal(record) ? '(none: fal gave none)' : '(none yet)')}`,
    `Created:      ${time(record.createdAt)}`,
    `State:        ${describeQueueWait(record, now) ?? describeState(record)}`,
  ];
  if (record.webhookUrl) lines.push(`Webhook:      ${withoutQuery(record.webhookUrl)}`);

  lines.push(...section('State history', stateHistory(record, now)));

  const headers = {
    ...redactHeaders(record.headers),
    ...platformHeaders(record.platform, record.method),
  };
  lines.push(
    ...section(
      'Headers sent (secret-looking values redacted)',
      Object.entries(redactHeaders(headers) ?? {}).map(([name, value]) => `  ${name}: ${value}`),
    ),
  );
  lines.push(
    ...section(
      'Platform options',
      Object.entries(record.platform ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => `  ${name}: ${String(value)}`),
    ),
  );
  lines.push(...section('Queue', queueLines(record, now)));
  lines.push(...section('Last status', lastStatus(record)));
  lines.push(...section('Error', errorLines(record)));
  lines.push(...section('Newest log lines', logLines(record)));
  return `${lines.join('\n')}\n`;
}

function stateHistory(record: RequestRecord, now: number): string[] {
  const history = record.history?.length ? record.history : [{ state: record.state, at: record.createdAt }];
  return history.map((change, i) => {
    const next = history[i + 1]?.at;
    const final = isFinal({ state: change.state });
    const lasted =
      next !== undefined
        ? `for ${seconds(next - change.at)}`
        : final
          ? 'final'
          : `for ${seconds(now - change.at)} so far`;
    return `  ${time(change.at)}  +${seconds(change.at - record.createdAt)}  ${change.state.padEnd(11)} ${lasted}`;
  });
}

function queueLines(record: RequestRecord, now: number): string[] {
  const queue = record.queue;
  if (!queue) return ['  Never queued (or no queue timing was kept).'];
  const end = queue.leftAt ?? now;
  const lines = [
    `  Time in queue: ${formatSpan(end - queue.enteredAt)} (${seconds(end - queue.enteredAt)}), entered ${time(queue.enteredAt)}${queue.leftAt ? `, left ${time(queue.leftAt)}` : ', still queued'}`,
  ];
  if (queue.firstPosition === undefined) lines.push('  Position: never given');
  else {
    lines.push(
      `  Position: first ${queue.firstPosition}, last ${queue.lastPosition ?? '?'}, changed ${queue.positionChanges} time${queue.positionChanges === 1 ? '' : 's'}, last change ${time(queue.positionChangedAt)}`,
    );
  }
  const startTimeout = record.platform?.startTimeout;
  if (startTimeout !== undefined) {
    lines.push(
      `  Start timeout: ${startTimeout} s, so it must start by ${time(record.createdAt + startTimeout * 1000)}`,
    );
  }
  return lines;
}

function lastStatus(record: RequestRecord): string[] {
  const lines = [`  ${describeState(record)}, updated ${time(record.updatedAt)}`];
  if (record.startedAt !== undefined) lines.push(`  Started: ${time(record.startedAt)}`);
  if (record.completedAt !== undefined) lines.push(`  Ended: ${time(record.completedAt)}`);
  const inference = record.metrics?.inference_time;
  if (typeof inference === 'number') lines.push(`  Inference time: ${inference.toFixed(3)} s`);
  if (record.outputPreview !== undefined)
    lines.push(
      `  Output: ${record.outputBytes ?? '?'} bytes, too large to read; saved whole in its own file`,
    );
  else if (record.outputFile) lines.push('  Output: kept in its own file (too large for the list)');
  if (record.outputDropped) lines.push('  Output: too large to keep; fetched again when opened');
  return lines;
}

function errorLines(record: RequestRecord): string[] {
  const error = record.error;
  if (!error) return [];
  const lines = ['  Message:', ...block(error.message)];
  if (error.status !== undefined) lines.push(`  HTTP status: ${error.status}`);
  if (error.detail !== undefined) {
    const detail = typeof error.detail === 'string' ? error.detail : JSON.stringify(error.detail, null, 2);
    lines.push('  Detail:', ...block(detail ?? String(error.detail)));
  }
  if (error.hint) lines.push('  Hint:', ...block(error.hint));
  lines.push('  Summary:', ...block(describeError(error)));
  return lines;
}

function logLines(record: RequestRecord): string[] {
  const shown = record.logs.slice(-DIAGNOSIS_LOG_LINES);
  const older = record.logs.length - shown.length + (record.logsDropped ?? 0);
  const lines = shown.flatMap((log) =>
    block(`${log.timestamp ?? ''} ${log.level}: ${log.message}`.trim(), 2),
  );
  if (older > 0) lines.unshift(`  (${older} older line${older === 1 ? '' : 's'} not shown)`);
  return lines;
}

/** A URL without its query, which often carries a token (a support ticket must not). */
function withoutQuery(url: string): string {
  const at = url.search(/[?#]/);
  return at < 0 ? url : `${url.slice(0, at)}?<redacted>`;
}
