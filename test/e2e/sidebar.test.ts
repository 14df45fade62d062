// What a person sees: the fal icon in the activity bar, the Requests view with its welcome text, the
// "fal: Show Output" command revealing the channel, and all of it still there after a reload.
import * as assert from 'node:assert/strict';
import { Workbench } from '../../tools/vscode-host/workbench';

describe('workbench: fal sidebar and output', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open();
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows the fal icon in the activity bar and opens the Requests view with its welcome text', async () => {
    await workbench.showContainer('fal');
    // With one view in the container VS Code hides the pane header and titles the side bar instead.
    await workbench.page
      .locator('.pane-header[aria-label="Requests Section"]')
      .waitFor({ state: 'attached' });
    const title = await workbench.page.locator('.part.sidebar .composite.title').innerText();
    assert.match(title, /requests/i);
    const welcome = workbench.page.locator('.welcome-view-content', { hasText: 'No fal requests yet.' });
    await welcome.waitFor();
    await workbench.screenshot('sidebar-requests');
  });

  it('"fal: Show Output" reveals the fal output channel', async () => {
    await workbench.runCommand('fal: Show Output');
    const panel = workbench.page.locator('.part.panel');
    await panel.waitFor();
    // The output view names the channel it shows in its channel picker.
    const picker = panel.locator('select.monaco-select-box, .monaco-select-box');
    await picker.first().waitFor();
    await workbench.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('.part.panel select')).some(
        (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent?.trim() === 'fal',
      ),
    );
    // Monaco renders the channel's lines a moment after the picker switches.
    await panel.locator('.view-lines', { hasText: 'activated' }).waitFor();
    await workbench.screenshot('output-channel');
  });

  it('keeps the fal container and the Requests view after a reload', async () => {
    await workbench.reload();
    await workbench.showContainer('fal');
    await workbench.page.locator('.welcome-view-content', { hasText: 'No fal requests yet.' }).waitFor();
  });
});
