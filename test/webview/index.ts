// Entry of the webview tier: the playground's browser code, in headless Chromium, from plain Node.
import { runMochaMain } from '../runMocha';
import { closeTierBrowser } from './tierBrowser';

runMochaMain(__dirname, 60_000, closeTierBrowser);
