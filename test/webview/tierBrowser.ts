// One headless Chromium for the whole webview tier. Each page opens in a browser context of its own
// (its own storage, cache and permissions, as a browser of its own would give it): launching and
// closing a browser for each test cost ~1 s of the ~2.4 s it took to open a page (the tier took
// 156 s with a browser per test, 106 s with this).
import type { Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser } from '../../tools/vscode-host/browser';
import { ensureDebianPackages } from '../../tools/vscode-host/codeServer';

let browser: Promise<Browser> | undefined;

/** A new context of the tier's browser, launched on first use (again if it failed or went away). */
export async function newContext(): Promise<BrowserContext> {
  if (!browser) {
    const launching = (async () => {
      ensureDebianPackages();
      const launched = await launchBrowser();
      launched.on('disconnected', () => {
        if (browser === launching) browser = undefined;
      });
      return launched;
    })();
    browser = launching;
    launching.catch(() => {
      if (browser === launching) browser = undefined;
    });
  }
  return (await browser).newContext();
}

/** Closes the tier's browser, if one is running (the tier's runner calls this once at the end). */
export async function closeTierBrowser(): Promise<void> {
  const running = browser;
  browser = undefined;
  await (await running?.catch(() => undefined))?.close();
}

/**
 * `open(context)` with a new context; when it fails (the page did not load, say), the context and
 * the page's `server` are closed before the error goes on, so nothing of it outlives its test.
 */
export async function inNewContext<T>(
  server: Server,
  open: (context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await newContext();
  try {
    return await open(context);
  } catch (error) {
    await context.close().catch(() => {});
    server.close();
    throw error;
  }
}

/** Closes a page's context, then its server, whatever the first does. */
export async function closePage(context: BrowserContext, server: Server): Promise<void> {
  try {
    await context.close();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
