import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'sandbox.js');

describe('sandbox: CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGTERM');
    child = undefined;
  });

  it('prints its URL, serves, and exits on SIGTERM', async () => {
    child = spawn(process.execPath, [cli, '--port', '0', '--key', 'cli:key'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const match = /^fal sandbox listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(match, line);
    const res = await fetch(`${match[1]}/run/sandbox/echo`, {
      method: 'POST',
      headers: { authorization: 'Key cli:key', 'content-type': 'application/json' },
      body: '{"cli":true}',
    });
    assert.deepEqual(await res.json(), { cli: true });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('takes its key from FAL_SANDBOX_KEY, off the command line', async () => {
    child = spawn(process.execPath, [cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FAL_SANDBOX_KEY: 'env:key' },
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const url = /listening on (\S+)$/.exec(line)![1];
    const echo = (key: string) =>
      fetch(`${url}/run/sandbox/echo`, {
        method: 'POST',
        headers: { authorization: `Key ${key}`, 'content-type': 'application/json' },
        body: '{}',
      });
    assert.equal((await echo('env:key')).status, 200);
    assert.equal((await echo('other:key')).status, 401);
  });

  it('prints help and refuses bad flags', () => {
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--concurrency/);
    assert.match(help.stdout, /--max-store-mb/);
    assert.match(help.stdout, /--exit-unattached/);
    assert.match(help.stdout, /--retention-scale F +Scale the result retention of X-Fal-Store-IO: 0/);
    const badScale = spawnSync(process.execPath, [cli, '--retention-scale', '0'], { encoding: 'utf8' });
    assert.equal(badScale.status, 2);
    assert.match(badScale.stderr, /--retention-scale must be a positive number/);
    const badStore = spawnSync(process.execPath, [cli, '--max-store-mb', '0'], { encoding: 'utf8' });
    assert.equal(badStore.status, 2);
    assert.match(badStore.stderr, /--max-store-mb must be an integer >= 1/);
    const bad = spawnSync(process.execPath, [cli, '--port', 'x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    const unknown = spawnSync(process.execPath, [cli, '--nope'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
  });
});
