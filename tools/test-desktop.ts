// `npm run test:desktop`: the integration suite in a desktop VS Code through @vscode/test-electron,
// for machines where VS Code is installed (it cannot be downloaded here). Point VSCODE_EXECUTABLE at
// the `code` binary, or have `code` on PATH. Not part of `npm test`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './vscode-host/repoRoot';

function findVSCode(): string | undefined {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  const which = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { encoding: 'utf8' });
  const found = which.stdout?.split(/\r?\n/)[0]?.trim();
  return found ? fs.realpathSync(found) : undefined;
}

async function main(): Promise<number> {
  const root = repoRoot();
  const vscodeExecutablePath = findVSCode();
  if (!vscodeExecutablePath) {
    console.error('No VS Code found: set VSCODE_EXECUTABLE to its executable, or put `code` on PATH.');
    return 1;
  }
  const build = spawnSync(process.execPath, ['esbuild.js', '--tests'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) return 1;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-desktop-'));
  return runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
