// `npm run bench`: every figure of issue 12 in one run (under 10 minutes), one table, and
// bench/results.json (git-ignored) with the machine it ran on. It builds the shipped (minified)
// bundles, starts the sandbox in its own process, measures the protocol client against the
// official @fal-ai/client and raw sockets (items 1-5), the extension in a real VS Code extension
// host (item 6) and the bundles' sizes (item 7). Only reports: no figure here is a test.
// `npm run bench -- --only 1,3` takes only those items.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleFigures } from './bench/bundles';
import { clientFigures, MANY_CONCURRENCY } from './bench/clientFigures';
import { extensionFigures } from './bench/extensionFigures';
import { describeMachine, machineLine, table, writeResults, type Figure } from './bench/report';
import { startSandboxProcess } from './bench/sandboxProcess';

const root = path.resolve(__dirname, '..');

function onlyItems(): Set<number> | undefined {
  const at = process.argv.indexOf('--only');
  if (at < 0) return undefined;
  return new Set((process.argv[at + 1] ?? '').split(',').map(Number));
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = onlyItems();
  const wants = (item: number) => !only || only.has(item);
  const log = (line: string) => console.log(`[bench] ${line}`);
  const machine = describeMachine();
  log(machineLine(machine));

  const build = spawnSync(process.execPath, ['esbuild.js', '--production'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the production build failed');

  const figures: Figure[] = [];
  if ([1, 2, 3, 4, 5].some(wants)) {
    const sandbox = await startSandboxProcess(root, ['--concurrency', String(MANY_CONCURRENCY)]);
    log(`sandbox (pid ${sandbox.pid}) at ${sandbox.url}`);
    try {
      figures.push(...(await clientFigures(sandbox, log, wants)));
    } finally {
      await sandbox.close();
    }
  }
  if (wants(6)) figures.push(...(await extensionFigures(root, log)));
  if (wants(7)) figures.push(...bundleFigures(root));

  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  machine.loadAverage.end = os.loadavg().map((l) => Number(l.toFixed(2)));
  console.log();
  console.log(table(figures));
  console.log();
  console.log(`Machine: ${machineLine(machine)}`);
  const file = writeResults(root, machine, figures, seconds);
  const unmet = figures.filter((f) => !f.met).length;
  console.log(
    `${figures.length - unmet} of ${figures.length} targets met; took ${seconds} s; written to ${path.relative(root, file)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
