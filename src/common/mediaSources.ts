// Where the playground page may load media from, as one decision the host and the CSP share: data and
// blob URLs (realtime outputs, pasted thumbnails), a sandbox on this machine (loaded through its URL
// as VS Code maps it, `env.asExternalUri`), fal's media hosts, and the hosts the user allowed
// (`fal.mediaHosts`). Any other host's media is not loaded: the page shows a card naming the host.
// Pure, so the decision and the CSP text are unit-tested; the host does the mapping.
import { isLoopbackHostname } from './loopback';

/**
 * fal's media, as CSP sources: its CDN (`fal.media`, `v3.fal.media`, `v3b.fal.media`, ...) and the
 * Google Cloud Storage bucket fal's example outputs and older results are served from.
 */
export const FAL_MEDIA_SOURCES: readonly string[] = [
  'https://fal.media',
  'https://*.fal.media',
  'https://storage.googleapis.com/falserverless/',
];

/** A host entry of `fal.mediaHosts`: a host name, optionally `*.` for its subdomains, and a port. */
const HOST_ENTRY =
  /^(\*\.)?[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;

/**
 * The entry as kept in the setting (lower case, trimmed), or undefined when it is not a host: only
 * host names go into the CSP, so a value such as `x; script-src *` can never widen it.
 */
export function normalizeMediaHost(entry: unknown): string | undefined {
  if (typeof entry !== 'string') return undefined;
  const host = entry.trim().toLowerCase();
  return HOST_ENTRY.test(host) ? host : undefined;
}

/** The valid entries of a `fal.mediaHosts` value, without repeats. */
export function mediaHostsOf(setting: unknown): string[] {
  const list = Array.isArray(setting) ? setting : [];
  return [...new Set(list.map(normalizeMediaHost).filter((h): h is string => !!h))];
}

/** True for an http(s) URL of this machine (127.x.x.x, localhost, [::1]): a local sandbox's. */
export function isLoopbackUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return !!parsed && /^https?:$/.test(parsed.protocol) && isLoopbackHostname(parsed.hostname);
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Does a CSP-style host pattern (`fal.media`, `*.fal.media`, with an optional port) match? */
function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return host === pattern;
}

/** Does a CSP source (scheme://host[:port][/path/]) allow the URL? */
function sourceAllows(source: string, url: URL): boolean {
  const match = /^(https?):\/\/([^/]+)(\/.*)?$/.exec(source);
  if (!match || `${match[1]}:` !== url.protocol) return false;
  const [, , host, path] = match;
  const urlHost = host.includes(':') ? url.host : url.hostname;
  if (!hostMatches(host.toLowerCase(), urlHost.toLowerCase())) return false;
  if (!host.includes(':') && url.port) return false;
  return !path || (path.endsWith('/') ? url.pathname.startsWith(path) : url.pathname === path);
}

/**
 * Does a CSP source list (`img-src`'s) allow loading `url`? Scheme sources (`data:`, `blob:`,
 * `https:`) and host sources with `*.` and paths, as browsers match them; keywords allow nothing here.
 */
export function cspAllows(sources: readonly string[], url: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed) return false;
  return sources.some((source) =>
    /^[a-z][a-z0-9+.-]*:$/i.test(source)
      ? source.toLowerCase() === parsed.protocol
      : sourceAllows(source, parsed),
  );
}

/** How the page may show a media URL. */
export type MediaSource =
  /** A blob URL, or a data URL of an image, audio or video type: shown as it is. */
  | { readonly kind: 'inline' }
  /** A sandbox on this machine: shown through the URL VS Code maps it to. */
  | { readonly kind: 'local' }
  /** fal's media hosts, or one the user allowed: shown as it is. */
  | { readonly kind: 'allowed' }
  /** Any other host: not loaded; the page names the host (and offers to allow it when https). */
  | { readonly kind: 'foreign'; readonly host: string; readonly https: boolean };

/** Where a media URL comes from, given the hosts the user allowed (`fal.mediaHosts`, normalized). */
export function mediaSourceOf(url: string, userHosts: readonly string[]): MediaSource {
  // Only media data URLs: a data:text/html (or any other) one is never a source, whatever an output says.
  if (/^(data:(image|audio|video)\/|blob:)/i.test(url)) return { kind: 'inline' };
  if (isLoopbackUrl(url)) return { kind: 'local' };
  const parsed = parseUrl(url);
  const https = parsed?.protocol === 'https:';
  if (parsed && https) {
    if (cspAllows([...FAL_MEDIA_SOURCES, ...userHosts.map((h) => `https://${h}`)], url))
      return { kind: 'allowed' };
  }
  return { kind: 'foreign', host: parsed?.host || url.slice(0, 60), https };
}

/**
 * The CSP source a local sandbox's mapped base URL stands for: its origin, and its path when it has
 * one (`http://h:8080/proxy/41234/`), so the page can load that sandbox's files and nothing else
 * behind the same origin.
 */
export function cspSourceOfBase(mappedBase: string): string | undefined {
  const parsed = parseUrl(mappedBase);
  if (!parsed || !/^https?:$/.test(parsed.protocol)) return undefined;
  const path = parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/?$/, '/');
  const source = `${parsed.origin}${path}`;
  // A CSP source is one token: nothing that could end it or start another directive.
  return /[\s;,'"]/.test(source) ? undefined : source;
}

/** The `img-src`/`media-src` list: the webview's own source, data:, blob:, local sandboxes as mapped, fal, the user's. */
export function cspMediaSources(
  cspSource: string,
  localSources: readonly string[],
  userHosts: readonly string[],
): string[] {
  return [
    ...new Set([
      cspSource,
      'data:',
      'blob:',
      ...localSources,
      ...FAL_MEDIA_SOURCES,
      ...mediaHostsOf(userHosts).map((h) => `https://${h}`),
    ]),
  ];
}
