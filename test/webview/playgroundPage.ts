// The playground page (or, with `open('imageCompare')`, the image comparison page) as the extension serves it (the same playgroundHtml, the built bundle and
// stylesheet, the same CSP), loaded in headless Chromium from a loopback server, with this test as
// its host: `acquireVsCodeApi` hands the page's messages and state to the test, and the test posts
// host messages to the page the way VS Code delivers them (a window `message` event).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { playgroundHtml } from '../../src/playground/playgroundHtml';
import type { HostMessage, PlaygroundForm, WebviewMessage } from '../../src/common/playgroundProtocol';
import { repoRoot } from '../../tools/vscode-host/repoRoot';
import { closePage, inNewContext } from './tierBrowser';

const FILES: Record<string, { file: string; type: string }> = {
  '/playground.js': { file: 'dist/webview/playground.js', type: 'text/javascript' },
  '/playground.css': { file: 'media/playground.css', type: 'text/css' },
  '/schemaForm.css': { file: 'media/schemaForm.css', type: 'text/css' },
  '/results.css': { file: 'media/results.css', type: 'text/css' },
  // Media for the result view's tests: a playable clip, and bytes that are no video at all.
  '/clip.webm': { file: 'test/webview/fixtures/clip.webm', type: 'video/webm' },
  '/not-a-video.mp4': { file: 'media/fal.svg', type: 'video/mp4' },
  '/realtimeSession.css': { file: 'media/realtimeSession.css', type: 'text/css' },
  '/imageCompare.js': { file: 'dist/webview/imageCompare.js', type: 'text/javascript' },
  '/imageCompare.css': { file: 'media/imageCompare.css', type: 'text/css' },
};

/** The pages this harness serves: each its own bundle and stylesheet in the same shell. */
export type PageBundle = 'playground' | 'imageCompare';

export class PlaygroundPage {
  private constructor(
    private readonly server: Server,
    private readonly context: BrowserContext,
    readonly page: Page,
    readonly url: string,
    /** CSP violations the page reported. */
    readonly violations: string[],
  ) {}

  static async open(bundle: PageBundle = 'playground'): Promise<PlaygroundPage> {
    const server = createServer((req, res) => {
      const origin = `http://${req.headers.host}`;
      if (req.url === '/' || req.url?.startsWith('/?')) {
        const html = playgroundHtml({
          cspSource: origin,
          nonce: randomBytes(16).toString('base64'),
          scriptUri: `${origin}/${bundle}.js`,
          styleUri: `${origin}/${bundle}.css`,
        });
        res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        return;
      }
      const served = FILES[req.url ?? ''];
      if (!served) return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': served.type })
        .end(fs.readFileSync(path.join(repoRoot(), served.file)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return inNewContext(server, async (context) => {
      const page = await context.newPage();
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      await page.addInitScript(() => {
        const w = window as unknown as {
          posted: unknown[];
          savedState: unknown;
          reportViolation(text: string): void;
          acquireVsCodeApi(): unknown;
        };
        w.posted = [];
        // The webview state outlives a reload, as VS Code keeps it: here, in sessionStorage.
        w.savedState = JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined;
        w.acquireVsCodeApi = () => ({
          postMessage: (m: unknown) => w.posted.push(m),
          getState: () => w.savedState,
          setState: (s: unknown) => {
            w.savedState = s;
            sessionStorage.setItem('state', JSON.stringify(s));
          },
        });
        document.addEventListener('securitypolicyviolation', (e) =>
          w.reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      await page.goto(url);
      const playground = new PlaygroundPage(server, context, page, url, violations);
      await playground.nextMessage('ready');
      return playground;
    });
  }

  /** Delivers a host message to the page. */
  async post(message: HostMessage): Promise<void> {
    await this.page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: m })), message);
  }

  /**
   * Replaces the JSON input's text as a person would: click in the editor, select all, and type the
   * text in one input (as a paste would; key by key, Enter would auto-indent).
   */
  async typeInput(text: string): Promise<void> {
    await this.page.locator('#json-input').click();
    await this.page.keyboard.press('ControlOrMeta+a');
    if (text === '') await this.page.keyboard.press('Delete');
    else await this.page.keyboard.insertText(text);
  }

  /** The JSON input's text as the editor shows it, line by line. */
  inputText(): Promise<string> {
    return this.page
      .locator('#json-input .cm-line')
      .evaluateAll((lines) => lines.map((l) => l.textContent).join('\n'));
  }

  /** The method chosen in the page's method group. */
  method(): Promise<string | undefined> {
    return this.page
      .locator('vscode-radio.method')
      .evaluateAll(
        (radios) =>
          (radios as Array<HTMLElement & { checked: boolean; value: string }>).find((r) => r.checked)?.value,
      );
  }

  /** Types an endpoint id in the picker's box and closes its list (Escape), as a person who knows the id does. */
  async setEndpoint(id: string): Promise<void> {
    await this.page.locator('#endpoint').fill(id);
    await this.page.keyboard.press('Escape');
  }

  /** Every message the page has posted so far. */
  posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { posted: WebviewMessage[] }).posted);
  }

  /** Waits for the page to post a message of `type`, and takes it (and those before it) off the list. */
  async nextMessage<T extends WebviewMessage['type']>(
    type: T,
  ): Promise<Extract<WebviewMessage, { type: T }>> {
    const handle = await this.page.waitForFunction((t) => {
      const w = window as unknown as { posted: Array<{ type: string }> };
      const at = w.posted.findIndex((m) => m.type === t);
      return at >= 0 ? w.posted.splice(0, at + 1)[at] : undefined;
    }, type);
    return (await handle.jsonValue()) as Extract<WebviewMessage, { type: T }>;
  }

  /** The form the page saved in its webview state. */
  savedState(): Promise<PlaygroundForm | undefined> {
    return this.page.evaluate(() => (window as unknown as { savedState?: PlaygroundForm }).savedState);
  }

  async reload(): Promise<void> {
    await this.page.reload();
    await this.nextMessage('ready');
  }

  async close(): Promise<void> {
    await closePage(this.context, this.server);
  }
}
