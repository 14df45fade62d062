// Figure 7: the minified bundles as `npm run package` ships them (`esbuild.js --production`, which
// the bench runs first): the extension host's (its main and the bundle it loads) and the playground page's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Figure } from './report';

const KB = 1024;

export function bundleFigures(root: string): Figure[] {
  const size = (file: string) => fs.statSync(path.join(root, file)).size / KB;
  // The extension's main (src/boot) and the bundle it loads.
  const extension = size('dist/extension.js') + size('dist/extension.bundle.js');
  const webview = size('dist/webview/playground.js');
  return [
    {
      item: 7,
      name: 'extension bundle, minified (dist/extension.js + dist/extension.bundle.js)',
      unit: 'KB',
      ours: extension,
      target: '≤ 300 KB',
      met: extension <= 300,
    },
    {
      item: 7,
      name: 'webview bundle, minified (dist/webview/playground.js)',
      unit: 'KB',
      ours: webview,
      target: '≤ 800 KB',
      met: webview <= 800,
    },
  ];
}
