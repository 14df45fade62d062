// Debian's Chromium, headless, driven by playwright-core: the browser that shows the workbench to
// the tests. Flags keep it from reaching for a network this machine does not have.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator } from 'playwright-core';
import { repoRoot } from './repoRoot';

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.FAL_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `No Chromium at ${executablePath}: install Debian's 'chromium' package or set FAL_CHROMIUM.`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Where UI tests save screenshots (ignored by git). */
export function screenshotDir(): string {
  const dir = path.join(repoRoot(), '.test-artifacts', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function tempWorkspace(files: Record<string, string | Uint8Array> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-workspace-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Waits until an <img> has loaded its picture; rejects, naming its src, when it cannot. */
export async function imageLoads(image: Locator): Promise<void> {
  await image.evaluate(
    (img) =>
      new Promise<void>((resolve, reject) => {
        const element = img as HTMLImageElement;
        if (element.complete && element.naturalWidth > 0) return resolve();
        element.addEventListener('load', () => resolve());
        element.addEventListener('error', () => reject(new Error(`image did not load: ${element.src}`)));
      }),
  );
}
