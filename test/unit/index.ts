// Entry of the unit tier: every test/unit/**/*.test.ts, compiled to out/test/unit, in plain Node.
import * as path from 'node:path';
import { findTestFiles, runMocha } from '../runMocha';

runMocha(findTestFiles(path.join(__dirname)), { timeout: 30_000 }).then(
  (totals) => process.exit(totals.failed > 0 ? 1 : 0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
