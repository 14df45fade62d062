// The question a request file's first call asks before it reads environment variables: the names
// it will read, listed in a modal, asked once per file and set of names. The answer is kept in the
// workspace's state, so a file asks again only when it names a variable not agreed to before.
import * as vscode from 'vscode';
import { withoutLinks } from '../common/recordText';

const CONSENT_KEY = 'fal.requestFiles.envConsent';

export const READ_VARIABLES = 'Read Variables';

export class EnvConsent {
  constructor(private readonly state: vscode.Memento) {}

  /** True when `file` may read `names`: agreed before, or the user agrees now. */
  async allow(file: vscode.Uri, names: readonly string[]): Promise<boolean> {
    if (names.length === 0) return true;
    const agreed = this.state.get<Record<string, string[]>>(CONSENT_KEY, {});
    const before = agreed[file.toString()] ?? [];
    if (names.every((name) => before.includes(name))) return true;
    const fileName = file.path.split('/').pop() ?? file.toString();
    const choice = await vscode.window.showWarningMessage(
      withoutLinks(`${fileName} reads environment variables: ${names.join(', ')}.`),
      {
        modal: true,
        detail:
          'Their values go into the call (its input, headers or webhook URL). Names that look like secrets, and the fal key, are never read. Allow this file to read them?',
      },
      READ_VARIABLES,
    );
    if (choice !== READ_VARIABLES) return false;
    await this.state.update(CONSENT_KEY, {
      ...agreed,
      [file.toString()]: [...new Set([...before, ...names])],
    });
    return true;
  }
}
