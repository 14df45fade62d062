// Entry of the UI end-to-end tier: Playwright drives the real workbench from plain Node.
import * as path from 'node:path';
import { findTestFiles, runMocha } from '../runMocha';

runMocha(findTestFiles(path.join(__dirname)), { timeout: 120_000 }).then(
  (totals) => process.exit(totals.failed > 0 ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
