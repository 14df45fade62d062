// Entry of the UI end-to-end tier: Playwright drives the real workbench from plain Node.
import { runMochaMain } from '../runMocha';

runMochaMain(__dirname, 120_000);
