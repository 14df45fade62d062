// The request layer's Messages as VS Code notifications: a message with buttons, each running its
// command when chosen. Server text is made link-free first (notifications render `[text](link)`).
// In test mode it also keeps what it showed, so tests can read the messages a scenario produced.
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';
import type { Message, Messages } from '../common/messages';

export class VscodeMessages implements Messages {
  /** Every message shown, oldest first, when kept (test mode only). */
  readonly shown: Message[] = [];

  constructor(private readonly keep = false) {}

  show(message: Message): void {
    if (this.keep) this.shown.push(message);
    const text = withoutLinks(message.text);
    const titles = (message.actions ?? []).map((a) => a.title);
    const show =
      message.level === 'error'
        ? vscode.window.showErrorMessage
        : message.level === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(text, ...titles).then((choice) => {
      const action = message.actions?.find((a) => a.title === choice);
      if (action) void vscode.commands.executeCommand(action.command, ...(action.args ?? []));
    });
  }
}
