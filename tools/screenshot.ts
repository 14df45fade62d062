// `npx tsx tools/screenshot.ts URL OUT.png`: the README's screenshot of a running `npm start`
// workbench, with the fal sidebar open and the fal output channel shown.
import { Workbench } from './vscode-host/workbench';

async function main(url: string, out: string): Promise<void> {
  const workbench = await Workbench.visit(url);
  try {
    await workbench.showContainer('fal');
    await workbench.page.locator('.welcome-view-content').waitFor();
    await workbench.runCommand('fal: Show Output');
    await workbench.page.locator('.part.panel .view-lines', { hasText: 'activated' }).waitFor();
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
