// The page of the extension's webviews (the playground; the image comparison with its own bundle and
// title): an empty shell whose only script is the bundled dist/webview/playground.js (or the
// page's own), under a strict Content-Security-Policy (scripts by nonce only; no
// inline styles or handlers, but for the JSON editor's <style> elements, which carry the same nonce;
// images and media only from the sources given: mediaSources.ts's list of the webview itself, data:
// and blob:, local sandboxes as VS Code maps them, fal's media hosts and the user's). No `vscode`
// import, so the webview tests build the very same page in Chromium.
import { cspMediaSources } from '../common/mediaSources';

export interface PlaygroundHtmlOptions {
  /** `webview.cspSource`: the origin the webview's own resources come from. */
  readonly cspSource: string;
  /** A fresh random value per page load. */
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /**
   * Every source images and media may come from (`cspMediaSources`); by default the webview's own,
   * data:, blob: and fal's media hosts.
   */
  readonly mediaSources?: readonly string[];
  /** The document's title; "fal Playground" by default. */
  readonly title?: string;
}

export function playgroundHtml(o: PlaygroundHtmlOptions): string {
  const media = (o.mediaSources ?? cspMediaSources(o.cspSource, [], [])).join(' ');
  const csp = [
    "default-src 'none'",
    // The nonce is for the <style> elements the JSON editor (CodeMirror) adds; nothing inline else.
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `script-src 'nonce-${o.nonce}'`,
    `img-src ${media}`,
    `media-src ${media}`,
    `font-src ${o.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(o.styleUri)}">
<title>${escapeText(o.title ?? 'fal Playground')}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${escapeAttribute(o.nonce)}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>
`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
