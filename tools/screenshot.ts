// `npx tsx tools/screenshot.ts URL OUT.png`: the README's screenshot of a running `npm start`
// workbench: a few calls made from the palette, the Requests view following them, an output
// document and the fal output channel.
import { Workbench } from './vscode-host/workbench';

async function main(url: string, out: string): Promise<void> {
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
    await workbench.screenshot(out);
  } finally {
    await workbench.close();
  }
}

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: npx tsx tools/screenshot.ts URL OUT.png');
  process.exit(2);
}
main(url, out).catch((err) => {
  console.error(err);
  process.exit(1);
});
