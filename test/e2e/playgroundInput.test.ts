// The playground's input side in the real workbench, as a person uses it: search the endpoint
// picker, choose an endpoint, put a picture of the workspace into its media field with Choose file…
// (VS Code's own open dialog), call with Ctrl+Enter (the contributed keybinding) and see the
// picture the endpoint made; and an edit in the form that reaches the JSON and the call.
import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { imageLoads } from '../../tools/vscode-host/browser';
import { Workbench } from '../../tools/vscode-host/workbench';

/** A solid-coloured PNG of `size`×`size`. */
function solidPng(size: number, [r, g, b]: readonly [number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) png.data.set([r, g, b, 255], i * 4);
  return PNG.sync.write(png);
}

describe('workbench: the playground input (picker, file field, form)', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({
      files: { 'README.md': '# e2e workspace\n', 'pictures/red.png': solidPng(16, [255, 0, 0]) },
    });
  });

  after(async () => {
    await workbench?.close();
  });

  const view = () => workbench.webview();
  const inputText = () => workbench.playgroundInputText();
  const requestRows = (endpointId: string) =>
    workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: endpointId });

  it('finds sandbox/image-to-image by "invert", takes a workspace PNG by Choose file…, and Ctrl+Enter inverts it once', async () => {
    await workbench.showContainer('fal');
    await workbench.runCommand('fal: Open Playground');
    await view().locator('.target', { hasText: 'embedded fal sandbox' }).waitFor();
    await view().locator('#endpoint').click();
    await view().locator('#endpoint').press('ControlOrMeta+a');
    await view().locator('#endpoint').pressSequentially('invert');
    const option = view().locator('#endpoint-options li', { hasText: 'sandbox/image-to-image' });
    await option.waitFor().catch(async (err: Error) => {
      await workbench.screenshot('picker-failed');
      const state = await view()
        .locator('#endpoint-options')
        .evaluate((l) => ({ hidden: (l as HTMLElement).hidden, html: l.outerHTML.slice(0, 2000) }));
      throw new Error(`${err.message}\n${JSON.stringify(state)}`);
    });
    assert.equal(
      await view().locator('#endpoint-options li').count(),
      1,
      'only the inverting endpoint matches',
    );
    // Its thumbnail comes from the sandbox through VS Code's mapping of its origin, and loads.
    await imageLoads(option.locator('.thumb img'));
    await option.click();
    assert.equal(await view().locator('#endpoint').inputValue(), 'sandbox/image-to-image');

    // The form from its schema, with the media field's Choose file…: VS Code's open dialog, in the workspace.
    const chooseFile = view().locator('vscode-button[aria-label="Choose file for Image Url"]');
    await chooseFile.click();
    const dialog = workbench.quickInput();
    await dialog.widget.waitFor();
    // It opens in the workspace: once its box shows that folder (set after it appears), type the file's path.
    await dialog.widget
      .page()
      .waitForFunction(
        (folder) =>
          document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.includes(folder),
        workbench.folder ?? '',
      );
    await dialog.input.fill(`${workbench.folder}/pictures/red.png`);
    // The dialog lists the folder as the path is typed: once the file shows, Enter takes it.
    await workbench.orScreenshot(
      'open-dialog-no-file',
      dialog.widget.locator('.monaco-list-row', { hasText: 'red.png' }).waitFor(),
    );
    await dialog.input.press('Enter');
    await workbench.orScreenshot('open-dialog-stayed', dialog.widget.waitFor({ state: 'hidden' }));
    // The host uploaded it to the sandbox and put its URL in the value: the JSON shows it.
    await view()
      .locator('#json-input', { hasText: /"image_url": "http:\/\/[^"]+\/files\// })
      .waitFor();
    const input = JSON.parse(await inputText()) as { image_url: string; strength?: number };

    assert.equal(await requestRows('sandbox/image-to-image').count(), 0);
    await view().locator('#json-input').click();
    await workbench.page.keyboard.press('Control+Enter');
    await view()
      .locator('#status', { hasText: /sandbox\/image-to-image: completed/ })
      .waitFor();
    // The picture the page shows is the input inverted (blended by the strength in force).
    const src = await view().locator('#gallery img').first().getAttribute('src');
    assert.ok(src, 'an output image');
    const made = PNG.sync.read(Buffer.from(await (await fetch(src)).arrayBuffer()));
    const strength = input.strength ?? 1;
    const expected = [255 * (1 - strength), 255 * strength, 255 * strength];
    const pixel = [...made.data.subarray(0, 3)];
    for (const [i, channel] of pixel.entries())
      assert.ok(Math.abs(channel - expected[i]) <= 2, `pixel ${pixel.join(',')} ≈ ${expected.join(',')}`);
    await imageLoads(view().locator('#gallery img').first());
    // Called once: one request in the Requests view.
    await requestRows('sandbox/image-to-image').first().waitFor();
    assert.equal(await requestRows('sandbox/image-to-image').count(), 1);
    await workbench.screenshot('playground-image-to-image');
  });

  it('an edit in the form of sandbox/image changes the JSON and the call', async () => {
    await view().locator('#endpoint').fill('sandbox/image');
    await view().locator('#endpoint').press('Escape'); // close the picker's list
    await view().locator('vscode-radio.method[data-method="run"]').click();
    const prompt = view().locator(
      '.sf-field[data-path="prompt"] vscode-textarea[aria-label="Prompt"] textarea',
    );
    await prompt.waitFor();
    await prompt.fill('a lighthouse drawn by the form');
    await view().locator('#json-input', { hasText: '"prompt": "a lighthouse drawn by the form"' }).waitFor();
    await view().locator('#call').click();
    await view()
      .locator('#status', { hasText: /run sandbox\/image: completed/ })
      .waitFor();
    // sandbox/image answers with the prompt it drew: the call carried the form's edit.
    await view().locator('#output', { hasText: '"prompt": "a lighthouse drawn by the form"' }).waitFor();
  });
});
