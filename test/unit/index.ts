// Entry of the unit tier: every test/unit/**/*.test.ts, compiled to out/test/unit, in plain Node.
import { runMochaMain } from '../runMocha';

runMochaMain(__dirname, 30_000);
