// How the webview tests drive VS Code's controls (@vscode-elements/elements) as a person would:
// through the real element, its shadow root reached by Playwright's CSS.
import type { Locator } from 'playwright-core';

/** Opens a vscode-single-select and clicks the option with this text. */
export async function chooseOption(select: Locator, text: string): Promise<void> {
  await select.click();
  await select
    .locator('li[role=option]')
    .filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) })
    .click();
}
