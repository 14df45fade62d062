// The extension's bundle loads through V8's code cache (src/boot/codeCache.ts): the cache is used
// when it was made from the same bundle, set aside when the bundle changed even at the same length
// (V8 checks only the length) or when its data is damaged (V8 does not check it), refused by V8 when
// not its data, and never in the way of the load.
// Each load runs in a process of its own, as each window's extension host does: within one process
// V8 reuses what it compiled from the same source and would take any cache, good or bad.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasCodeCache } from '../../src/boot/codeCache';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

const root = repoRoot();
const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Load {
  cache: string;
  saved?: boolean;
  exports: { answer: number; self: boolean; file: string; dir: string; fromRequire: unknown; stack: string };
}

const bundleText = (answer: number) =>
  [
    `'use strict';`,
    `const fromRequire = require('virtual');`,
    `const stack = new Error('here').stack;`,
    `module.exports = { answer: ${answer}, self: this === exports, file: __filename, dir: __dirname, fromRequire, stack };`,
    '',
  ].join('\n');

/** Loads the bundle in a new process (optionally saving the cache after), as the extension's main does. */
const childScript = (loader: string) => `
import { loadWithCodeCache } from ${JSON.stringify(loader)};
// The require the bundle gets: the entry module's in the extension; here one that also answers 'virtual'.
const answering = ((id: string) => (id === 'virtual' ? { virtual: true } : require(id))) as NodeJS.Require;
const loaded = loadWithCodeCache(process.argv[2], answering);
void (async () => {
  const saved = process.argv[3] === 'save' ? await loaded.saveCache() : undefined;
  console.log(JSON.stringify({ cache: loaded.cache, saved, exports: loaded.exports }));
})();
`;

describe('code cache (the extension bundle loader)', function () {
  this.timeout(60_000);
  let dir: string;
  let bundle: string;
  let child: string;
  const cacheFile = () => `${bundle}.v8cache`;

  function load(save?: 'save'): Load {
    const result = spawnSync(process.execPath, [tsx, child, bundle, ...(save ? [save] : [])], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    return JSON.parse(result.stdout) as Load;
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-code-cache-'));
    bundle = path.join(dir, 'extension.bundle.js');
    child = path.join(dir, 'load.ts');
    fs.writeFileSync(bundle, bundleText(42));
    fs.writeFileSync(child, childScript(path.join(root, 'src', 'boot', 'codeCache.ts')));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads the bundle as Node would: its exports, this, __filename, __dirname, require, line numbers', () => {
    const { exports } = load();
    assert.equal(exports.answer, 42);
    assert.equal(exports.self, true);
    assert.equal(exports.file, bundle);
    assert.equal(exports.dir, dir);
    assert.deepEqual(exports.fromRequire, { virtual: true });
    assert.match(exports.stack, new RegExp(`${path.basename(bundle)}:3:`));
  });

  it('has no cache at first, saves one beside the bundle keyed by its hash, and the next load uses it', () => {
    assert.equal(hasCodeCache(bundle), false);
    const first = load('save');
    assert.equal(first.cache, 'missing');
    assert.equal(hasCodeCache(bundle), true);
    assert.equal(first.saved, true);
    const saved = fs.readFileSync(cacheFile());
    const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
    assert.deepEqual(saved.subarray(0, 32), sha256(bundleText(42)), "the bundle's hash");
    assert.ok(saved.length > 64);
    assert.deepEqual(saved.subarray(32, 64), sha256(saved.subarray(64)), "the data's hash");
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'extension.bundle.js',
      'extension.bundle.js.v8cache',
      'load.ts',
    ]);

    const second = load();
    assert.equal(second.cache, 'used');
    assert.equal(second.exports.answer, 42);
    assert.match(second.exports.stack, /extension\.bundle\.js:3:/);
  });

  it('sets the cache aside when the bundle changed, even at the same length', () => {
    load('save');
    fs.writeFileSync(bundle, bundleText(43)); // as long as before: V8 alone would take the old cache
    assert.equal(hasCodeCache(bundle), false);
    const changed = load('save');
    assert.equal(changed.cache, 'stale');
    assert.equal(changed.exports.answer, 43);
    assert.equal(changed.saved, true);
    assert.equal(load().cache, 'used');
  });

  it('loads without it when its data is damaged (V8 would run it, or crash)', () => {
    load('save');
    const saved = fs.readFileSync(cacheFile());
    const middle = 64 + ((saved.length - 64) >> 1);
    saved[middle] ^= 0xff; // one byte of the data, its hashes kept
    fs.writeFileSync(cacheFile(), saved);
    const loaded = load('save');
    assert.equal(loaded.cache, 'damaged');
    assert.equal(loaded.exports.answer, 42);
    assert.equal(loaded.saved, true, 'written again');
    assert.equal(load().cache, 'used');
  });

  it('loads without it when V8 refuses it (written whole, but not V8 data)', () => {
    load('save');
    const saved = fs.readFileSync(cacheFile());
    saved.fill(7, 64); // not what V8 writes, with the data's hash made to match
    createHash('sha256').update(saved.subarray(64)).digest().copy(saved, 32);
    fs.writeFileSync(cacheFile(), saved);
    const loaded = load();
    assert.equal(loaded.cache, 'rejected');
    assert.equal(loaded.exports.answer, 42);
  });

  it('loads, and saves nothing, where the cache cannot be written (no file left behind)', () => {
    fs.mkdirSync(path.join(cacheFile(), 'in-the-way'), { recursive: true });
    const loaded = load('save');
    assert.equal(loaded.cache, 'missing');
    assert.equal(loaded.exports.answer, 42);
    assert.equal(loaded.saved, false);
    assert.deepEqual(fs.readdirSync(dir).sort(), [
      'extension.bundle.js',
      'extension.bundle.js.v8cache',
      'load.ts',
    ]);
  });
});
