// The schema form (src/webview/schemaFormView.ts) on a page served like the playground's (the same
// playgroundHtml, so the same CSP, with media/schemaForm.css as its stylesheet), in headless
// Chromium. Its script is test/webview/fixtures/schemaFormEntry.ts, bundled for the browser here
// with esbuild's API; the test mounts the form for a schema and reads what the form reported
// (`onChange` values, `onFileRequest` calls) and the CSP violations the page saw.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import type { FieldPath, JsonSchema, MediaKind } from '../../src/common/schemaForm';
import type { FileStatus, SchemaForm } from '../../src/webview/schemaFormView';
import { playgroundHtml } from '../../src/playground/playgroundHtml';
import { cspMediaSources } from '../../src/common/mediaSources';
import { repoRoot } from '../../tools/vscode-host/repoRoot';
import { closePage, inNewContext } from './tierBrowser';

interface PageWindow {
  changes: unknown[];
  fileRequests: { path: FieldPath; media: MediaKind }[];
  fileCancels: FieldPath[];
  fileData: { path: FieldPath; media: MediaKind; uris: string[]; files: string[] }[];
  mountForm(schema: JsonSchema, value: unknown): void;
  form?: SchemaForm;
}

/** The browser bundle of the test entry, built once per run. */
let bundle: Promise<string> | undefined;
function buildBundle(): Promise<string> {
  bundle ??= esbuild
    .build({
      entryPoints: [path.join(repoRoot(), 'test/webview/fixtures/schemaFormEntry.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      logLevel: 'silent',
    })
    .then((r) => r.outputFiles[0].text);
  return bundle;
}

export class SchemaFormPage {
  private constructor(
    private readonly server: Server,
    private readonly context: BrowserContext,
    readonly page: Page,
    /** CSP violations the page reported. */
    readonly violations: string[],
  ) {}

  /** `mediaOrigins`: sandboxes whose files the page may show, as the panel lists its sandbox's origin. */
  static async open(mediaOrigins: readonly string[] = []): Promise<SchemaFormPage> {
    const script = await buildBundle();
    const server = createServer((req, res) => {
      const origin = `http://${req.headers.host}`;
      if (req.url === '/') {
        const html = playgroundHtml({
          cspSource: origin,
          nonce: randomBytes(16).toString('base64'),
          scriptUri: `${origin}/schemaForm.js`,
          styleUri: `${origin}/schemaForm.css`,
          mediaSources: cspMediaSources(origin, mediaOrigins, []),
        });
        return void res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      }
      if (req.url === '/schemaForm.js')
        return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      if (req.url === '/schemaForm.css')
        return void res
          .writeHead(200, { 'content-type': 'text/css' })
          .end(fs.readFileSync(path.join(repoRoot(), 'media/schemaForm.css')));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return inNewContext(server, async (context) => {
      const page = await context.newPage();
      const violations: string[] = [];
      await page.exposeFunction('reportViolation', (text: string) => violations.push(text));
      await page.addInitScript(() => {
        const w = window as unknown as { reportViolation(text: string): void };
        document.addEventListener('securitypolicyviolation', (e) =>
          w.reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
        );
      });
      page.on('pageerror', (e) => violations.push(`page error: ${e.message}`));
      await page.goto(url);
      await page.waitForFunction(() => typeof (window as unknown as PageWindow).mountForm === 'function');
      return new SchemaFormPage(server, context, page, violations);
    });
  }

  /** Mounts the form for `schema` (an endpoint's input schema) showing `value`. */
  async mount(schema: JsonSchema, value: unknown = {}): Promise<void> {
    await this.page.evaluate(({ s, v }) => (window as unknown as PageWindow).mountForm(s, v), {
      s: schema,
      v: value,
    });
  }

  /** What the JSON editor would do: shows `value` in the form. */
  async setValue(value: unknown): Promise<void> {
    await this.page.evaluate((v) => (window as unknown as PageWindow).form!.setValue(v), value);
  }

  /** Every value `onChange` reported, oldest first. */
  changes(): Promise<unknown[]> {
    return this.page.evaluate(() => (window as unknown as PageWindow).changes);
  }

  /** The last value `onChange` reported. */
  async lastChange(): Promise<unknown> {
    const all = await this.changes();
    return all[all.length - 1];
  }

  /** What the host would do while uploading into the field at `path`. */
  async setFileStatus(path: FieldPath, status: FileStatus | undefined): Promise<void> {
    await this.page.evaluate(({ p, st }) => (window as unknown as PageWindow).form!.setFileStatus(p, st), {
      p: path,
      st: status,
    });
  }

  /** Each drop or paste of files the form handed on, files as `name type`. */
  fileData(): Promise<PageWindow['fileData']> {
    return this.page.evaluate(() => (window as unknown as PageWindow).fileData);
  }

  fileCancels(): Promise<FieldPath[]> {
    return this.page.evaluate(() => (window as unknown as PageWindow).fileCancels);
  }

  fileRequests(): Promise<PageWindow['fileRequests']> {
    return this.page.evaluate(() => (window as unknown as PageWindow).fileRequests);
  }

  /** The field drawn for `path` (e.g. `loras.0.scale`). */
  field(path: string) {
    return this.page.locator(`.sf-field[data-path="${path}"]`);
  }

  async close(): Promise<void> {
    await closePage(this.context, this.server);
  }
}
