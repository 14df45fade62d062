// Runs the integration tier inside a real VS Code extension host: code-server serves the workbench,
// headless Chromium opens it with this repo as a development extension and out/test/integration as
// the tests, and the extension host's verdict (codeAutomationExit) becomes this process's exit code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeCacheFile } from '../../src/boot/codeCache';
import { launchBrowser, tempWorkspace } from './browser';
import { startCodeServer } from './codeServer';
import { repoRoot } from './repoRoot';

/** Lines the test runner in the extension host tags for us (see test/integration/index.ts). */
const TAG = '[fal-test] ';
const root = repoRoot();

async function main(): Promise<number> {
  // The window is a first one, with no code cache (src/boot): its test sees the cache written.
  fs.rmSync(codeCacheFile(path.join(root, 'dist', 'extension.bundle.js')), { force: true });
  const server = await startCodeServer({ env: { FAL_TEST_RESULT_FILE: process.env.FAL_TEST_RESULT_FILE } });
  console.log(`Integration tests run in VS Code ${server.version} (code-server at ${server.url})`);
  const workspace = tempWorkspace({ 'README.md': '# integration test workspace\n' });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (_level: string, message: string) => {
      for (const line of String(message).split('\n')) {
        const at = line.indexOf(TAG);
        if (at >= 0) console.log(line.slice(at + TAG.length));
      }
    });
    const timeoutMs = Number(process.env.FAL_INTEGRATION_TIMEOUT_MS ?? 300_000);
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.log(`The extension host gave no verdict within ${timeoutMs / 1000} s.`);
        resolve(1);
      }, timeoutMs).unref(),
    );
    await page.goto(
      server.workbenchUrl({
        folder: workspace,
        extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
      }),
    );
    return await Promise.race([exitCode, timeout]);
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
