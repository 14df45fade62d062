// What the page may load media from, read from its own Content-Security-Policy (`img-src`), so
// previews are only drawn for URLs the CSP lets through; any other shows as its name, never as a
// broken image and a CSP violation. The host decides the list (src/common/mediaSources.ts).
import { cspAllows } from '../common/mediaSources';

let sources: string[] | undefined;

/** The page's `img-src` sources, as its meta CSP lists them. */
function imgSources(): string[] {
  if (!sources) {
    const csp =
      document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? '';
    const directive = csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .find(([name]) => name === 'img-src');
    sources = directive?.slice(1) ?? [];
  }
  return sources;
}

/** True when the page's CSP lets it load media from `url` (img-src and media-src list the same sources). */
export function pageMayLoad(url: string): boolean {
  return cspAllows(imgSources(), url);
}
