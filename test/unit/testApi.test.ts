// What `activate` returns is gated on the extension mode: its API (the key store among it) is for
// this extension's own tests, never for other installed extensions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXTENSION_MODE, testApiOnly } from '../../src/testApi';
import { repoRoot } from '../../tools/vscode-host/repoRoot';

describe('the test API gate', () => {
  it('gives nothing in Production or Development mode, and never builds the API there', () => {
    let built = 0;
    const make = () => ({ keys: { get: () => 'secret' }, built: ++built });
    assert.equal(testApiOnly(EXTENSION_MODE.Production, make), undefined);
    assert.equal(testApiOnly(EXTENSION_MODE.Development, make), undefined);
    assert.equal(built, 0);
  });

  it('gives the API in Test mode', () => {
    const api = testApiOnly(EXTENSION_MODE.Test, () => ({ keys: 'store' }));
    assert.deepEqual(api, { keys: 'store' });
  });

  it("matches vscode's ExtensionMode values, and activate returns through the gate", () => {
    const types = fs.readFileSync(path.join(repoRoot(), 'node_modules/@types/vscode/index.d.ts'), 'utf8');
    const body = /export enum ExtensionMode \{([\s\S]*?)\n\t\}/.exec(types)?.[1] ?? '';
    const values = Object.fromEntries([...body.matchAll(/(\w+) = (\d+)/g)].map((m) => [m[1], Number(m[2])]));
    assert.deepEqual(values, EXTENSION_MODE);
    const extension = fs.readFileSync(path.join(repoRoot(), 'src/extension.ts'), 'utf8');
    assert.match(extension, /return testApiOnly\(context\.extensionMode,/);
  });
});
