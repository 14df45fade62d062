// What the layers below the views need of the editor to tell a person something: a message with buttons that
// run commands, and a log. Small interfaces instead of `vscode` objects, so the store, the runner and
// the notifier run in plain Node tests; the extension hands them VS Code's (src/views/vscodeMessages.ts). In common: every layer may speak.

/** A button on a message: the command it runs, with its arguments. */
export interface MessageAction {
  readonly title: string;
  readonly command: string;
  readonly args?: readonly unknown[];
}

export interface Message {
  readonly level: 'info' | 'warning' | 'error';
  /** Plain text (links in it are broken up by the sink: server text must not become a link). */
  readonly text: string;
  readonly actions?: readonly MessageAction[];
}

/** Where messages go: VS Code's notifications, or a list in a test. */
export interface Messages {
  show(message: Message): void;
}

/** The log the runner writes each step to (VS Code's LogOutputChannel has this shape). */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** Writes at once what it holds, for a log that batches its lines (batchedLog.ts). */
  flush?(): void;
}
