// The layers of src/, checked by `npm test` (dependency-cruiser): each may import only from the layers
// before it, and freely within its own folder. Editor-free code sits at the bottom, editor glue on
// top, so the protocol client and the sandbox run in plain Node and the page bundles no host code.
//   common → fal, sandbox → storage, auth, target.ts, snippets → connection → requests
//          → views, playground → commands → requestFiles → extension.ts;   webview → common only;
//   boot (the extension's `main`, which loads the bundle of extension.ts by its path) → nothing of src/.
/** Each layer: the folders (or files) in it, below src/. */
const LAYERS = [
  ['common'],
  ['fal', 'sandbox'],
  ['storage', 'auth', 'target.ts', 'snippets'],
  ['connection'],
  ['requests'],
  ['views', 'playground'],
  ['commands'],
  ['requestFiles'],
  ['extension.ts', 'boot'],
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A path regex for one folder or file of src/. */
const unit = (name) => (name.endsWith('.ts') ? `^src/${escape(name)}$` : `^src/${escape(name)}/`);
const anyOf = (names) => names.map(unit).join('|');

const layerRules = LAYERS.flatMap((layer, rank) => {
  const notBelow = LAYERS.slice(rank).flat();
  return layer.flatMap((name) => {
    const forbidden = notBelow.filter((other) => other !== name);
    if (forbidden.length === 0) return [];
    return [
      {
        name: `layer-${name.replace(/\W/g, '-')}`,
        comment: `src/${name} may import only from the layers before it (and from itself).`,
        severity: 'error',
        from: { path: unit(name) },
        to: { path: anyOf(forbidden) },
      },
    ];
  });
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'webview-common-only',
      comment: 'The page bundle imports src/common and its own folder only.',
      severity: 'error',
      from: { path: '^src/webview/' },
      to: { path: '^src/', pathNot: '^src/(common|webview)/' },
    },
    {
      name: 'boot-alone',
      comment:
        'The loader of the bundle imports nothing of src/: it would be compiled twice, once without the code cache.',
      severity: 'error',
      from: { path: '^src/boot/' },
      to: { path: '^src/', pathNot: '^src/boot/' },
    },
    {
      name: 'common-no-editor-no-node',
      comment: 'src/common runs in the page too: neither vscode nor Node built-ins.',
      severity: 'error',
      from: { path: '^src/common/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'common-no-vscode',
      severity: 'error',
      from: { path: '^src/(common|fal|sandbox|webview|boot)/' },
      to: { path: '^vscode$|(^|/)node_modules/@types/vscode/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(node_modules|dist|out)/' },
  },
};
