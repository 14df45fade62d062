// A person opens a realtime session from the palette ("fal: Open Realtime Session..."), picks
// sandbox/echo as for the other calls, and the playground opens in realtime mode, connected; three
// sends (the Send button, then Ctrl+Enter) each show their latency and size, and the frame inspector
// shows the six frames, decoded.
import { Workbench } from '../../tools/vscode-host/workbench';

describe('workbench: a realtime session', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open();
  });

  after(async () => {
    await workbench?.close();
  });

  const view = () => workbench.webview();

  it('"fal: Open Realtime Session..." on sandbox/echo: three sends with their latencies and frames', async () => {
    await workbench.pickCommand('fal: Open Realtime Session...');
    const { input, widget } = workbench.quickInput();
    await input.fill('sandbox/echo');
    await widget.locator('.monaco-list-row.focused', { hasText: 'sandbox/echo' }).waitFor();
    await input.press('Enter');
    await workbench.orScreenshot(
      'realtime-session-no-playground',
      workbench.page.locator('.tab', { hasText: 'fal Playground' }).waitFor(),
    );
    await view()
      .locator('#rt-state[data-state="connected"]', { hasText: 'sandbox/echo' })
      .waitFor({ timeout: 20_000 });
    await view().locator('vscode-radio.method[data-method="realtime"][aria-checked="true"]').waitFor();
    await view().locator('#json-input').fill('{"hello": "realtime"}');
    await view().locator('#call', { hasText: 'Send' }).click();
    await view().locator('#rt-results > li[data-state="answered"]').nth(0).waitFor();
    await view().locator('#call').click();
    await view().locator('#rt-results > li[data-state="answered"]').nth(1).waitFor();
    await view().locator('#json-input').click();
    await workbench.page.keyboard.press('Control+Enter');
    const answered = view().locator('#rt-results > li[data-state="answered"]');
    await answered.nth(2).waitFor();
    const facts = await answered.locator('.rt-result-facts').allInnerTexts();
    if (facts.length !== 3) throw new Error(`results: ${facts.join(' | ')}`);
    for (const [i, text] of facts.entries()) {
      if (!/^#\d+ · answered · \d+(\.\d)? ms · \d+ B · input \d+$/.test(text))
        throw new Error(`result ${i + 1} shows no latency and size: ${text}`);
    }
    const frames = view().locator('#rt-frames > li');
    await frames.nth(5).waitFor();
    const sent = await view().locator('#rt-frames > li[data-direction="sent"]').count();
    const received = await view().locator('#rt-frames > li[data-direction="received"]').count();
    if (sent !== 3 || received !== 3) throw new Error(`frames: ${sent} sent, ${received} received`);
    await view()
      .locator('#rt-frames > li[data-direction="received"] .rt-frame-json', { hasText: '"seq": 3' })
      .waitFor();
    await view()
      .locator('#rt-frames > li[data-direction="sent"] .rt-frame-json', { hasText: '"hello": "realtime"' })
      .first()
      .waitFor();
    await workbench.screenshot('realtime-session');
  });
});
