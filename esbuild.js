// Builds every bundle the project ships or tests: the extension (Node, `vscode` external), the
// standalone protocol client `dist/fal.js`, the sandbox CLI, the webview bundles (browser: the
// playground, the image comparison), and with `--tests` the test bundles under `out/test`. `--watch` rebuilds on change; `--production` minifies.
// The webview bundle is minified in every build (it is what the page loads, in tests as shipped),
// and its size is printed after each build.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const withTests = process.argv.includes('--tests');

const WEBVIEW_BUNDLE = 'dist/webview/playground.js';

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // jsonc-parser's `main` is a UMD build that loads its parts with a require() esbuild cannot follow
  // (the bundle would fail with "Cannot find module './impl/format'"): bundle its ES module build.
  alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
};

/**
 * `vscode` as one shared namespace: esbuild turns each module's `import * as vscode from 'vscode'`
 * into its own copy of the API object's hundreds of properties (`__toESM(require('vscode'))`), 29
 * of them when the extension loads; through this one ES module re-exporting it, the copy is made once.
 */
const vscodeOnce = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once'
        ? { path: 'vscode', external: true }
        : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({
      contents: "export * from 'vscode';",
      loader: 'js',
    }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.bundle.js',
    external: ['vscode'],
    plugins: [vscodeOnce],
    // jsonc-parser's `main` is a UMD build that requires its parts by relative path at run time, which
    // a bundle cannot follow: bundle its ES module build. (Tests load packages from node_modules.)
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
    // Packages' ES module builds first, where they have one: only what is used is bundled (the
    // bundle's size is a target of `npm run bench`; @msgpack/msgpack's CommonJS build is whole).
    mainFields: ['module', 'main'],
  },
  // The extension's `main`: loads the bundle above through V8's code cache (src/boot/main.ts).
  { ...node, entryPoints: ['src/boot/main.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/fal/index.ts'], outfile: 'dist/fal.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/sandbox/cli.ts'], outfile: 'dist/sandbox.js', external: ['vscode'] },
  webview('src/webview/playground.ts', WEBVIEW_BUNDLE),
  webview('src/webview/imageCompare.ts', 'dist/webview/imageCompare.js'),
];

/** A page's bundle: browser, minified always. */
function webview(entry, outfile) {
  return {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    entryPoints: [entry],
    outfile,
  };
}

function listTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.ts'));
}

if (withTests) {
  // Start from an empty out/test, so a deleted or renamed test file does not keep running.
  fs.rmSync('out/test', { recursive: true, force: true });
  // Test files are bundled one by one, with their own imports of src/ inlined, so each runs as is in
  // plain Node or in the extension host; packages stay external and load from node_modules.
  builds.push({
    ...node,
    sourcemap: 'inline',
    entryPoints: [
      ...listTests('test/unit'),
      ...listTests('test/webview'),
      ...listTests('test/integration'),
      ...listTests('test/e2e'),
    ],
    outbase: 'test',
    outdir: 'out/test',
    packages: 'external',
    external: ['vscode'],
  });
}

async function main() {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    console.log('[esbuild] watching for changes');
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  printWebviewSize();
}

/** Prints the webview bundle's size, e.g. `dist/webview/playground.js: 412.3 KB (minified: yes)`. */
function printWebviewSize() {
  const webview = builds.find((b) => b.outfile === WEBVIEW_BUNDLE);
  const kb = fs.statSync(WEBVIEW_BUNDLE).size / 1024;
  console.log(`${WEBVIEW_BUNDLE}: ${kb.toFixed(1)} KB (minified: ${webview.minify ? 'yes' : 'no'})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
