// A Logger that writes to another in batches: lines are kept in order and handed on as one append
// per level run at most every `intervalMs` (and at once on `flush`, an error, or `dispose`). VS Code
// writes each call to a LogOutputChannel to its file and, while the Output view shows the channel,
// tells the window to read it again: thousands of stream events a second, line by line, would keep
// the window busy. Batched, they cost a few appends a second, and no line is ever dropped.
import type { Logger } from './messages';

type Level = 'info' | 'warn' | 'error' | 'debug';

/** The longest a line waits before it is written, by default. */
export const LOG_BATCH_MS = 75;

export class BatchedLog implements Logger {
  private pending: Array<{ readonly level: Level; readonly text: string }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly target: Logger,
    private readonly intervalMs = LOG_BATCH_MS,
  ) {}

  info(message: string): void {
    this.add('info', message);
  }

  warn(message: string): void {
    this.add('warn', message);
  }

  /** Written at once (with everything before it), so an error is never late. */
  error(message: string): void {
    this.add('error', message);
    this.flush();
  }

  debug(message: string): void {
    this.add('debug', message);
  }

  /** Writes every line kept, in order: lines of one level in a row go as one append. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending;
    this.pending = [];
    let start = 0;
    for (let i = 1; i <= lines.length; i++) {
      if (i < lines.length && lines[i].level === lines[start].level) continue;
      const run = lines.slice(start, i).map((l) => l.text);
      this.target[lines[start].level](run.join('\n'));
      start = i;
    }
  }

  dispose(): void {
    this.flush();
  }

  private add(level: Level, text: string): void {
    this.pending.push({ level, text });
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }
}
