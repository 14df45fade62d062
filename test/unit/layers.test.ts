// The layers of src/ (.dependency-cruiser.cjs): the tree holds to them, and the check fails on a
// fixture that breaks them, so it cannot silently stop checking.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

const root = repoRoot();
const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

function cruise(cwd: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [cli, 'src', '--config', path.join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'],
    { cwd, encoding: 'utf8' },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('layers (dependency-cruiser)', function () {
  this.timeout(60_000);

  it('src/ imports only down its layers', () => {
    const { status, output } = cruise(root);
    assert.equal(status, 0, output);
  });

  it('fails on a tree with an upward import, a page importing the host, vscode in the client, Node in common', () => {
    const { status, output } = cruise(path.join(root, 'test', 'fixtures', 'layers'));
    assert.notEqual(status, 0, output);
    assert.match(output, /layer-common: src\/common\/upward\.ts → src\/requests\/runner\.ts/);
    assert.match(output, /webview-common-only: src\/webview\/page\.ts → src\/requests\/runner\.ts/);
    assert.match(output, /common-no-vscode: src\/fal\/client\.ts → \S*vscode/);
    assert.match(output, /common-no-editor-no-node: src\/common\/node\.ts → fs/);
  });
});
