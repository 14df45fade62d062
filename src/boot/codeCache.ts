// Loads a CommonJS bundle through V8's code cache, kept in a file beside it. Node's `require` compiles
// the extension's bundle anew in every window (20-45 ms of its activation on the bench's machine), and
// VS Code keeps such a cache for its own code only. With the cache, V8 skips most of the compile, and
// the functions the activation compiled come from it too.
// Guarded three ways: the cache file starts with the bundle's content hash (V8 itself checks only the
// source's length, its own version and its flags), then its data's own hash (V8 release builds do not
// check the data: a damaged cache can crash the process, and so every window after); and it is kept only
// in the bundle's own folder, because cached bytecode runs as code: it may come only from where the code
// itself comes from. With a debugger attached the bundle is required as usual, as the debugger expects.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * How a load went with the cache: used, none yet, made for another bundle, damaged (its data not what
 * was written), refused by V8 (another V8 or other flags), or not tried (a debugger is attached).
 */
export type CodeCacheState = 'used' | 'missing' | 'stale' | 'damaged' | 'rejected' | 'debugging';

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

/**
 * Node's module wrapper, on the bundle's first line (no line offset: debuggers and source maps take a
 * script as starting on its first line): only columns of that line are off, by the wrapper's length.
 */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';
const HASH_BYTES = 32;
/** The file: the bundle's hash, the data's hash, the data. */
const HEADER_BYTES = 2 * HASH_BYTES;

/** The cache file of a bundle: beside it, named after it. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.v8cache`;
}

/** Whether the cache beside `bundle` was made from the bundle as it is now, whole (V8 may still refuse it). */
export function hasCodeCache(bundle: string): boolean {
  return readCache(codeCacheFile(bundle), hashOf(fs.readFileSync(bundle, 'utf8'))).data !== undefined;
}

function hashOf(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * Loads `bundle` as Node would (`require` is what its own `require` calls resolve with: pass the
 * entry module's, so `vscode` resolves for this extension) and runs its top level.
 */
export function loadWithCodeCache(bundle: string, require: NodeJS.Require): LoadedBundle {
  if (inspector.url() !== undefined) {
    return { exports: require(bundle) as unknown, cache: 'debugging', saveCache: async () => false };
  }
  const source = fs.readFileSync(bundle, 'utf8');
  const hash = hashOf(source);
  const cacheFile = codeCacheFile(bundle);
  const saved = readCache(cacheFile, hash);
  const script = new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, {
    filename: bundle,
    cachedData: saved.data,
  });
  const cache: CodeCacheState =
    saved.data === undefined ? saved.state : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
  return {
    exports: module.exports,
    cache,
    saveCache: () => writeCache(cacheFile, hash, script),
  };
}

/** The cache's data when it was written for the bundle of `hash` and is whole; else why not. */
function readCache(
  file: string,
  hash: Buffer,
): { data: Buffer; state?: undefined } | { data?: undefined; state: 'missing' | 'stale' | 'damaged' } {
  let saved: Buffer;
  try {
    saved = fs.readFileSync(file);
  } catch {
    return { state: 'missing' };
  }
  if (saved.length <= HEADER_BYTES || !hash.equals(saved.subarray(0, HASH_BYTES))) return { state: 'stale' };
  const data = saved.subarray(HEADER_BYTES);
  if (!hashOf(data).equals(saved.subarray(HASH_BYTES, HEADER_BYTES))) return { state: 'damaged' };
  return { data };
}

/**
 * Written to a file of its own, flushed to disk, and renamed into place: two windows saving at once,
 * or a machine stopping mid-write, leave the old cache or the new one whole.
 */
async function writeCache(file: string, hash: Buffer, script: vm.Script): Promise<boolean> {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    const handle = await fs.promises.open(temp, 'w');
    try {
      await handle.writeFile(Buffer.concat([hash, hashOf(data), data]));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
    return true;
  } catch {
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    return false;
  }
}
