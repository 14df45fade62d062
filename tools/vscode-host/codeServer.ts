// The real VS Code the integration tests, the UI tests and `npm start` run in: code-server 4.100.3
// (VS Code 1.100.3), pinned with its lock file in tools/code-server and installed once into a cache
// outside the clone, keyed by the lock's hash, so every later clone on the machine reuses it.
// See ../shared/vscode-test-host.md for why each install workaround below exists.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './repoRoot';

const root = repoRoot();
const pinDir = path.join(root, 'tools', 'code-server');

/**
 * Debian packages the tests need: the browser, ripgrep for VS Code's search, kerberos headers, and
 * curl (the unit tier runs the "Copy as Code" curl snippet against the sandbox).
 */
const debianNeeds: { pkg: string; present: () => boolean }[] = [
  { pkg: 'chromium', present: () => fs.existsSync('/usr/bin/chromium') },
  { pkg: 'ripgrep', present: () => fs.existsSync('/usr/bin/rg') },
  { pkg: 'libkrb5-dev', present: () => fs.existsSync('/usr/include/gssapi/gssapi.h') },
  { pkg: 'curl', present: () => fs.existsSync('/usr/bin/curl') },
];

export function ensureDebianPackages(log: (line: string) => void = console.log): void {
  const missing = debianNeeds.filter((n) => !n.present()).map((n) => n.pkg);
  if (missing.length === 0) return;
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  log(`Installing Debian packages: ${missing.join(' ')}`);
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      throw new Error(
        `'${args.join(' ')}' failed. Install these Debian packages yourself: ${missing.join(' ')}`,
      );
    }
  };
  run(['apt-get', 'update', '-q']);
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]);
}

function cacheDir(): string {
  const lock = fs.readFileSync(path.join(pinDir, 'package-lock.json'));
  const manifest = fs.readFileSync(path.join(pinDir, 'package.json'));
  const hash = createHash('sha256')
    .update(lock)
    .update(manifest)
    .update(process.version)
    .digest('hex')
    .slice(0, 12);
  const base = process.env.FAL_PLAYGROUND_CACHE ?? path.join(os.homedir(), '.cache', 'fal-playground');
  return path.join(base, `code-server-${hash}`);
}

/** Installs code-server into the cache when it is not there yet; returns the folder of its package. */
export function ensureCodeServer(log: (line: string) => void = console.log): string {
  ensureDebianPackages(log);
  const dir = cacheDir();
  const pkg = path.join(dir, 'node_modules', 'code-server');
  if (fs.existsSync(path.join(dir, '.installed'))) return pkg;

  log(`Installing code-server 4.100.3 into ${dir} (once per machine, about 1-2 minutes)...`);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  for (const f of ['package.json', 'package-lock.json'])
    fs.copyFileSync(path.join(pinDir, f), path.join(staging, f));

  // @vscode/ripgrep downloads rg from GitHub unless its cache already holds the archive: give it
  // Debian's rg in that archive, in a TMPDIR of our own.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-cs-install-'));
  const rgCache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
  fs.mkdirSync(rgCache);
  fs.copyFileSync('/usr/bin/rg', path.join(tmp, 'rg'));
  const tar = spawnSync('tar', [
    'czf',
    path.join(rgCache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'),
    '-C',
    tmp,
    'rg',
  ]);
  if (tar.status !== 0) throw new Error(`could not prepare the ripgrep archive: ${tar.stderr}`);

  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--dangerously-allow-all-scripts'], {
    cwd: staging,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
      npm_config_unsafe_perm: 'true', // code-server's postinstall refuses root otherwise
    },
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  if (npm.status !== 0) throw new Error(`installing code-server failed (npm ci exited ${npm.status})`);
  if (!fs.existsSync(path.join(staging, 'node_modules', 'code-server', 'out', 'node', 'entry.js'))) {
    throw new Error('installing code-server left no out/node/entry.js');
  }
  fs.writeFileSync(path.join(staging, '.installed'), new Date().toISOString());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return pkg;
}

/** The VS Code version code-server embeds, e.g. "1.100.3". */
export function vscodeVersion(codeServerDir: string): string {
  const product = path.join(codeServerDir, 'lib', 'vscode', 'package.json');
  return (JSON.parse(fs.readFileSync(product, 'utf8')) as { version: string }).version;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone already, or this platform has no groups
  }
}

export interface CodeServerOptions {
  port?: number;
  /** Extra environment for code-server; it reaches the extension host. */
  env?: NodeJS.ProcessEnv;
  /** Print code-server's own output. */
  verbose?: boolean;
  /**
   * Workspace trust on, with no prompt: a folder opened for the first time is untrusted (Restricted
   * Mode), as a repository a person just cloned. Off by default (no trust dialog in the tests).
   */
  workspaceTrust?: boolean;
  /** More user settings. */
  settings?: Record<string, unknown>;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly version: string;
  /** Folder code-server uses for settings, extensions and its TMPDIR; deleted on close. */
  readonly stateDir: string;
  /** Builds `http://.../?folder=...&payload=...` that loads this repo as a development extension. */
  workbenchUrl(options: { folder: string; extensionTestsPath?: string }): string;
  close(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<RunningCodeServer> {
  const dir = ensureCodeServer();
  const port = options.port ?? (await freePort());
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-code-server-'));
  const tmp = path.join(stateDir, 'tmp');
  const userData = path.join(stateDir, 'user-data');
  fs.mkdirSync(tmp);
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  // A calm workbench: no welcome page, no telemetry prompts, no trust dialog.
  const trust = options.workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }
    : { 'security.workspace.trust.enabled': false };
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      ...trust,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'git.openRepositoryInParentFolders': 'never',
      ...options.settings,
    }),
  );
  // Settings of the machine scope (remote.*) are read from the machine's settings in code-server.
  if (options.settings) {
    fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify(options.settings));
  }
  fs.writeFileSync(path.join(stateDir, 'config.yaml'), 'auth: none\ncert: false\n');

  const child: ChildProcess = spawn(
    process.execPath,
    [
      path.join(dir, 'out', 'node', 'entry.js'),
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--config',
      path.join(stateDir, 'config.yaml'),
      '--user-data-dir',
      userData,
      '--extensions-dir',
      path.join(stateDir, 'extensions'),
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--ignore-last-opened',
      // Its port proxy stays on: `env.asExternalUri` maps a local port to `/proxy/<port>/` whether it
      // is on or not, and the playground loads the sandbox's media through that mapping.
    ],
    // Its own process group, so closing it also ends the extension host and other children it forks.
    {
      env: { ...process.env, ...options.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );

  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (options.verbose) process.stdout.write(text);
      seen += text;
      if (seen.includes('HTTP server listening')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`code-server exited (${code}) before listening:\n${seen}`)),
    );
  });

  const url = `http://127.0.0.1:${port}`;
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  return {
    url,
    port,
    version: vscodeVersion(dir),
    stateDir,
    workbenchUrl({ folder, extensionTestsPath }) {
      const payload: [string, string][] = [['extensionDevelopmentPath', remote(root)]];
      if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
      return `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          fs.rmSync(stateDir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child, 'SIGKILL'), 3000).unref();
      }),
  };
}
