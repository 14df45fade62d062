// A person sets and clears the fal key from the palette: the password box refuses a malformed key
// with a hint, accepts a real one, and the key never shows up on screen or in the output channel.
import * as assert from 'node:assert/strict';
import { Workbench } from '../../tools/vscode-host/workbench';

const KEY = 'e2e-key-id:e2e-key-secret';

describe('workbench: fal API key', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open();
  });

  after(async () => {
    await workbench?.close();
  });

  it('"fal: Set API Key" asks in a password box, checks the key and saves it', async () => {
    await workbench.pickCommand('fal: Set API Key');
    const { input, message, widget } = workbench.quickInput();
    await widget.locator('.quick-input-title', { hasText: 'fal: Set API Key' }).waitFor();
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill('not a key');
    await message.filter({ hasText: 'no spaces' }).waitFor();
    await input.fill(KEY);
    await message.filter({ hasNotText: 'no spaces' }).waitFor();
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await workbench.notification("fal key saved in VS Code's secret storage").waitFor();
    await workbench.screenshot('api-key-saved');
  });

  it('"fal: Clear API Key" removes it, and the key appears nowhere on screen or in the output', async () => {
    await workbench.runCommand('fal: Clear API Key');
    await workbench.notification("fal key removed from VS Code's secret storage").waitFor();
    await workbench.runCommand('fal: Show Output');
    const panel = workbench.page.locator('.part.panel');
    await panel.locator('.view-lines', { hasText: 'fal key removed' }).waitFor();
    const shown = await workbench.page.locator('.monaco-workbench').innerText();
    assert.ok(!shown.includes('e2e-key-secret'), 'the key is visible in the workbench');
  });
});
