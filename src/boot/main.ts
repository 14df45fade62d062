// The extension's `main` (dist/extension.js): loads the extension's bundle (dist/extension.bundle.js,
// built from src/extension.ts) through V8's code cache (codeCache.ts), and when it had no cache to use,
// writes one once the activation has settled, for the next window. Nothing else: this file is
// compiled without a cache on every load, so it stays small.
import * as path from 'node:path';
import { loadWithCodeCache } from './codeCache';

/** After the activation and what it first shows, so the cache holds the functions they compiled. */
const SAVE_CACHE_AFTER_MS = 5_000;

interface ExtensionModule {
  activate(context: unknown): unknown;
  deactivate(): unknown;
}

const bundle = loadWithCodeCache(path.join(__dirname, 'extension.bundle.js'), require);
const extension = bundle.exports as ExtensionModule;

/** How this load went with the cache (read by `npm run bench`). */
export const codeCacheState = bundle.cache;

export function activate(context: unknown): unknown {
  if (bundle.cache !== 'used') setTimeout(() => void bundle.saveCache(), SAVE_CACHE_AFTER_MS).unref();
  return extension.activate(context);
}

export function deactivate(): unknown {
  return extension.deactivate();
}
