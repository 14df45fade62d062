// Entry the VS Code extension host calls (`extensionTestsPath`): runs every integration test file.
// console.log works in the extension host but its lines reach the driver only through the
// workbench log, so each line of ours is tagged for the driver to pick out.
import * as path from 'node:path';
import { findTestFiles, runMocha } from '../runMocha';

export async function run(): Promise<void> {
  const totals = await runMocha(findTestFiles(path.join(__dirname)), {
    timeout: 30_000,
    log: (line) => {
      for (const part of line.split('\n')) console.log(`[fal-test] ${part}`);
    },
  });
  if (totals.failed > 0) throw new Error(`${totals.failed} integration test(s) failed`);
}
