import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
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

  it('passes --max-upload-mb, --max-multipart-mb and --cdn-token-ttl to the uploads', async () => {
    child = spawn(
      process.execPath,
      [
        cli,
        '--port',
        '0',
        '--open',
        '--max-upload-mb',
        '1',
        '--max-multipart-mb',
        '1',
        '--cdn-token-ttl',
        '7',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const url = /listening on (\S+)$/.exec(line)![1];
    const tokenRes = await fetch(`${url}/rest/storage/auth/token?storage_type=fal-cdn-v3`, {
      method: 'POST',
      body: '{}',
    });
    const token = (await tokenRes.json()) as { token: string; expires_at: string };
    const ttl = (Date.parse(token.expires_at) - Date.now()) / 1000;
    assert.ok(ttl > 5 && ttl <= 7, `token lives ${ttl}s`);
    const authorization = `Bearer ${token.token}`;
    const init = await fetch(`${url}/files/upload/multipart`, { method: 'POST', headers: { authorization } });
    const { access_url, uploadId } = (await init.json()) as { access_url: string; uploadId: string };
    const put = (n: number, size: number) =>
      fetch(`${access_url}/multipart/${uploadId}/${n}`, {
        method: 'PUT',
        headers: { authorization },
        body: new Uint8Array(size),
      });
    const first = await put(1, 700_000);
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    const second = await put(2, 700_000);
    assert.equal(second.status, 413, 'the two parts together pass --max-multipart-mb 1');
    assert.match(((await second.json()) as { detail: string }).detail, /--max-multipart-mb/);
  });

  it('passes --allow-host (repeatable), --allow-fetch and --allow-webhooks-to', async () => {
    child = spawn(
      process.execPath,
      [cli, '--port', '0', '--open', '--allow-host', 'a.example', '--allow-host', 'B.example.'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const { port } = new URL(/listening on (\S+)$/.exec(line)![1]);
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) =>
        http
          .get(
            { host: '127.0.0.1', port, path: '/_sandbox/health', headers: { host }, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject),
      );
    assert.equal(await statusFor('a.example'), 200);
    assert.equal(await statusFor('b.example:8080'), 200);
    assert.equal(await statusFor('c.example'), 421);
    const badHost = spawnSync(process.execPath, [cli, '--allow-host', 'a.example/x'], { encoding: 'utf8' });
    assert.equal(badHost.status, 2);
    assert.match(badHost.stderr, /--allow-host takes a host name or address without a port or path/);
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    for (const flag of ['--allow-host H', '--allow-fetch', '--allow-webhooks-to H'])
      assert.ok(help.stdout.includes(flag), flag);
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
    assert.match(help.stdout, /--max-multipart-mb/);
    assert.match(help.stdout, /--cdn-token-ttl/);
    for (const flag of ['--max-multipart-mb', '--cdn-token-ttl']) {
      const refused = spawnSync(process.execPath, [cli, flag, '0'], { encoding: 'utf8' });
      assert.equal(refused.status, 2, flag);
      assert.match(refused.stderr, new RegExp(`${flag} must be an integer >= 1`));
    }
    const badStore = spawnSync(process.execPath, [cli, '--max-store-mb', '0'], { encoding: 'utf8' });
    assert.equal(badStore.status, 2);
    assert.match(badStore.stderr, /--max-store-mb must be an integer >= 1/);
    const bad = spawnSync(process.execPath, [cli, '--port', 'x'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    const unknown = spawnSync(process.execPath, [cli, '--nope'], { encoding: 'utf8' });
    assert.equal(unknown.status, 2);
  });
});
