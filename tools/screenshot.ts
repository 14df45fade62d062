// `npx tsx tools/screenshot.ts URL DIR`: the README's screenshots of a running `npm start` workbench:
// DIR/workbench.png (calls made from the palette, the Requests view following them, an output
// document, the fal output channel), DIR/playground.png (the playground after an image call) and
// DIR/playground-form.png, playground-json-error.png and playground-dark.png (the form from
// sandbox/compose's schema; its JSON with a schema error; the same in a dark theme).
import * as path from 'node:path';
import { Workbench } from './vscode-host/workbench';

async function main(url: string, dir: string): Promise<void> {
  const workbench = await Workbench.visit(url);
  try {
    await workbench.showContainer('fal');
    const call = async (command: string, endpointId: string, json: string) => {
      await workbench.pickCommand(command);
      await workbench.chooseEndpoint(endpointId);
      await workbench.enterJson(json);
    };
    await call('fal: Submit to Queue...', 'sandbox/slow', '{"duration_ms": 60000, "steps": 60}');
    await call('fal: Submit to Queue...', 'sandbox/slow', '{"duration_ms": 2000}');
    await call(
      'fal: Subscribe (Queue and Wait)...',
      'sandbox/image',
      '{"prompt": "a red fox", "num_inference_steps": 8}',
    );
    await workbench.page.locator('.tab', { hasText: 'output.json' }).waitFor();
    await call('fal: Run Endpoint...', 'sandbox/image', '{"prompt": "a red fox", "num_images": 9}');
    const row = workbench.page.locator('.part.sidebar .monaco-list-row', {
      hasText: 'subscribe · completed',
    });
    await row.locator('.monaco-tl-twistie').click();
    await workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: 'Inference time' }).waitFor();
    await workbench.notification('in progress').waitFor({ state: 'hidden' });
    await workbench.runCommand('fal: Show Output');
    await workbench.page.locator('.part.panel .view-lines', { hasText: 'completed in' }).waitFor();
    await workbench.screenshot(path.join(dir, 'workbench.png'));

    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.page.keyboard.press('Control+J'); // hide the panel
    await workbench.runCommand('fal: Open Playground');
    const view = workbench.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await view.locator('#endpoint').fill('sandbox/image');
    await view.locator('#endpoint').press('Escape'); // close the picker's list
    await view.locator('#example').click();
    await view.locator('#fields', { hasText: 'prompt*' }).waitFor();
    await view
      .locator('#json-input')
      .fill('{\n  "prompt": "a red fox in the snow",\n  "num_inference_steps": 12\n}\n');
    await view.locator('vscode-radio.method[data-method="subscribe"]').click();
    await view.locator('#call').click();
    await view.locator('#status', { hasText: 'completed' }).waitFor();
    await view.locator('#gallery img').waitFor();
    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.screenshot(path.join(dir, 'playground.png'));

    // The form built from sandbox/compose's schema, beside its JSON, with a schema error in the JSON.
    await view.locator('#endpoint').fill('sandbox/compose');
    await view.locator('#endpoint').press('Escape'); // close the picker's list
    await view.locator('#schema-form vscode-textarea').first().waitFor();
    await view
      .locator('#json-input')
      .fill(
        '{\n  "prompt": "a lighthouse at dusk",\n  "num_inference_steps": 80,\n  "loras": [{"path": "style.safetensors", "scale": 1}]\n}\n',
      );
    await view.locator('.cm-lintRange-error').first().waitFor();
    await workbench.screenshot(path.join(dir, 'playground-json-error.png'));
    await view.locator('#schema-form').evaluate((form) => form.scrollIntoView());
    await workbench.screenshot(path.join(dir, 'playground-form.png'));

    // The same in a dark theme.
    // Ctrl+K Ctrl+T: the theme picker (its palette title also matches the Marketplace browser).
    await workbench.page.keyboard.press('Control+K');
    await workbench.page.keyboard.press('Control+T');
    const { input } = workbench.quickInput();
    await input.waitFor();
    await input.fill('Dark Modern');
    await workbench.page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' })
      .first()
      .waitFor();
    await input.press('Enter');
    await workbench.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await workbench.page.waitForTimeout(500); // the webview takes the new theme's variables
    await workbench.screenshot(path.join(dir, 'playground-dark.png'));
  } finally {
    await workbench.close();
  }
}

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: npx tsx tools/screenshot.ts URL DIR');
  process.exit(2);
}
main(url, out).catch((err) => {
  console.error(err);
  process.exit(1);
});
