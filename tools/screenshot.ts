// `npx tsx tools/screenshot.ts URL OUT.png`: the README's screenshot of a running `npm start`
// workbench, with the fal sidebar open and the fal output channel shown.
import { launchBrowser } from './vscode-host/browser';

async function main(url: string, out: string): Promise<void> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await page.goto(url);
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar .action-item a[aria-label^="fal"]').first().click();
    await page.locator('.welcome-view-content').waitFor();
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>fal: Show Output');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'fal: Show Output' })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1500);
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
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
