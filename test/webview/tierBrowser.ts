// One headless Chromium for the whole webview tier. Each page opens in a browser context of its
// own (its own storage, cache and permissions, as a browser of its own would give it); a context
// takes ~0.4 s to open where launching and closing a browser per test took ~1 s more, most of the
// tier's time (~150 s for ~50 tests, ~30 s of it in the tests themselves).
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../../tools/vscode-host/browser';
import { ensureDebianPackages } from '../../tools/vscode-host/codeServer';

let browser: Promise<Browser> | undefined;

/** A new context of the tier's browser, launched on first use; the caller closes the context. */
export async function newContext(): Promise<BrowserContext> {
  browser ??= (async () => {
    ensureDebianPackages();
    return launchBrowser();
  })();
  return (await browser).newContext();
}

/** Closes the tier's browser, if it was launched (the tier's runner calls this once at the end). */
export async function closeTierBrowser(): Promise<void> {
  const launched = browser;
  browser = undefined;
  if (launched) await (await launched).close();
}
