// `npm test`: lint, type-check, build, then every test tier; ends with one line `N passed, N failed`
// that totals them all. `npm test -- unit` (or webview, integration, e2e) runs only the tiers named.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureDebianPackages } from './vscode-host/codeServer';

const root = path.resolve(__dirname, '..');
const tiers = process.argv.slice(2);
const wants = (tier: string) => tiers.length === 0 || tiers.includes(tier);

let passed = 0;
let failed = 0;

const durations: string[] = [];

const secondsSince = (started: number) => `${((Date.now() - started) / 1000).toFixed(1)} s`;

/** Prints how a step ended and keeps its duration, which the summary lists again at the end. */
function ended(name: string, ok: boolean, took: string): void {
  console.log(`=== ${name}: ${ok ? 'ok' : 'FAILED'} in ${took} ===`);
  durations.push(`${took.padStart(8)}  ${name}`);
}

/** Runs one step, its output as it comes, then how it ended. */
function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  ended(name, result.status === 0, secondsSince(started));
  return result.status === 0;
}

/** A check that counts as one test (lint, type-check, build). */
function check(name: string, command: string, args: string[]): boolean {
  const ok = step(name, command, args);
  count(ok);
  return ok;
}

function count(ok: boolean): void {
  if (ok) passed++;
  else failed++;
}

type Check = [name: string, command: string, args: string[]];
interface Ran {
  name: string;
  ok: boolean;
  output: string;
  took: string;
}

/** Runs one check with its output kept, to be printed whole later. */
function runQuietly([name, command, args]: Check): Promise<Ran> {
  return new Promise((resolve) => {
    const started = Date.now();
    let output = '';
    const child = spawn(command, args, { cwd: root, env: process.env });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const end = (ok: boolean) => resolve({ name, ok, output, took: secondsSince(started) });
    child.on('error', (error) => {
      output += `${error.message}\n`;
      end(false);
    });
    child.on('close', (code) => end(code === 0));
  });
}

/**
 * Checks that time nothing (lint, format, type-check) in lanes that run side by side, one lane per
 * core, each lane's checks one after another; every check's output is printed whole once it ends,
 * in the order given. On 2 cores, ESLint beside Prettier then tsc: ~50 s, against ~60 one after
 * another (ESLint alone takes ~31 s, and ~50 beside anything: it keeps both cores busy much of it).
 */
async function checksInLanes(lanes: Check[][]): Promise<void> {
  const runs: Array<Promise<Ran>> = [];
  for (const lane of lanes) {
    let previous: Promise<unknown> = Promise.resolve();
    for (const check of lane) {
      const run = previous.then(() => runQuietly(check));
      runs.push(run);
      previous = run;
    }
  }
  for (const run of runs) {
    const { name, ok, output, took } = await run;
    console.log(`\n=== ${name} ===`);
    process.stdout.write(output);
    ended(`${name} (beside the other checks)`, ok, took);
    count(ok);
  }
}

/** A mocha tier whose totals come back through FAL_TEST_RESULT_FILE. */
function tier(name: string, command: string, args: string[]): void {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fal-test-')), 'result.json');
  const ok = step(name, command, args, { FAL_TEST_RESULT_FILE: resultFile });
  if (fs.existsSync(resultFile)) {
    const totals = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { passed: number; failed: number };
    passed += totals.passed;
    failed += totals.failed;
    if (!ok && totals.failed === 0) failed++; // the tier broke outside its tests
  } else {
    console.log(`${name}: no results were recorded; counted as one failure`);
    failed++;
  }
  fs.rmSync(path.dirname(resultFile), { recursive: true, force: true });
}

const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

async function main(): Promise<void> {
  if (tiers.length === 0) {
    await checksInLanes([
      [['lint (eslint)', bin('eslint'), ['.']]],
      [
        ['format (prettier --check)', bin('prettier'), ['--check', '.']],
        ['type-check (tsc --noEmit)', bin('tsc'), ['--noEmit']],
      ],
    ]);
  }
  ensureDebianPackages();
  const built = check('build (esbuild, with tests)', process.execPath, ['esbuild.js', '--tests']);

  if (built && wants('unit'))
    tier('unit tier (mocha, plain Node)', process.execPath, ['out/test/unit/index.js']);
  if (built && wants('webview')) {
    tier('webview tier (the playground page in headless Chromium)', process.execPath, [
      'out/test/webview/index.js',
    ]);
  }
  if (built && wants('integration')) {
    tier('integration tier (mocha in the VS Code extension host)', process.execPath, [
      bin('tsx'),
      'tools/vscode-host/runIntegration.ts',
    ]);
  }
  if (built && wants('e2e')) {
    tier('UI end-to-end tier (Playwright on the workbench)', process.execPath, ['out/test/e2e/index.js']);
  }

  console.log(`\nDurations:\n${durations.join('\n')}`);
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
