// Public surface of the protocol client, built on its own as dist/fal.js (CommonJS, no `vscode`).
export { falHosts, sandboxHosts } from './hosts';
export type { FalHosts } from './hosts';
