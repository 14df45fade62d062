// The playground in the real workbench: opened from the palette, a person fills the form in the
// webview, calls sandbox endpoints with several methods and sees the output (and images), the call
// lands in the Requests view, and the panel comes back with its form after a reload.
import { HOSTILE_PAYLOADS } from '../../src/sandbox/endpoints/hostile';
import { imageLoads } from '../../tools/vscode-host/browser';
import { Workbench } from '../../tools/vscode-host/workbench';

describe('workbench: the playground webview', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open();
  });

  after(async () => {
    await workbench?.close();
  });

  const view = () => workbench.webview();
  // `#json-input` is the JSON editor's editable element (CodeMirror): Playwright's fill selects its text and
  // types over it as one input.
  const inputText = () => workbench.playgroundInputText();

  it('"fal: Open Playground" opens the panel, which calls sandbox/echo with run', async () => {
    await workbench.runCommand('fal: Open Playground');
    await workbench.page.locator('.tab', { hasText: 'fal Playground' }).waitFor();
    await view().locator('.target', { hasText: 'embedded fal sandbox at http://127.0.0.1:' }).waitFor();
    await view().locator('#endpoint').fill('sandbox/echo');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('vscode-radio.method[data-method="run"]').click();
    await view().locator('#json-input').fill('{"from": "the playground"}');
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /run sandbox\/echo: completed/ })
      .waitFor();
    await view().locator('#output', { hasText: '"from": "the playground"' }).waitFor();
  });

  it('subscribes to sandbox/image with logs and shows the picture; the call is in the Requests view', async () => {
    await view().locator('#endpoint').fill('sandbox/image');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('#example').click();
    await view().locator('#fields', { hasText: 'prompt*' }).waitFor();
    await view().locator('#json-input').fill('{"prompt": "a red fox", "num_inference_steps": 4}');
    await view().locator('vscode-radio.method[data-method="subscribe"]').click();
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /subscribe sandbox\/image: completed/ })
      .waitFor();
    await view().locator('#logs', { hasText: 'Step 4/4' }).waitFor({ state: 'attached' });
    await view().locator('#gallery img').waitFor();
    await imageLoads(view().locator('#gallery img'));
    await workbench.showContainer('fal');
    await workbench.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'subscribe sandbox/image' })
      .locator('.label-name', { hasText: /^completed · / })
      .waitFor();
    await workbench.screenshot('playground-image');
  });

  it('streams sandbox/text and sends to sandbox/echo in a realtime session', async () => {
    await view().locator('#endpoint').fill('sandbox/text');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('#json-input').fill('{"prompt": "hello there", "max_tokens": 4}');
    await view().locator('vscode-radio.method[data-method="stream"]').click();
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /stream sandbox\/text: completed/ })
      .waitFor();
    await view().locator('#events', { hasText: '"partial":true' }).waitFor({ state: 'attached' });
    await view().locator('#endpoint').fill('sandbox/echo');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('#json-input').fill('{"n": 1}');
    await view().locator('vscode-radio.method[data-method="realtime"]').click();
    // Realtime: the session takes the result's place, and Call is its Send.
    await view().locator('#call', { hasText: 'Send' }).click();
    await view()
      .locator('#rt-results > li[data-state="answered"] .rt-result-output', { hasText: '"seq"' })
      .waitFor();
  });

  it('comes back after a reload mid-request with the form as it was left and the call followed to its end', async () => {
    await view().locator('#endpoint').fill('sandbox/slow');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('#json-input').fill('{"duration_ms": 8000}');
    await view().locator('vscode-radio.method[data-method="subscribe"]').click();
    await view().locator('#call').click();
    await view().locator('#status', { hasText: 'subscribe sandbox/slow: in progress' }).waitFor();
    await view().locator('#json-input').fill('{"kept": "across the reload"');
    await workbench.reloadWindow();
    await workbench.orScreenshot('playground-after-reload-failed', view().locator('#json-input').waitFor());
    // The host's first message (init) says where calls go and brings the form back, in one step.
    await view().locator('.target', { hasText: 'Calls go to' }).waitFor();
    const endpoint = await view().locator('#endpoint').inputValue();
    if (endpoint !== 'sandbox/slow') throw new Error(`endpoint after reload: ${endpoint}`);
    const input = await inputText();
    if (input !== '{"kept": "across the reload"') throw new Error(`input after reload: ${input}`);
    await view().locator('#input-problem', { hasText: 'Not valid JSON' }).waitFor();
    // The embedded sandbox outlives the reload, as fal's queue does: the request is followed again
    // to its end, which the playground shows: no notification.
    await view().locator('#status', { hasText: 'subscribe sandbox/slow: completed' }).waitFor();
    await workbench.page.waitForTimeout(1000);
    if ((await workbench.notification('sandbox/slow completed in').count()) > 0)
      throw new Error('a notification for a call the playground showed');
  });

  it('calls once on Ctrl+Enter in the JSON editor (the contributed keybinding), inserting no line', async () => {
    await workbench.showContainer('fal');
    const rows = workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: 'sandbox/echo' });
    const before = await rows.count();
    await view().locator('#endpoint').fill('sandbox/echo');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('vscode-radio.method[data-method="run"]').click();
    await view().locator('#json-input').fill('{"by": "the keybinding"}');
    await view().locator('#json-input').click();
    await workbench.page.keyboard.press('Control+Enter');
    await view()
      .locator('#status', { hasText: /run sandbox\/echo: completed/ })
      .waitFor();
    await view().locator('#output', { hasText: '"by": "the keybinding"' }).waitFor();
    const input = await inputText();
    if (input !== '{"by": "the keybinding"}') throw new Error(`input after Ctrl+Enter: ${input}`);
    await rows.nth(before).waitFor();
    const after = await rows.count();
    if (after !== before + 1) throw new Error(`Ctrl+Enter made ${after - before} calls`);
  });

  it('plays the sandbox/video MP4 (H.264) inline in the webview: its time advances', async () => {
    await view().locator('#endpoint').fill('sandbox/video');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('vscode-radio.method[data-method="run"]').click();
    await view().locator('#json-input').fill('{"prompt": "a test pattern", "format": "mp4"}');
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /run sandbox\/video: completed/ })
      .waitFor();
    const video = view().locator('video').first();
    await video.waitFor();
    // Muted, as a page may then start it without a gesture; it plays only if the page decodes H.264.
    const advanced = await video.evaluate(
      (element) =>
        new Promise<number>((resolve, reject) => {
          const v = element as HTMLVideoElement;
          v.muted = true;
          v.addEventListener('error', () =>
            reject(new Error(`video error ${v.error?.code}: ${v.currentSrc}`)),
          );
          v.addEventListener('timeupdate', () => {
            if (v.currentTime > 0.3) resolve(v.currentTime);
          });
          v.play().catch(reject);
          setTimeout(() => reject(new Error(`currentTime stayed at ${v.currentTime}`)), 20_000);
        }),
    );
    if (!(advanced > 0.3)) throw new Error(`video time ${advanced}`);
    await workbench.screenshot('playground-video');
  });

  it("sandbox/hostile's payloads (catalogue, logs, output, file names, URLs, error) stay text", async () => {
    // Alone (FAL_TEST_GREP), it opens the playground itself.
    if ((await workbench.page.locator('.tab', { hasText: 'fal Playground' }).count()) === 0)
      await workbench.runCommand('fal: Open Playground');
    await view().locator('.target', { hasText: 'embedded fal sandbox at http://127.0.0.1:' }).waitFor();
    // Its catalogue entry, from the sandbox, in the picker: name and description as text.
    await view().locator('#endpoint').fill('hostile');
    const option = view().locator('#endpoint-options li', { hasText: 'sandbox/hostile' });
    await option.locator('.name', { hasText: HOSTILE_PAYLOADS.img }).waitFor();
    await option.click();
    await view().locator('vscode-radio.method[data-method="subscribe"]').click();
    await view().locator('#json-input').fill('{}');
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /subscribe sandbox\/hostile: completed/ })
      .waitFor();
    await view().locator('#gallery img').waitFor();
    await imageLoads(view().locator('#gallery img'));
    await view().locator('#logs', { hasText: HOSTILE_PAYLOADS.script }).waitFor({ state: 'attached' });
    await view().locator('#output', { hasText: HOSTILE_PAYLOADS.javascriptUrl }).waitFor();
    await view().locator('#json-input').fill('{"fail": true}');
    await view().locator('#call').click();
    await view().locator('#error .message', { hasText: HOSTILE_PAYLOADS.commandLink }).waitFor();
    const traces = await view()
      .locator('body')
      .evaluate(() => {
        const all = Array.from(document.querySelectorAll('*'));
        const bad = (v: string | null) => !!v && /^\s*(javascript:|data:text\/html)/i.test(v);
        return {
          pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
          marked: all.filter((el) => el.hasAttribute('data-pwned')).length,
          badUrls: all.filter((el) => ['href', 'src'].some((a) => bad(el.getAttribute(a)))).length,
        };
      });
    const expected = { pwned: null, marked: 0, badUrls: 0 };
    if (JSON.stringify(traces) !== JSON.stringify(expected))
      throw new Error(`traces of the payloads: ${JSON.stringify(traces)}`);
    // Nor in the workbench around it (the Requests view, the tab, notifications).
    const outside = await workbench.page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      marked: document.querySelectorAll('[data-pwned]').length,
    }));
    if (outside.pwned !== null || outside.marked !== 0)
      throw new Error(`traces in the workbench: ${JSON.stringify(outside)}`);
  });
});
