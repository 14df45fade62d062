// The sandbox in its own process for the bench, as fal would be across a network: the built CLI
// (dist/sandbox.js) started with the options a figure needs, on a free port, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { sandboxHosts, type FalHosts } from '../../src/common/hosts';
import { parseListeningLine } from '../../src/sandbox/controlProtocol';

export interface SandboxProcess {
  readonly url: string;
  readonly hosts: FalHosts;
  readonly pid: number;
  close(): Promise<void>;
}

export async function startSandboxProcess(root: string, args: string[] = []): Promise<SandboxProcess> {
  const cli = path.join(root, 'dist', 'sandbox.js');
  const child: ChildProcess = spawn(process.execPath, [cli, '--port', '0', '--open', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const found = parseListeningLine(line);
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it listened`)));
    child.once('error', reject);
  });
  return {
    url,
    hosts: sandboxHosts(url),
    pid: child.pid!,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
