// Loads a CommonJS bundle through V8's code cache, kept in a file beside it. Node's `require` compiles
// the extension's bundle anew in every window (20-45 ms of its activation on the bench's machine), and
// VS Code keeps such a cache for its own code only. With the cache, V8 skips most of the compile, and
// the functions the activation compiled come from it too.
// Guarded two ways: the cache file starts with the bundle's content hash (V8 itself checks only the
// source's length, its own version and its flags), and it is kept only in the bundle's own folder,
// because cached bytecode runs as code: it may come only from where the code itself comes from.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';

/** How a load went with the cache: used, none yet, made for another bundle, or refused by V8. */
export type CodeCacheState = 'used' | 'missing' | 'stale' | 'rejected';

export interface LoadedBundle {
  /** What the bundle put in `module.exports`. */
  readonly exports: unknown;
  readonly cache: CodeCacheState;
  /**
   * Writes the cache, with every function compiled so far (call it once the bundle's first work is
   * done). Resolves false, and leaves things as they were, when it cannot be written.
   */
  saveCache(): Promise<boolean>;
}

/** Node's module wrapper, on a line of its own so the bundle's lines keep their numbers. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';
const HASH_BYTES = 32;

/** The cache file of a bundle: beside it, named after it. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.v8cache`;
}

/** Whether the cache beside `bundle` was made from the bundle as it is now (the next load's to use, V8 willing). */
export function hasCodeCache(bundle: string): boolean {
  const saved = readCache(codeCacheFile(bundle));
  return !!saved && contentHash(fs.readFileSync(bundle, 'utf8')).equals(saved.subarray(0, HASH_BYTES));
}

function contentHash(source: string): Buffer {
  return createHash('sha256').update(source).digest();
}

/**
 * Loads `bundle` as Node would (`require` is what its own `require` calls resolve with: pass the
 * entry module's, so `vscode` resolves for this extension) and runs its top level.
 */
export function loadWithCodeCache(bundle: string, require: NodeJS.Require): LoadedBundle {
  const source = fs.readFileSync(bundle, 'utf8');
  const hash = contentHash(source);
  const cacheFile = codeCacheFile(bundle);
  const saved = readCache(cacheFile);
  const cachedData =
    saved && hash.equals(saved.subarray(0, HASH_BYTES)) ? saved.subarray(HASH_BYTES) : undefined;
  const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
    filename: bundle,
    lineOffset: -1,
    cachedData,
  });
  const cache: CodeCacheState = !saved
    ? 'missing'
    : !cachedData
      ? 'stale'
      : script.cachedDataRejected
        ? 'rejected'
        : 'used';
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
  return {
    exports: module.exports,
    cache,
    saveCache: () => writeCache(cacheFile, hash, script),
  };
}

function readCache(file: string): Buffer | undefined {
  try {
    const data = fs.readFileSync(file);
    return data.length > HASH_BYTES ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a file of its own and renamed into place: two windows saving at once leave a whole cache. */
async function writeCache(file: string, hash: Buffer, script: vm.Script): Promise<boolean> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await fs.promises.writeFile(temp, Buffer.concat([hash, script.createCachedData()]));
    await fs.promises.rename(temp, file);
    return true;
  } catch {
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    return false;
  }
}
