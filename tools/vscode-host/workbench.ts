// A real workbench shown in headless Chromium, for the UI tests and the README's screenshot: either a
// code-server of its own with this repo loaded as a development extension, or one already running
// (`npm start`). Offers the moves a person makes (command palette, activity bar, views), screenshots,
// and a page reload to split a scenario into phases.
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotDir, tempWorkspace } from './browser';
import { startCodeServer, type RunningCodeServer } from './codeServer';

export class Workbench {
  /** The workspace folder `open` made, on this machine's disk. */
  folder: string | undefined;

  private constructor(
    /** The code-server this workbench started, if it started one. */
    private readonly server: RunningCodeServer | undefined,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  /**
   * Starts a code-server of its own and opens a new workspace holding `files`; `env` reaches the
   * extension host (e.g. FAL_SANDBOX_URL, to point the extension at a sandbox that outlives a reload).
   */
  static async open(
    options: {
      files?: Record<string, string | Uint8Array>;
      env?: NodeJS.ProcessEnv;
      /** Workspace trust on: the new folder opens untrusted, in Restricted Mode. */
      untrusted?: boolean;
    } = {},
  ): Promise<Workbench> {
    const files = options.files ?? { 'README.md': '# e2e workspace\n' };
    const server = await startCodeServer({ env: options.env, workspaceTrust: options.untrusted });
    const folder = tempWorkspace(files);
    const workbench = await Workbench.show(server.workbenchUrl({ folder }), server);
    workbench.folder = folder;
    return workbench;
  }

  /** Opens a workbench URL of a code-server already running. */
  static visit(url: string): Promise<Workbench> {
    return Workbench.show(url, undefined);
  }

  private static async show(url: string, server: RunningCodeServer | undefined): Promise<Workbench> {
    const browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const workbench = new Workbench(server, browser, page);
    await page.goto(url);
    await workbench.waitUntilReady();
    return workbench;
  }

  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.activitybar').waitFor({ timeout: 60_000 });
    // The fal icon appears once the extension's contributions are in, commands included: before that
    // the palette does not list them yet.
    await this.activityBarItem('fal').waitFor({ timeout: 60_000 });
    // After a reload the side bar comes back empty, and the container it showed before is restored only
    // once the extension host has registered its views. Until then a click on that container's icon
    // counts as a click on the active one and hides the side bar, so wait for the restore to finish.
    await this.page.waitForFunction(
      () => {
        const sidebar = document.querySelector<HTMLElement>('.part.sidebar');
        if (!sidebar || sidebar.getBoundingClientRect().width === 0) return true;
        const title = sidebar.querySelector<HTMLElement>('.composite.title');
        return (title?.innerText.trim() ?? '') !== '';
      },
      undefined,
      { timeout: 60_000 },
    );
  }

  /** Reloads the page, as a person pressing F5 in the browser (or "Developer: Reload Window"). */
  async reload(): Promise<void> {
    await this.page.reload();
    await this.waitUntilReady();
  }

  /**
   * Reloads with "Developer: Reload Window", as a VS Code user does: the workbench shuts down in order
   * and saves its state (open editors, webview state) first, which a bare page reload can outrun.
   */
  async reloadWindow(): Promise<void> {
    const loaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.pickCommand('Developer: Reload Window');
    await loaded;
    await this.waitUntilReady();
  }

  /** Runs a command from the palette by its title, e.g. "fal: Show Output", and waits for the palette to close. */
  async runCommand(title: string): Promise<void> {
    await this.pickCommand(title);
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Picks a command from the palette and returns at once, for commands that go on to ask something in
   * the same quick-input widget (`quickInput()`).
   */
  async pickCommand(title: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 600, y: 400 } });
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor();
    await input.press('Enter');
  }

  /** Opens a workspace file by its path with Quick Open (Ctrl+P), as a person would, and waits for its editor tab. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 600, y: 400 } });
    await this.page.keyboard.press('ControlOrMeta+P');
    const { input, widget } = this.quickInput();
    await input.waitFor();
    await input.fill(relativePath);
    await widget
      .locator('.monaco-list-row', { hasText: path.basename(relativePath) })
      .first()
      .waitFor();
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await this.page
      .locator('.tabs-container .tab.active', { hasText: path.basename(relativePath) })
      .waitFor();
  }

  /** The page inside the active webview (the playground), through VS Code's two webview iframes. */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /** The playground's JSON input as its editor shows it, line by line. */
  playgroundInputText(): Promise<string> {
    return this.webview()
      .locator('#json-input .cm-line')
      .evaluateAll((lines) => lines.map((l) => l.textContent).join('\n'));
  }

  /** Switches the colour theme with the theme picker (Ctrl+K Ctrl+T), as a person would. */
  async chooseTheme(name: string): Promise<void> {
    // Ctrl+K Ctrl+T: the theme picker (its palette title also matches the Marketplace browser).
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+T');
    const { input, widget } = this.quickInput();
    await input.waitFor();
    await input.fill(name);
    await widget.locator('.monaco-list-row', { hasText: name }).first().waitFor();
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await this.page.waitForTimeout(500); // the webviews take the new theme's variables
  }

  /** The quick-input widget (input boxes and pickers a command opens), with its text field and message. */
  quickInput() {
    const widget = this.page.locator('.quick-input-widget');
    return { widget, input: widget.locator('input'), message: widget.locator('.quick-input-message') };
  }

  /** Answers a fal call command's first question (which endpoint) with `endpointId`. */
  async chooseEndpoint(endpointId: string): Promise<void> {
    const { input, widget } = this.quickInput();
    await input.fill(endpointId);
    // The typed id, or the catalogue's entry for it, is the focused row.
    await widget.locator('.monaco-list-row.focused', { hasText: endpointId }).waitFor();
    await input.press('Enter');
    await widget.locator('.quick-input-message', { hasText: `JSON input for ${endpointId}` }).waitFor();
  }

  /** Answers a fal call command's second question (the JSON input) and waits for the box to close. */
  async enterJson(json: string): Promise<void> {
    const { input, message, widget } = this.quickInput();
    await input.fill(json);
    await message.filter({ hasText: 'JSON input for' }).waitFor();
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden' });
  }

  /** A notification toast whose text matches. */
  notification(text: string | RegExp) {
    return this.page.locator('.notification-toast', { hasText: text }).first();
  }

  /** The activity-bar entry of a view container, by its title. */
  activityBarItem(title: string) {
    return this.page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
  }

  /**
   * Shows a view container from the activity bar as a person would, by clicking its icon, but only when
   * it is not already the one shown: a second click would hide the side bar.
   */
  async showContainer(title: string): Promise<void> {
    const item = this.activityBarItem(title);
    await item.waitFor();
    const selected = this.page.locator('.activitybar .action-item.checked', {
      has: this.page.locator(`a[aria-label^="${title}"]`),
    });
    if ((await selected.count()) === 0) await item.click();
    await selected.waitFor();
  }

  /** Saves a screenshot: a bare name goes to the ignored screenshot folder, a path ending in .png as is. */
  async screenshot(name: string): Promise<string> {
    const file = name.endsWith('.png') ? name : path.join(screenshotDir(), `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Waits for `step`; when it fails, saves a screenshot named `name` first (to see why), then rethrows. */
  async orScreenshot<T>(name: string, step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (err) {
      await this.screenshot(name);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server?.close();
  }
}
