// `npm start`: builds the extension, starts the fal sandbox (on 8787, or reuses one already listening
// there) and a real VS Code in the browser (code-server on 127.0.0.1) with the extension loaded in
// development mode and the demo workspace open, then prints the URL to open.
//   npm start -- --port 8080 --sandbox-port 8787
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../src/sandbox/server';
import { startCodeServer } from './vscode-host/codeServer';
import { repoRoot } from './vscode-host/repoRoot';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    'sandbox-port': { type: 'string', default: '8787' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('npm start -- [--port 8080] [--sandbox-port 8787]');
  process.exit(0);
}

/** True when a fal sandbox already answers at `url` (its public catalogue route). */
async function isSandbox(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/models?limit=1`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { models?: unknown };
    return res.ok && Array.isArray(body.models);
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const root = repoRoot();
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');

  const sandboxPort = Number(values['sandbox-port']);
  let sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  let stopSandbox = async () => {};
  if (await isSandbox(sandboxUrl)) {
    console.log(`Reusing the fal sandbox already listening on ${sandboxUrl}`);
  } else {
    // Open: the demo works without a fal key, as the embedded sandbox does.
    const sandbox = await startSandbox({ port: sandboxPort, open: true });
    sandboxUrl = sandbox.url;
    stopSandbox = () => sandbox.close();
    console.log(`fal sandbox listening on ${sandboxUrl}`);
  }

  const port = Number(values.port);
  const server = await startCodeServer({ port, env: { FAL_SANDBOX_URL: sandboxUrl } });
  const url = server.workbenchUrl({ folder: path.join(root, 'demo-workspace') });
  console.log(
    `\nVS Code ${server.version} with fal Playground is ready. Open:\n\n  ${url}\n\nCtrl+C stops it.`,
  );

  const stop = async () => {
    await server.close();
    await stopSandbox();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
