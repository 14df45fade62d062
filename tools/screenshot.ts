// `npx tsx tools/screenshot.ts URL DIR`: the README's screenshots of a running `npm start` workbench:
// DIR/workbench.png (calls made from the palette, the Requests view following them, an output
// document, the fal output channel), DIR/playground.png (the playground after an image call) and
// DIR/playground-picker.png (the endpoint picker searching the catalogue), playground-gallery.png (a
// result's images with one enlarged), playground-realtime.png (a realtime session with its frame
// inspector), and
// DIR/playground-form.png, playground-json-error.png, playground-dark.png and
// playground-high-contrast.png (the form from sandbox/compose's schema; its JSON with a schema error;
// the same in a dark and a high-contrast theme).
import * as path from 'node:path';
import { Workbench } from './vscode-host/workbench';

async function main(url: string, dir: string): Promise<void> {
  const workbench = await Workbench.visit(url);
  try {
    // The light theme first: a theme chosen by an earlier run stays in the workbench's settings.
    await workbench.chooseTheme('Light Modern');
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
    const row = workbench.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'subscribe sandbox/image' })
      .filter({ hasText: 'completed' })
      .first();
    await row.locator('.monaco-tl-twistie').click();
    await workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: 'Inference time' }).waitFor();
    await workbench.notification('in progress').waitFor({ state: 'hidden' });
    await workbench.runCommand('fal: Show Output');
    // The channel shows the newest lines: a log line, or the line of a call that ended.
    await workbench.page.locator('.part.panel .view-lines', { hasText: /INFO|completed in/ }).waitFor();
    await workbench.screenshot(path.join(dir, 'workbench.png'));

    await workbench.runCommand('Notifications: Clear All Notifications');
    await workbench.page.keyboard.press('Control+J'); // hide the panel
    await workbench.runCommand('fal: Open Playground');
    const view = workbench.webview();
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

    // The endpoint picker, searching the catalogue.
    await view.locator('#endpoint').click();
    await view.locator('#endpoint').press('ControlOrMeta+a');
    await view.locator('#endpoint').pressSequentially('image');
    await view.locator('#endpoint-options li').nth(1).waitFor();
    await workbench.page.waitForTimeout(300); // the thumbnails load
    await workbench.screenshot(path.join(dir, 'playground-picker.png'));
    await view.locator('#endpoint').press('Escape');

    // The gallery with an image enlarged.
    await view.locator('#endpoint').fill('sandbox/image');
    await view.locator('#endpoint').press('Escape');
    await view
      .locator('#json-input')
      .fill('{\n  "prompt": "four foxes",\n  "num_images": 4,\n  "num_inference_steps": 4\n}\n');
    await view.locator('#call').click();
    await view.locator('#gallery .image-grid img').nth(3).waitFor();
    await view.locator('#status', { hasText: 'completed' }).waitFor();
    await view.locator('#gallery .image-grid button.thumb').nth(1).click();
    await view.locator('#lightbox').waitFor();
    await workbench.page.waitForTimeout(300);
    await workbench.screenshot(path.join(dir, 'playground-gallery.png'));
    await view.locator('#lightbox-close').click();

    // A realtime session with its frame inspector.
    await workbench.pickCommand('fal: Open Realtime Session...');
    const realtimeInput = workbench.quickInput();
    await realtimeInput.input.fill('sandbox/echo');
    await realtimeInput.widget.locator('.monaco-list-row.focused', { hasText: 'sandbox/echo' }).waitFor();
    await realtimeInput.input.press('Enter');
    await view.locator('#rt-state[data-state="connected"]').waitFor({ timeout: 20_000 });
    await view.locator('#json-input').fill('{"prompt": "frame by frame", "strength": 0.5}');
    for (let i = 0; i < 3; i++) {
      await view.locator('#call', { hasText: 'Send' }).click();
      await view.locator('#rt-results > li[data-state="answered"]').nth(i).waitFor();
    }
    await view.locator('#rt-frames > li').nth(5).waitFor();
    // The results' end and the inspector's first frames in view.
    await view.locator('#rt-frames').evaluate((frames) => {
      frames.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -240);
    });
    await workbench.screenshot(path.join(dir, 'playground-realtime.png'));
    await view.locator('vscode-radio.method[data-method="subscribe"]').click();

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

    // The same in a dark theme, and in high contrast.
    await workbench.chooseTheme('Dark Modern');
    await workbench.screenshot(path.join(dir, 'playground-dark.png'));

    await workbench.chooseTheme('Dark High Contrast');
    await view.locator('#schema-form').evaluate((form) => form.scrollIntoView());
    await workbench.screenshot(path.join(dir, 'playground-high-contrast.png'));
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
