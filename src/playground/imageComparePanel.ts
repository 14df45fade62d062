// The image comparison panel (Compare Outputs on two outputs that both hold images): a webview with
// its own bundle (dist/webview/imageCompare.js) under the same strict CSP as the playground
// (playgroundHtml.ts), whose images load through the playground's media sources (a sandbox on this
// machine through `asExternalUri`'s mapping, fal's media hosts, the user's). The page computes the
// comparison on a canvas; when it may not read an image's pixels from its URL (another origin with no
// CORS header) it asks here, and the host fetches that image (only the URLs it sent, http(s), at
// most 50 MB) and answers with a data URL. One panel: a new comparison replaces the one shown.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RequestRecord } from '../common/callModel';
import type {
  CompareSide,
  ImageCompareHostMessage,
  ImageCompareWebviewMessage,
} from '../common/imageCompareProtocol';
import { playgroundHtml } from './playgroundHtml';
import { PageMediaSources } from './mediaSources';

export const IMAGE_COMPARE_VIEW_TYPE = 'fal.imageCompare';
/** The largest image the host fetches for the page. */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

/** One side: a record, its name and its output. */
export interface CompareInput {
  readonly record: RequestRecord;
  readonly label: string;
  readonly output: unknown;
}

export type ComparedResult = Extract<ImageCompareWebviewMessage, { type: 'compared' | 'failed' }>;

export class ImageComparePanel implements vscode.Disposable {
  private static current: ImageComparePanel | undefined;
  private readonly media = new PageMediaSources();
  private readonly disposables: vscode.Disposable[] = [];
  private message: Extract<ImageCompareHostMessage, { type: 'compare' }> | undefined;
  /** The URLs the page may ask the host to fetch (those of the images sent). */
  private urls = new Set<string>();
  private readonly results = new vscode.EventEmitter<ComparedResult>();
  /** What the page computed, as it tells it (tests wait on it). */
  readonly onDidCompare = this.results.event;
  private last: ComparedResult | undefined;

  /** The panel shown now, if any. */
  static get open(): ImageComparePanel | undefined {
    return ImageComparePanel.current;
  }

  /** Shows the comparison of two outputs' images, beside the active editor. */
  static async show(
    extensionUri: vscode.Uri,
    left: CompareInput,
    right: CompareInput,
  ): Promise<ImageComparePanel> {
    let shown = ImageComparePanel.current;
    if (!shown) {
      const panel = vscode.window.createWebviewPanel(
        IMAGE_COMPARE_VIEW_TYPE,
        'Compare Images',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        {
          enableScripts: true,
          localResourceRoots: [
            vscode.Uri.joinPath(extensionUri, 'media'),
            vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
          ],
        },
      );
      shown = new ImageComparePanel(panel, extensionUri);
    }
    await shown.compare(left, right);
    return shown;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
  ) {
    ImageComparePanel.current = this;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: ImageCompareWebviewMessage) => this.receive(m)),
      this.media,
      this.results,
    );
  }

  /** The page's last result (percentage of differing pixels and the rest), for tests. */
  get lastResult(): ComparedResult | undefined {
    return this.last;
  }

  private async compare(left: CompareInput, right: CompareInput): Promise<void> {
    for (const { record } of [left, right]) {
      if (record.target.kind !== 'fal.ai') await this.media.prepare(record.target.url);
    }
    const side = async ({ label, output }: CompareInput): Promise<CompareSide> => ({
      label,
      images: (await this.media.viewsOf(output)).filter((m) => m.kind === 'image'),
    });
    const message = { type: 'compare' as const, left: await side(left), right: await side(right) };
    this.message = message;
    this.urls = new Set([...message.left.images, ...message.right.images].map((m) => m.url));
    this.last = undefined;
    this.panel.title = `Compare Images: ${left.label} ↔ ${right.label}`;
    // A fresh page each time: its CSP lists the media sources known now, and it asks for the message.
    this.render();
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  private render(): void {
    const webview = this.panel.webview;
    const uri = (...parts: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...parts)).toString();
    webview.html = playgroundHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: uri('dist', 'webview', 'imageCompare.js'),
      styleUri: uri('media', 'imageCompare.css'),
      mediaSources: this.media.cspSources(webview.cspSource),
      title: 'Compare Images',
    });
  }

  private receive(message: ImageCompareWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        if (this.message) void this.post(this.message);
        return;
      case 'fetchImage':
        void this.fetchImage(message.url);
        return;
      case 'compared':
      case 'failed':
        this.last = message;
        this.results.fire(message);
        return;
    }
  }

  private async fetchImage(url: string): Promise<void> {
    try {
      if (!this.urls.has(url) || !/^https?:\/\//i.test(url))
        throw new Error('not an image of this comparison');
      const reply = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
      if (Number(reply.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES)
        throw new Error('larger than 50 MB');
      const bytes = Buffer.from(await reply.arrayBuffer());
      if (bytes.length > MAX_IMAGE_BYTES) throw new Error('larger than 50 MB');
      const type = (reply.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!type.startsWith('image/')) throw new Error(`it is not an image (${type || 'no content type'})`);
      await this.post({ type: 'imageData', url, dataUrl: `data:${type};base64,${bytes.toString('base64')}` });
    } catch (err) {
      await this.post({ type: 'imageData', url, error: (err as Error).message });
    }
  }

  private post(message: ImageCompareHostMessage): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (ImageComparePanel.current === this) ImageComparePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
