// Runs a set of compiled mocha test files and records the totals, for both test hosts: plain Node
// (unit tier) and the VS Code extension host (integration tier). The totals go to the JSON file named
// by FAL_TEST_RESULT_FILE so the driver can add them into the one closing line of `npm test`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as util from 'node:util';
import Mocha from 'mocha';

export interface MochaTotals {
  passed: number;
  failed: number;
  pending: number;
}

export interface RunMochaOptions {
  /** Where to print; defaults to stdout. In the extension host console.log is not usable. */
  log?: (line: string) => void;
  timeout?: number;
  grep?: string;
}

/** All `*.test.js` files under `dir`, sorted, so runs are repeatable. */
export function findTestFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.test.js'))
    .sort();
}

export function runMocha(files: string[], options: RunMochaOptions = {}): Promise<MochaTotals> {
  if (options.log) {
    const log = options.log;
    (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog = (
      ...args: unknown[]
    ) => log(util.format(...args));
  }
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: options.timeout ?? 20_000,
    grep: options.grep ?? process.env.FAL_TEST_GREP,
  });
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
        const totals = { passed: stats.passes, failed: stats.failures, pending: stats.pending };
        const resultFile = process.env.FAL_TEST_RESULT_FILE;
        if (resultFile) fs.writeFileSync(resultFile, JSON.stringify(totals));
        resolve(totals);
      });
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * Runs every test file under `dir` as a plain-Node process and exits with the verdict, after
 * `cleanUp` (what the tier shares between its tests, such as a browser).
 */
export function runMochaMain(dir: string, timeout: number, cleanUp?: () => Promise<void>): void {
  runMocha(findTestFiles(dir), { timeout }).then(
    async (totals) => {
      await cleanUp?.().catch((err: unknown) => console.error('cleaning up after the tests:', err));
      process.exit(totals.failed > 0 ? 1 : 0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
