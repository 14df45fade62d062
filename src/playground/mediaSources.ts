// Where the playground page loads a call's media from, host side. A sandbox on this machine is
// reached through the URL VS Code maps its origin to (`env.asExternalUri`: the same URL on a desktop,
// code-server's `/proxy/<port>/` in a browser, a forwarded port over SSH), so media loads when VS Code
// runs remotely and the page never gets a loopback URL to load. Each mapped origin becomes a CSP
// source; fal's media hosts and those the user allowed (`fal.mediaHosts`) are loaded as they are, and
// any other host's media is sent as blocked, for the page to show as a card. The CSP changes when a
// new sandbox origin is mapped (the panel compares `cspSources` after each mapping) or the setting is
// edited (`onDidChange`); the panel then rebuilds its HTML.
import * as vscode from 'vscode';
import { Emitter, type Event } from '../common/emitter';
import {
  cspMediaSources,
  cspSourceOfBase,
  isLoopbackUrl,
  mediaHostsOf,
  mediaSourceOf,
  normalizeMediaHost,
} from '../common/mediaSources';
import { findOutputMedia } from '../common/outputMedia';
import type { MediaView } from '../common/playgroundProtocol';

export const MEDIA_HOSTS_SETTING = 'mediaHosts';

/**
 * Mapped base URL (ending in `/`) of each loopback origin asked for, and the CSP sources of those
 * VS Code answered: kept for the window's life, so a playground opened again knows them at once.
 */
const bases = new Map<string, Promise<string>>();
/**
 * The loopback origins of the sandboxes calls go to (`prepare`): only their media is mapped and loaded.
 * A loopback URL any other server put in an output stays foreign, so an output cannot make VS Code
 * forward a local port or widen the page's CSP to it.
 */
const sandboxOrigins = new Set<string>();
const localSources = new Set<string>();

export class PageMediaSources implements vscode.Disposable {
  private readonly changed = new Emitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  readonly onDidChange: Event<void> = this.changed.event;

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`fal.${MEDIA_HOSTS_SETTING}`)) this.changed.fire();
      }),
    );
  }

  /** The hosts the user allowed, as the setting holds them (invalid entries left out). */
  userHosts(): string[] {
    return mediaHostsOf(vscode.workspace.getConfiguration('fal').get<unknown>(MEDIA_HOSTS_SETTING));
  }

  /** The `img-src`/`media-src` sources for a page whose own source is `cspSource`. */
  cspSources(cspSource: string): string[] {
    return cspMediaSources(cspSource, [...localSources], this.userHosts());
  }

  /** Maps a sandbox's URL (its origin) ahead of any media, so the first page's CSP already allows it. */
  async prepare(url: string | undefined): Promise<void> {
    if (!url || !isLoopbackUrl(url)) return;
    const origin = new URL(url).origin;
    sandboxOrigins.add(origin);
    await this.mappedBase(origin);
  }

  /** The media of an output, each with the URL the page loads or the host it may not load from. */
  async viewsOf(output: unknown): Promise<MediaView[]> {
    const userHosts = this.userHosts();
    return Promise.all(
      findOutputMedia(output).map(async (media): Promise<MediaView> => {
        const { path, kind, url, contentType, name, size, width, height } = media;
        const view = { path, kind, url, contentType, name, size, width, height };
        const source = mediaSourceOf(url, userHosts);
        switch (source.kind) {
          case 'inline':
          case 'allowed':
            return { ...view, src: url };
          case 'local':
            if (sandboxOrigins.has(new URL(url).origin)) return { ...view, src: await this.localSrc(url) };
            return { ...view, blockedHost: new URL(url).host, canAllow: false };
          case 'foreign':
            // A wildcard in a URL's host (`https://*.com/…` parses) is never offered: it would allow a whole domain.
            return {
              ...view,
              blockedHost: source.host,
              canAllow: source.https && !source.host.includes('*'),
            };
        }
      }),
    );
  }

  /** The URL the page loads for an image URL (a catalogue thumbnail), or undefined when it may not. */
  async pageUrl(url: string): Promise<string | undefined> {
    const source = mediaSourceOf(url, this.userHosts());
    if (source.kind === 'foreign') return undefined;
    if (source.kind !== 'local') return url;
    return sandboxOrigins.has(new URL(url).origin) ? this.localSrc(url) : undefined;
  }

  /** A loopback sandbox's URL through its mapped origin. */
  private async localSrc(url: string): Promise<string> {
    const origin = new URL(url).origin;
    return (await this.mappedBase(origin)) + url.slice(origin.length + 1);
  }

  /** Adds a host to `fal.mediaHosts` (user settings); false when it is not a host name. */
  async allow(host: string): Promise<boolean> {
    const entry = normalizeMediaHost(host);
    // Wildcards only by hand in the settings: a button never allows a whole domain.
    if (!entry || entry.includes('*')) return false;
    const config = vscode.workspace.getConfiguration('fal');
    const current = mediaHostsOf(config.inspect<unknown>(MEDIA_HOSTS_SETTING)?.globalValue);
    if (!current.includes(entry))
      await config.update(MEDIA_HOSTS_SETTING, [...current, entry], vscode.ConfigurationTarget.Global);
    return true;
  }

  /** The base URL (ending in `/`) VS Code maps a loopback origin to; asked once per origin. */
  private mappedBase(origin: string): Promise<string> {
    let base = bases.get(origin);
    if (!base) {
      base = Promise.resolve(vscode.env.asExternalUri(vscode.Uri.parse(`${origin}/`))).then(
        (mapped) => this.allowBase(mapped.toString(true)),
        // No mapping (a failing resolver): the URL as it is, which works on a desktop.
        () => this.allowBase(`${origin}/`),
      );
      bases.set(origin, base);
    }
    return base;
  }

  /** Adds a mapped base's CSP source; returns the base ending in `/`. */
  private allowBase(mapped: string): string {
    const base = mapped.replace(/\/?$/, '/');
    const source = cspSourceOfBase(base);
    if (source) localSources.add(source);
    return base;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.changed.dispose();
  }
}
