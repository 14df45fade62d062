// The playground's host side: opens (or revives after a reload) the webview panel, answers its
// messages (calls through the same RequestRunner as the palette commands, example inputs from the
// endpoint's schema, cancel, open output, copy as code, save as a request file, set key), keeps it told about the call it
// started (with its estimated cost, timings and media, mapped by mediaSources.ts), saves its outputs
// (outputSaving.ts), tells it the endpoint's unit price, and saves its form and that call so both
// come back after a reload. It watches the call it shows (recordWatchers.ts): that call's
// end is seen here, so it raises no notification.
import type { FieldPath } from '../common/schemaForm';
import { copiedText, getOwnField, outputView } from '../common/outputPreview';
import { chooseFile, FileRefusedError, placeBytes, placeFile } from './playgroundFiles';
import type { EndpointSchemaSource } from '../connection/endpointSchemas';
import type { CatalogueEntry } from '../common/catalogueSearch';
import type { CatalogueModel } from '../fal/models';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { checkEndpointId } from '../common/endpointId';
import { copyAsCode } from '../snippets/copyAsCode';
import type { FalConnection } from '../connection/falConnection';
import type { EndpointPriceSource } from '../connection/endpointPrices';
import { describePrice, estimateCallCost } from '../common/costEstimate';
import { isFinal, type CallSpec, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';
import type { RecordWatchers } from '../requests/recordWatchers';
import { describeTarget, readTarget } from '../target';
import { describeState } from '../common/recordText';
import { StreamEvents, type ViewEvents } from '../common/streamEvents';
import { checkForm } from '../common/callForm';
import {
  EMPTY_FORM,
  type CallView,
  type FileMessage,
  type FieldError,
  type HostMessage,
  type PlaygroundForm,
  type WebviewMessage,
} from '../common/playgroundProtocol';
import type { JsonFile } from '../storage/jsonFile';
import { exampleInput } from './exampleInput';
import { playgroundHtml } from './playgroundHtml';
import { PageMediaSources } from './mediaSources';
import { saveAllOutputs, saveOneOutput } from './outputSaving';
import { callTimings } from '../common/callTimings';
import { RealtimeSession } from './realtimeSession';
import { DEFAULT_REALTIME_TIMEOUT_MS } from '../requests/realtimePool';
import { withoutLinks } from '../common/recordText';

export const PLAYGROUND_VIEW_TYPE = 'fal.playground';

export interface PlaygroundServices {
  readonly extensionUri: vscode.Uri;
  readonly connection: FalConnection;
  readonly store: RequestStore;
  readonly runner: RequestRunner;
  readonly output: vscode.LogOutputChannel;
  /** Who watches which record: the playground registers the call it shows. */
  readonly watchers: RecordWatchers;
  /** Where the playground's form and its last call are saved at every change. */
  readonly playgroundState: JsonFile<PlaygroundSaved>;
  /** Endpoint prices, shown beside the endpoint id and as a completed call's cost. */
  readonly prices?: EndpointPriceSource;
  /** Input schemas per target and endpoint, fetched once (the editor's checks, the form). */
  readonly schemas?: EndpointSchemaSource;
  /** How long a realtime send waits for its output ("fal.realtime.timeoutSeconds"), in ms; read per send. */
  readonly realtimeTimeoutMs?: () => number;
}

/** How long the endpoint id must stay unchanged before its price is asked for (typing). */
const PRICE_DEBOUNCE_MS = 300;

/** What the playground keeps across reloads and restarts: the form, and the call it showed last. */
export interface PlaygroundSaved {
  readonly form?: PlaygroundForm;
  readonly recordId?: string;
}

/** How long the first page waits for the target's media origin before it is shown anyway. */
const FIRST_RENDER_WAIT_MS = 3000;

/**
 * The longest a stream's new events wait before the page hears of them: a stream sends thousands
 * a second, and a post per event kept the page (and the window passing the messages on) busy for a
 * minute after a 10,000-event burst. The page is told at most this often, each post with all the
 * events since the last; any other change of the call (a new state, its end) is posted at once.
 */
export const STREAM_POST_MS = 50;

export class PlaygroundPanel implements vscode.Disposable {
  private static current: PlaygroundPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private saved: PlaygroundSaved;
  /** True from a call's message until the runner has its record: a second Call is refused meanwhile. */
  private starting = false;
  /** Uploads into fields in flight, by field path (JSON), so the page can cancel one. */
  private readonly uploads = new Map<string, AbortController>();
  /** The stream events of the call shown: the newest kept, each sent to the page once. */
  private readonly events = new StreamEvents();
  /** The last price message posted (for tests), and the endpoint id it is being asked for. */
  private lastPrice: Extract<HostMessage, { type: 'price' }> | undefined;
  private priceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last schema message posted (for tests). */
  private lastSchema: Extract<HostMessage, { type: 'schema' }> | undefined;
  private readonly fileLog: FileMessage[] = [];
  /** The registration of the record shown as watched. */
  private watching: vscode.Disposable | undefined;
  /** Where the page may load media from; its list is the CSP's `img-src`/`media-src`. */
  private readonly media = new PageMediaSources();
  /** The media sources of the page's current HTML, to tell when it must be rebuilt. */
  private htmlSources = '';
  /** Whether the page's HTML has been set (the first render waits for the media origin). */
  private rendered = false;
  /** Posts of the call in order (each waits for its media's mapped URLs). */
  private callPosts: Promise<void> = Promise.resolve();
  /** The last call message posted (for tests). */
  private lastCall: CallView | undefined;
  /** Set while a stream's events wait to be posted together (STREAM_POST_MS). */
  private streamPostTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** The realtime session (method realtime): its connection lives as long as the panel. */
  readonly realtime: RealtimeSession;

  /** Shows the playground, creating it when there is none. */
  static show(services: PlaygroundServices): PlaygroundPanel {
    if (PlaygroundPanel.current) {
      PlaygroundPanel.current.panel.reveal();
      return PlaygroundPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PLAYGROUND_VIEW_TYPE,
      'fal Playground',
      vscode.ViewColumn.Active,
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: PlaygroundPanel.resourceRoots(services),
      },
    );
    return new PlaygroundPanel(panel, services);
  }

  /** Shows the playground with `form` in it (the form typed there before is replaced). */
  static showWith(
    services: PlaygroundServices,
    form: PlaygroundForm,
    record?: RequestRecord,
  ): PlaygroundPanel {
    const existing = PlaygroundPanel.current;
    const panel = PlaygroundPanel.show(services);
    // A request opened from the Requests view shows its result (or its progress) with its call, so
    // the result beside the form is that call's, not the one before.
    panel.saved = { ...panel.saved, form, ...(record ? { recordId: record.id } : {}) };
    void panel.save();
    if (record) {
      panel.events.clear();
      panel.watchShown();
    }
    // A new panel gets the form and the call with its first messages ('init'); an open one now.
    if (existing) {
      panel.post({ type: 'form', form });
      panel.askPrice(form.endpointId);
      if (record) panel.onRecordChange(record);
    }
    return panel;
  }

  /**
   * Shows the playground in realtime mode on `endpointId` (fal.realtime), connected. Its input: `input`
   * when given, else the playground's own when it is on the same endpoint, else `fallback`, else {}.
   */
  static async openRealtime(
    services: PlaygroundServices,
    endpointId: string,
    inputs: { readonly input?: string; readonly fallback?: string } = {},
  ): Promise<PlaygroundPanel> {
    const form = PlaygroundPanel.current?.saved.form ?? services.playgroundState.read()?.form ?? EMPTY_FORM;
    const own = form.endpointId === endpointId ? form.inputText : undefined;
    const panel = PlaygroundPanel.showWith(services, {
      ...form,
      endpointId,
      method: 'realtime',
      inputText: inputs.input ?? own ?? inputs.fallback ?? '{}\n',
    });
    await panel.realtime.connect(endpointId);
    return panel;
  }

  /** Registers the serializer that brings the panel back, with its form, after a reload. */
  static registerSerializer(services: PlaygroundServices): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(PLAYGROUND_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        panel.webview.options = {
          enableScripts: true,
          localResourceRoots: PlaygroundPanel.resourceRoots(services),
        };
        new PlaygroundPanel(panel, services);
      },
    });
  }

  /** The form as last saved (what the page shows, or will show once it loads). */
  get form(): PlaygroundForm | undefined {
    return this.saved.form;
  }

  /** The price shown beside the endpoint id ("$0.025 / image"), for tests. */
  get price(): { readonly endpointId: string; readonly price?: string } | undefined {
    return this.lastPrice;
  }

  /** The input schema the page's JSON editor was last given, for tests. */
  get schema(): Extract<HostMessage, { type: 'schema' }> | undefined {
    return this.lastSchema;
  }

  /** The last call the page was shown, as posted (for tests). */
  get shownCall(): CallView | undefined {
    return this.lastCall;
  }

  /** The file messages posted to the page, oldest first (for tests). */
  get fileMessages(): readonly FileMessage[] {
    return this.fileLog;
  }

  /** The open playground, for tests. */
  static get open(): PlaygroundPanel | undefined {
    return PlaygroundPanel.current;
  }

  private static resourceRoots(services: PlaygroundServices): vscode.Uri[] {
    return [
      vscode.Uri.joinPath(services.extensionUri, 'media'),
      vscode.Uri.joinPath(services.extensionUri, 'dist', 'webview'),
    ];
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: PlaygroundServices,
  ) {
    PlaygroundPanel.current = this;
    this.saved = services.playgroundState.read() ?? {};
    this.realtime = new RealtimeSession({
      connection: () => services.connection.get(),
      runner: services.runner,
      timeoutMs: services.realtimeTimeoutMs ?? (() => DEFAULT_REALTIME_TIMEOUT_MS),
      watchers: services.watchers,
      post: (message) => this.post(message),
    });
    this.watchShown();
    const webview = panel.webview;
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'fal.svg');
    void this.firstRender();
    // A sandbox at a URL is mapped before any media comes, so its first page's CSP has it.
    const sandboxUrl =
      vscode.workspace.getConfiguration('fal').get<string>('sandboxUrl') || process.env.FAL_SANDBOX_URL;
    void this.media.prepare(sandboxUrl).then(() => this.renderIfSourcesChanged());
    this.disposables.push(
      webview.onDidReceiveMessage((message: WebviewMessage) =>
        this.onMessage(message).catch((err: unknown) =>
          this.problem(err instanceof Error ? err.message : String(err)),
        ),
      ),
      panel.onDidDispose(() => this.dispose()),
      services.store.onDidChange((record) => {
        if (record && record.id === this.saved.recordId) this.onRecordChange(record);
      }),
      { dispose: () => clearTimeout(this.priceTimer) },
      { dispose: () => clearTimeout(this.streamPostTimer) },
      ...(services.prices
        ? [
            services.prices.onDidLearnPrice(({ endpointId }) => {
              const shown = this.saved.recordId ? services.store.get(this.saved.recordId) : undefined;
              // The record did not change: its stream event is not a new one.
              if (shown?.endpointId === endpointId) this.onRecordChange(shown, false);
            }),
          ]
        : []),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('fal'))
          this.post({ type: 'target', target: describeTarget(readTarget()) });
      }),
      this.media,
      // fal.mediaHosts changed: a page with the new CSP, which shows the call again.
      this.media.onDidChange(() => this.renderIfSourcesChanged()),
    );
  }

  /**
   * The first page waits (a moment at most) for the target's media origin to be mapped, so its CSP
   * lists it and the page is not rebuilt under someone already typing in it; the embedded sandbox
   * starts in about a second.
   */
  private async firstRender(): Promise<void> {
    const mapped = (async () => {
      const connection = await this.services.connection.get();
      if (connection.target.kind !== 'fal.ai') await this.media.prepare(connection.target.url);
    })().catch(() => undefined);
    await Promise.race([mapped, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]);
    if (!this.disposed && !this.rendered) this.render();
  }

  /** Sets the page's HTML: its bundle and stylesheet, a fresh nonce, the media sources known now. */
  private render(): void {
    this.rendered = true;
    const webview = this.panel.webview;
    const extensionUri = this.services.extensionUri;
    const mediaSources = this.media.cspSources(webview.cspSource);
    this.htmlSources = mediaSources.join(' ');
    webview.html = playgroundHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview
        .asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'playground.js'))
        .toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'playground.css')).toString(),
      mediaSources,
    });
  }

  /**
   * Rebuilds the page when its CSP no longer lists the media sources known (a sandbox origin newly
   * mapped, fal.mediaHosts edited); the page reloads and gets its form and call again. True when it did.
   */
  private renderIfSourcesChanged(): boolean {
    if (
      this.disposed ||
      !this.rendered ||
      this.media.cspSources(this.panel.webview.cspSource).join(' ') === this.htmlSources
    )
      return false;
    this.render();
    return true;
  }

  /** Answers a message of the webview. */
  private async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A (re)loaded page has no events yet: the next post sends all those held.
        this.events.pageReloaded();
        {
          // init posts the form first; the realtime session (all of it, in one batch) right after.
          const initialised = this.init();
          this.realtime.replay();
          return initialised;
        }
      case 'form':
        if (message.form.endpointId !== this.saved.form?.endpointId) this.askPrice(message.form.endpointId);
        this.saved = { ...this.saved, form: message.form };
        await this.save();
        return;
      case 'example':
        return this.example(message.endpointId);
      case 'call':
        return this.call(message.form);
      case 'cancel': {
        const record = this.saved.recordId ? this.services.store.get(this.saved.recordId) : undefined;
        if (record)
          await this.services.runner.cancel(record).catch((err: Error) => this.problem(err.message));
        return;
      }
      case 'openOutput': {
        const record = this.saved.recordId ? this.services.store.get(this.saved.recordId) : undefined;
        if (record) await vscode.commands.executeCommand('fal.openResult', record.id);
        return;
      }
      case 'copyAsCode': {
        const call = this.checkedCall(message.form);
        if (typeof call === 'string') return this.problem(call);
        await copyAsCode(call);
        return;
      }
      case 'saveAsRequestFile': {
        const call = this.checkedCall(message.form);
        if (typeof call === 'string') return this.problem(call);
        // The request files' command (src/requestFiles), which the Requests view's menu runs too.
        await vscode.commands.executeCommand('fal.saveAsRequestFile', call);
        return;
      }
      case 'setApiKey':
        await vscode.commands.executeCommand('fal.setApiKey');
        return;
      case 'placeFile':
        return this.placeFileInto(message.path, message.uri ? vscode.Uri.parse(message.uri) : undefined, {
          inline: message.inline,
        });
      case 'placeFileData':
        return this.placeFileInto(message.path, undefined, {
          inline: message.inline,
          data: {
            bytes: Buffer.from(message.base64, 'base64'),
            name: message.name,
            contentType: message.contentType,
          },
        });
      case 'cancelFile':
        this.uploads.get(JSON.stringify(message.path))?.abort();
        return;
      case 'saveMedia':
      case 'saveAllOutputs':
        return this.saveOutputs(message.type === 'saveMedia' ? message : undefined);
      case 'copyOutputValue':
        await this.copyOutputValue(message.recordId, message.path);
        return;
      case 'copyText':
        await vscode.env.clipboard.writeText(message.text);
        void vscode.window.setStatusBarMessage(`Copied ${message.what}`, 3000);
        return;
      case 'openExternal':
        // Only web pages leave VS Code this way: a command:, file: or other URI from an output never does.
        if (/^https?:\/\//i.test(message.url))
          await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        else this.problem('Only http(s) URLs are opened outside VS Code; use Save for this file.');
        return;
      case 'allowMediaHost':
        if (!(await this.media.allow(message.host))) this.problem(`${message.host} is not a host name.`);
        return;
      case 'realtimeConnect': {
        const problem = checkEndpointId(message.endpointId);
        if (problem) return this.problem(problem);
        return this.realtime.connect(message.endpointId);
      }
      case 'realtimeDisconnect':
        return this.realtime.disconnect();
      case 'realtimeSend': {
        const problem = this.realtime.send(message.form);
        if (problem) this.problem(problem);
        return;
      }
      case 'realtimeCancel':
        return this.realtime.cancel(message.id);
      case 'realtimeOptions': {
        const problem = this.realtime.setOptions(message.options);
        if (problem) this.problem(problem);
        return;
      }
    }
  }

  /** Saves one media item of the call shown (`item`), or all of them; failures as error messages. */
  async saveOutputs(item?: { index: number; url: string }, to?: vscode.Uri): Promise<void> {
    const record = this.saved.recordId ? this.services.store.get(this.saved.recordId) : undefined;
    if (!record) return;
    try {
      const output = await this.services.store.output(record.id);
      if (item) await saveOneOutput(record, output, item.index, item.url, to);
      else await saveAllOutputs(record, output, to);
    } catch (err) {
      void vscode.window.showErrorMessage(withoutLinks((err as Error).message));
    }
  }

  /**
   * Puts a file into the field at `path`: `uri`, or one the user picks; the page is told the
   * progress, then the file's URL, or why not (the field stays as it was). Resolves when done.
   */
  async placeFileInto(
    path: FieldPath,
    uri: vscode.Uri | undefined,
    options: { inline?: boolean; data?: { bytes: Uint8Array; name: string; contentType: string } } = {},
  ) {
    const key = JSON.stringify(path);
    try {
      const chosen = options.data ? undefined : (uri ?? (await chooseFile('Choose a file for the field')));
      if (!chosen && !options.data) {
        this.post({ type: 'fileFailed', path, message: '' });
        return;
      }
      this.uploads.get(key)?.abort();
      const abort = new AbortController();
      this.uploads.set(key, abort);
      const connection = await this.services.connection.get();
      const place = {
        inline: options.inline,
        signal: abort.signal,
        onProgress: (sent: number, total: number) => this.post({ type: 'fileProgress', path, sent, total }),
      };
      const file = options.data
        ? await placeBytes(connection, options.data.bytes, options.data.name, options.data.contentType, place)
        : await placeFile(connection, chosen!, place);
      this.post({ type: 'filePlaced', path, file });
    } catch (err) {
      const message =
        err instanceof FileRefusedError
          ? err.message
          : err instanceof Error && err.name === 'AbortError'
            ? 'The upload was cancelled.'
            : `The file could not be put in: ${err instanceof Error ? err.message : String(err)}`;
      this.post({ type: 'fileFailed', path, message });
    } finally {
      this.uploads.delete(key);
    }
  }

  private async init(): Promise<void> {
    const recent = [...new Set(this.services.store.all().map((r) => r.endpointId))];
    this.post({
      type: 'init',
      target: describeTarget(readTarget()),
      form: this.saved.form,
    });
    this.post({ type: 'endpoints', recent });
    const last = this.saved.recordId ? this.services.store.get(this.saved.recordId) : undefined;
    if (last) this.onRecordChange(last);
    try {
      const connection = await this.services.connection.get();
      // The sandbox's media loads through its mapped origin, which the CSP must list: a new one
      // rebuilds the page, whose own init goes on from here.
      if (connection.target.kind !== 'fal.ai') {
        await this.media.prepare(connection.target.url);
        if (this.renderIfSourcesChanged()) return;
      }
      this.post({ type: 'target', target: connection.description });
      void this.postPrice(this.saved.form?.endpointId ?? EMPTY_FORM.endpointId);
      void this.postSchema(this.saved.form?.endpointId ?? EMPTY_FORM.endpointId);
      const page = await connection.client.models.search('', { limit: 100 });
      this.post({
        type: 'endpoints',
        recent,
        // Thumbnails load as the call's media does: a sandbox's through its mapped origin, others' by the CSP.
        catalogue: await Promise.all(
          page.models.map(async (model) => {
            const entry = catalogueEntry(model);
            const thumbnailUrl = entry.thumbnailUrl && (await this.media.pageUrl(entry.thumbnailUrl));
            return { ...entry, thumbnailUrl: thumbnailUrl || undefined };
          }),
        ),
      });
    } catch (err) {
      // No key for fal.ai, or the catalogue is down: the form still takes any endpoint id.
      this.services.output.debug(
        `The catalogue could not be had: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  /** Asks for the price and the input schema of the endpoint id once it stays unchanged for a moment. */
  private askPrice(endpointId: string): void {
    clearTimeout(this.priceTimer);
    this.priceTimer = setTimeout(() => {
      void this.postPrice(endpointId);
      void this.postSchema(endpointId);
    }, PRICE_DEBOUNCE_MS);
  }

  /** Tells the page the endpoint's input schema, for its JSON editor (a message without one when there is none). */
  private async postSchema(endpointId: string): Promise<void> {
    let message: Extract<HostMessage, { type: 'schema' }> = { type: 'schema', endpointId };
    if (!checkEndpointId(endpointId) && this.services.schemas) {
      try {
        const { target } = await this.services.connection.get();
        const schema = await this.services.schemas.schema(target, endpointId);
        if (schema) message = { ...message, schema: schema.input };
      } catch {
        // No connection: the editor checks the JSON only.
      }
    }
    this.lastSchema = message;
    this.post(message);
  }

  /** Asks the page to call, as its Call button would (the Ctrl/Cmd+Enter keybinding). */
  requestCall(): void {
    this.post({ type: 'callRequested' });
  }

  /** Tells the page the endpoint's unit price at the current target (none known: no price). */
  private async postPrice(endpointId: string): Promise<void> {
    const prices = this.services.prices;
    if (!prices || checkEndpointId(endpointId)) {
      this.postPriceMessage({ type: 'price', endpointId });
      return;
    }
    try {
      const connection = await this.services.connection.get();
      const price = await prices.price(connection.target, endpointId);
      this.postPriceMessage({ type: 'price', endpointId, price: price && describePrice(price) });
    } catch {
      // No connection (no key for fal.ai): no price, and the call itself will say why.
      this.postPriceMessage({ type: 'price', endpointId });
    }
  }

  private postPriceMessage(message: Extract<HostMessage, { type: 'price' }>): void {
    this.lastPrice = message;
    this.post(message);
  }

  private async example(endpointId: string): Promise<void> {
    const idProblem = checkEndpointId(endpointId);
    if (idProblem) return this.problem(idProblem);
    try {
      const connection = await this.services.connection.get();
      const schema = await connection.client.schema(endpointId);
      const { input, fields } = exampleInput(schema);
      this.post({ type: 'example', endpointId, inputText: `${JSON.stringify(input, null, 2)}\n`, fields });
    } catch (err) {
      this.problem(`No schema for ${endpointId}: ${(err as Error).message}`);
    }
  }

  /** The call the form describes, checked as the page checks it (one checkForm); or what is wrong with it. */
  private checkedCall(form: PlaygroundForm): CallSpec | string {
    const checked = checkForm(form);
    return checked.call ?? checked.first;
  }

  private async call(form: PlaygroundForm): Promise<void> {
    const call = this.checkedCall(form);
    if (typeof call === 'string') return this.problem(call);
    const current = this.saved.recordId ? this.services.store.get(this.saved.recordId) : undefined;
    if (this.starting || (current && !isFinal(current) && current.method !== 'submit')) {
      return this.problem('A call is still running here; cancel it first, or wait for it.');
    }
    this.starting = true;
    try {
      // Shown (and watched) from its first moment, so even a call that fails at once raises no notification.
      const { record } = await this.services.runner.start(call, {
        onRecord: (created) => {
          this.saved = { ...this.saved, recordId: created.id };
          this.watchShown();
        },
      });
      void this.save();
      this.events.clear();
      this.onRecordChange(record);
    } catch (err) {
      this.problem((err as Error).message);
    } finally {
      this.starting = false;
    }
  }

  /**
   * Shows the record again; `changed` false when only something else changed (its price came). The
   * posts keep their order while each waits for its media's mapped URLs; media from a sandbox origin
   * the page's CSP does not list yet rebuilds the page (which is then shown the record afresh).
   */
  private onRecordChange(record: RequestRecord, changed = true): void {
    if (changed && record.method === 'stream' && record.output !== undefined && !isFinal(record)) {
      this.events.add(record.output);
      // Posted with the events that come within STREAM_POST_MS, as the record is then.
      this.streamPostTimer ??= setTimeout(() => {
        this.streamPostTimer = undefined;
        const now = this.saved.recordId === record.id ? this.services.store.get(record.id) : undefined;
        if (now && !this.disposed) this.postCall(now);
      }, STREAM_POST_MS);
      return;
    }
    this.postCall(record);
  }

  /** Posts the call as `record` is now, with the stream events not sent yet (in order with the posts before). */
  private postCall(record: RequestRecord): void {
    clearTimeout(this.streamPostTimer);
    this.streamPostTimer = undefined;
    const events = this.events.take();
    this.callPosts = this.callPosts.then(async () => {
      // A record read back from disk (a reload, another window's call) keeps an output over 16 KB in a
      // file of its own: read, so the page shows it as it showed it before.
      const output =
        record.output === undefined && record.outputFile
          ? await this.services.store.output(record.id).catch(() => undefined)
          : record.output;
      const shown = output === record.output ? record : { ...record, output };
      const view = toCallView(shown, events, this.costText(shown));
      const media = await this.media.viewsOf(output).catch(() => []);
      if (this.renderIfSourcesChanged()) return;
      const call = media.length ? { ...view, media } : view;
      this.lastCall = call;
      this.post({ type: 'call', call });
    });
  }

  /**
   * Puts the value at `path` of the output of the record `recordId` (the call the page shows) on the
   * clipboard, whole (the page has only a preview): a string as itself, anything else as indented
   * JSON. False, saying why, when there is no such value.
   */
  async copyOutputValue(recordId: string, path: FieldPath): Promise<boolean> {
    const value = getOwnField(await this.services.store.output(recordId), path);
    if (value === undefined) {
      this.problem('That value is no longer in the output: open output.json, or call again.');
      return false;
    }
    await vscode.env.clipboard.writeText(copiedText(value));
    void vscode.window.setStatusBarMessage('Copied the value', 3000);
    return true;
  }

  /** The estimated cost of a completed call, asking for its price the first time. */
  private costText(record: RequestRecord): string | undefined {
    const prices = this.services.prices;
    if (!prices || record.state !== 'COMPLETED' || record.error) return undefined;
    const price = prices.cached(record.target, record.endpointId);
    if (!price) {
      void prices.price(record.target, record.endpointId);
      return undefined;
    }
    return estimateCallCost(price, record.output)?.text;
  }

  /** Registers the record shown (if any) as watched, in place of the one before. */
  private watchShown(): void {
    this.watching?.dispose();
    this.watching = this.saved.recordId ? this.services.watchers.watch(this.saved.recordId) : undefined;
  }

  private save(): Promise<void> {
    return this.services.playgroundState.write(() => this.saved);
  }

  private problem(message: string): void {
    this.post({ type: 'problem', message });
  }

  private post(message: HostMessage): void {
    if (message.type === 'fileProgress' || message.type === 'filePlaced' || message.type === 'fileFailed')
      this.fileLog.push(message);
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.disposed = true;
    if (PlaygroundPanel.current === this) PlaygroundPanel.current = undefined;
    this.realtime.dispose();
    for (const upload of this.uploads.values()) upload.abort();
    this.watching?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** What the webview shows of a record. */
export function toCallView(
  record: RequestRecord,
  stream: ViewEvents = { events: [], from: 0, count: 0 },
  cost?: string,
): CallView {
  const fields: FieldError[] = Array.isArray(record.error?.detail)
    ? (record.error.detail as Array<{ loc?: unknown[]; msg?: unknown }>).map((d) => ({
        field: Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body').join('.') : '',
        message: String(d.msg ?? ''),
      }))
    : [];
  return {
    recordId: record.id,
    method: record.method,
    endpointId: record.endpointId,
    status: describeState(record),
    ...(record.state === 'IN_QUEUE'
      ? {
          queueWait: {
            state: record.state,
            createdAt: record.createdAt,
            queuePosition: record.queuePosition,
            queue: record.queue,
            platform: record.platform,
          },
        }
      : {}),
    running: !isFinal(record),
    requestId: record.requestId,
    logs: record.logs.map((l) => ({ level: l.level, message: l.message, timestamp: l.timestamp })),
    ...(record.method === 'stream'
      ? { events: stream.events, eventsFrom: stream.from, eventCount: stream.count }
      : {}),
    output: outputView(record.output),
    timings: callTimings(record, Date.now()),
    ...(cost ? { cost } : {}),
    error: record.error ? { message: record.error.message, hint: record.error.hint, fields } : undefined,
  };
}

/** What the endpoint picker shows of a catalogue model: strings only (server text, shown as text). */
function catalogueEntry(model: CatalogueModel): CatalogueEntry {
  const { display_name, category, tags, description, thumbnail_url } = model.metadata ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  return {
    endpointId: model.endpoint_id,
    displayName: text(display_name),
    category: text(category),
    tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : undefined,
    description: text(description),
    thumbnailUrl: text(thumbnail_url),
  };
}

/** The playground form that makes the same call as a record (or a request file's call). */
export function formOf(record: CallSpec): PlaygroundForm {
  return {
    endpointId: record.endpointId,
    method: record.method,
    inputText: `${JSON.stringify(record.input, null, 2)}\n`,
    platform: record.platform ?? {},
    headersText: Object.entries(record.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
    ...(record.webhookUrl ? { webhookUrl: record.webhookUrl } : {}),
  };
}
