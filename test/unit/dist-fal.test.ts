// dist/fal.js is the protocol client on its own: it loads in plain Node from a folder with no
// node_modules (so no `vscode`, nor anything else, is in reach) and exports createFalClient.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

describe('dist/fal.js (standalone client bundle)', () => {
  it('loads alone in plain Node and exports createFalClient, with no vscode anywhere', () => {
    const bundle = path.join(repoRoot(), 'dist', 'fal.js');
    assert.ok(fs.existsSync(bundle), 'dist/fal.js is missing: the build did not make it');
    const text = fs.readFileSync(bundle, 'utf8');
    assert.doesNotMatch(text, /require\(["']vscode["']\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-dist-'));
    try {
      fs.copyFileSync(bundle, path.join(dir, 'fal.js'));
      const out = execFileSync(
        process.execPath,
        [
          '-e',
          "const m = require('./fal.js'); console.log(typeof m.createFalClient, typeof m.ApiError, typeof m.createPricingClient, typeof m.createFalClient().pricing)",
        ],
        { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } },
      );
      assert.equal(out.trim(), 'function function function function');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
