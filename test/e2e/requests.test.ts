// A person calls endpoints from the palette, follows them in the Requests view, and reloads the window
// while a queue request runs: the request is still there afterwards and completes. The extension is
// pointed (FAL_SANDBOX_URL) at a sandbox this test runs, so it outlives the reload.
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { SANDBOX_PLACEHOLDER_KEY } from '../../src/common/hosts';
import { Workbench } from '../../tools/vscode-host/workbench';

describe('workbench: calling endpoints and following requests', function () {
  let sandbox: RunningSandbox;
  let workbench: Workbench;

  before(async () => {
    sandbox = await startSandbox({ port: 0, key: SANDBOX_PLACEHOLDER_KEY });
    workbench = await Workbench.open({ env: { FAL_SANDBOX_URL: sandbox.url } });
  });

  after(async () => {
    await workbench?.close();
    await sandbox?.close();
  });

  const row = (endpointId: string) =>
    workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: endpointId }).first();
  /** The row's label: its state and time, first so a narrow side bar still shows them. */
  const state = (endpointId: string) => row(endpointId).locator('.label-name');

  /** Answers the endpoint and JSON questions of a call command, first with malformed JSON. */
  async function answer(endpointId: string, json: string): Promise<void> {
    await workbench.chooseEndpoint(endpointId);
    const { input, message } = workbench.quickInput();
    await input.fill(json.slice(0, -1));
    await message.filter({ hasText: 'Not valid JSON' }).waitFor();
    await workbench.enterJson(json);
  }

  it('"fal: Run Endpoint..." refuses malformed JSON, then opens the output', async () => {
    await workbench.showContainer('fal');
    await workbench.pickCommand('fal: Run Endpoint...');
    await answer('sandbox/echo', '{"greeting": "from the palette"}');
    await workbench.page.locator('.tab', { hasText: 'output.json' }).waitFor();
    await workbench.page.locator('.editor-instance .view-lines', { hasText: 'from the palette' }).waitFor();
    await row('run sandbox/echo')
      .locator('.label-name', { hasText: /^completed · \d+\.\d\d s$/ })
      .waitFor();
  });

  it('"fal: Submit to Queue..." shows the request in progress in the Requests view, and no notification', async () => {
    await workbench.pickCommand('fal: Submit to Queue...');
    await answer('sandbox/slow', '{"duration_ms": 6000}');
    // A word in the status bar, not a notification.
    await workbench.page.locator('.statusbar-item', { hasText: 'Submitted to sandbox/slow' }).waitFor();
    await row('submit sandbox/slow').locator('.label-name', { hasText: 'in progress' }).waitFor();
    const toasts = workbench.page.locator('.notification-toast', { hasText: /Submitted|sandbox\/slow/ });
    if ((await toasts.count()) > 0) throw new Error(`a notification: ${await toasts.allInnerTexts()}`);
    await workbench.screenshot('requests-in-progress');
  });

  it('after a reload mid-request, the request is still listed and completes', async () => {
    await workbench.reload();
    await workbench.showContainer('fal');
    await row('sandbox/slow').waitFor();
    await state('submit sandbox/slow')
      .filter({ hasText: /^completed · \d+\.\d\d s$/ })
      .waitFor({ timeout: 20_000 });
    await state('run sandbox/echo')
      .filter({ hasText: /^completed/ })
      .waitFor();
    // Nobody watched it end (its window reloaded): a notification says so, with Open Output.
    const toast = workbench.notification(/sandbox\/slow completed in \d+\.\d\d s/);
    await toast.waitFor();
    await toast.locator('.monaco-button', { hasText: 'Open Output' }).waitFor();
    await workbench.screenshot('requests-after-reload');
  });

  it('a request\'s context menu offers its actions; "Call Again" makes a new request', async () => {
    const rows = workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: 'sandbox/echo' });
    const before = await rows.count();
    await row('sandbox/echo').click({ button: 'right' });
    const menu = workbench.page.locator('.context-view .monaco-menu');
    for (const action of [
      'Open in Playground',
      'Open Output',
      'Open Input',
      'Copy Request ID',
      'Copy as Code...',
      'Remove from List',
    ]) {
      await menu.locator('.action-label', { hasText: action }).first().waitFor();
    }
    // VS Code's menu ignores a click that comes right after it opened; pick the item as a keyboard user does.
    await menu.locator('.action-label', { hasText: 'Call Again' }).hover();
    await workbench.page.keyboard.press('Enter');
    await workbench.page.waitForFunction(
      (n) => document.querySelectorAll('.part.sidebar .monaco-list-row').length > n,
      await workbench.page.locator('.part.sidebar .monaco-list-row').count(),
    );
    await rows
      .nth(0)
      .locator('.label-name', { hasText: /^completed/ })
      .waitFor();
    if ((await rows.count()) !== before + 1) throw new Error(`expected ${before + 1} sandbox/echo rows`);
  });
});
