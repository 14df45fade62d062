// The sandbox's CDN uploads replayed exactly as fal's Python client (fal_client, `CDNTokenManager`,
// `_upload_v3`, `MultipartUpload`) sends them: the token from `/rest/storage/auth/token`, a single
// `POST /files/upload` with its headers, multipart init / parts answered with an ETag header /
// complete (parts listed in the order they finished, as its thread pool does), then a GET of the
// access URL. Expired and unknown tokens get 401; a part past --max-upload-mb gets 413; and a 150 MB
// multipart upload goes to disk without growing the sandbox process's memory by anything like 150 MB.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { KEY, download, useSandbox } from './sandbox-helpers';

interface CdnToken {
  token: string;
  token_type: string;
  base_url: string;
  expires_at: string;
}

/** `CDNTokenManager._refresh_token`: POST {REST_URL}/storage/auth/token?storage_type=fal-cdn-v3 with {}. */
async function cdnToken(base: string): Promise<CdnToken> {
  const res = await fetch(`${base}/rest/storage/auth/token?storage_type=fal-cdn-v3`, {
    method: 'POST',
    headers: { authorization: `Key ${KEY}`, accept: 'application/json', 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as CdnToken;
}

const auth = (t: CdnToken) => ({
  authorization: `${t.token_type} ${t.token}`,
  'user-agent': 'fal-client/test (python)',
});

/** `MultipartUpload.create`: POST {base_url}/files/upload/multipart → {access_url, uploadId}. */
async function createMultipart(t: CdnToken, contentType: string, fileName: string) {
  const res = await fetch(`${t.base_url}/files/upload/multipart`, {
    method: 'POST',
    headers: {
      ...auth(t),
      accept: 'application/json',
      'content-type': contentType,
      [FAL_HEADERS.fileName]: fileName,
    },
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { access_url: string; uploadId: string };
}

/** `MultipartUpload.upload_part`: PUT {access_url}/multipart/{uploadId}/{n}; the etag is the response header. */
function uploadPart(t: CdnToken, url: string, contentType: string, data: Buffer): Promise<Response> {
  return fetch(url, {
    method: 'PUT',
    headers: { ...auth(t), 'content-type': contentType, 'accept-encoding': 'identity' },
    body: new Uint8Array(data),
  });
}

async function completeMultipart(t: CdnToken, accessUrl: string, uploadId: string, parts: unknown[]) {
  return fetch(`${accessUrl}/multipart/${uploadId}/complete`, {
    method: 'POST',
    headers: { ...auth(t), 'content-type': 'application/json' },
    body: JSON.stringify({ parts }),
  });
}

describe('sandbox: the Python client’s CDN uploads', () => {
  const sandbox = useSandbox({ maxUploadMb: 1 });

  it('answers the token with the sandbox as base_url and a Python-readable expires_at', async () => {
    const t = await cdnToken(sandbox.url);
    assert.equal(t.token_type, 'Bearer');
    assert.equal(t.base_url, sandbox.url);
    assert.match(t.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    assert.ok(Date.parse(t.expires_at) > Date.now());
    const noKey = await fetch(`${sandbox.url}/rest/storage/auth/token?storage_type=fal-cdn-v3`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(noKey.status, 401);
  });

  it('stores a single upload (raw bytes, Content-Type, X-Fal-File-Name) and serves it at access_url', async () => {
    const t = await cdnToken(sandbox.url);
    const res = await fetch(`${sandbox.url}/files/upload`, {
      method: 'POST',
      headers: { ...auth(t), 'content-type': 'text/plain', [FAL_HEADERS.fileName]: 'hello.txt' },
      body: 'hello from python',
    });
    assert.equal(res.status, 200, await res.clone().text());
    const { access_url } = (await res.json()) as { access_url: string };
    assert.ok(access_url.startsWith(`${sandbox.url}/files/`), access_url);
    assert.ok(access_url.endsWith('/hello.txt'), access_url);
    const got = await download(access_url);
    assert.equal(got.type, 'text/plain');
    assert.equal(got.bytes.toString(), 'hello from python');
  });

  it('runs multipart: init, parts answered with an ETag header, complete with parts in finishing order', async () => {
    const t = await cdnToken(sandbox.url);
    const { access_url, uploadId } = await createMultipart(t, 'application/x-test', 'big.bin');
    const chunks = [randomBytes(600_000), randomBytes(600_000), randomBytes(1234)];
    const parts: { partNumber: number; etag: string }[] = [];
    for (const n of [3, 1, 2]) {
      const res = await uploadPart(
        t,
        `${access_url}/multipart/${uploadId}/${n}`,
        'application/x-test',
        chunks[n - 1],
      );
      assert.equal(res.status, 200, await res.clone().text());
      await res.arrayBuffer();
      const etag = res.headers.get('etag');
      assert.equal(
        etag,
        `"${createHash('md5')
          .update(chunks[n - 1])
          .digest('hex')}"`,
      );
      parts.push({ partNumber: n, etag: etag! });
    }
    // Two completes at once (a client retrying): one joins the parts, the other finds nothing to join.
    const [done, again] = await Promise.all([
      completeMultipart(t, access_url, uploadId, parts),
      completeMultipart(t, access_url, uploadId, parts),
    ]);
    assert.deepEqual([done.status, again.status].sort(), [200, 404], await done.clone().text());
    await Promise.all([done.arrayBuffer(), again.arrayBuffer()]);
    const got = await download(access_url);
    assert.equal(got.type, 'application/x-test');
    assert.ok(got.bytes.equals(Buffer.concat(chunks)));
  });

  it('refuses a part over --max-upload-mb with 413 and keeps the upload going', async () => {
    const t = await cdnToken(sandbox.url);
    const { access_url, uploadId } = await createMultipart(t, 'application/octet-stream', 'p.bin');
    const partUrl = `${access_url}/multipart/${uploadId}/1`;
    const tooBig = await uploadPart(t, partUrl, 'application/octet-stream', randomBytes(1024 * 1024 + 1));
    assert.equal(tooBig.status, 413);
    assert.match(((await tooBig.json()) as { detail: string }).detail, /--max-upload-mb/);
    const fits = await uploadPart(t, partUrl, 'application/octet-stream', randomBytes(1024 * 1024));
    assert.equal(fits.status, 200);
    await fits.arrayBuffer();
  });

  describe('with tokens that live 2 s', () => {
    // A sandbox of its own: a short token life for the whole suite would race its slower tests.
    const sandbox = useSandbox({ maxUploadMb: 1, cdnTokenTtlSeconds: 2 });

    it('refuses an unknown or expired token with 401', async () => {
      const forged = { ...(await cdnToken(sandbox.url)), token: 'not-a-token' };
      const unknown = await fetch(`${sandbox.url}/files/upload`, {
        method: 'POST',
        headers: { ...auth(forged), 'content-type': 'text/plain' },
        body: 'x',
      });
      assert.equal(unknown.status, 401);
      assert.match(((await unknown.json()) as { detail: string }).detail, /Invalid CDN upload token/);

      const t = await cdnToken(sandbox.url);
      const { access_url, uploadId } = await createMultipart(t, 'text/plain', 'late.txt');
      await delay(Math.max(0, Date.parse(t.expires_at) - Date.now()) + 50);
      for (const res of [
        await fetch(`${sandbox.url}/files/upload`, {
          method: 'POST',
          headers: { ...auth(t), 'content-type': 'text/plain' },
          body: 'x',
        }),
        await uploadPart(t, `${access_url}/multipart/${uploadId}/1`, 'text/plain', Buffer.from('x')),
      ]) {
        assert.equal(res.status, 401);
        assert.match(((await res.json()) as { detail: string }).detail, /expired/);
      }
      const missing = await fetch(`${sandbox.url}/files/upload`, { method: 'POST', body: 'x' });
      assert.equal(missing.status, 401);
    });
  });
});

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'sandbox.js');

/** VmHWM (peak resident memory) of a process, in bytes. */
function peakMemory(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  assert.ok(match, 'VmHWM in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

describe('sandbox process: a 150 MB multipart upload from the Python client', function () {
  this.timeout(30_000);
  let child: ChildProcess | undefined;
  after(() => child?.kill('SIGTERM'));

  it('streams to disk: the bytes arrive whole and the process’s peak memory grows far less than 150 MB', async function () {
    if (process.platform !== 'linux') this.skip();
    // Default limits: 10 MB parts under --max-upload-mb 100, 150 MB in all under the multipart total.
    child = spawn(process.execPath, [cli, '--port', '0', '--open'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const base = /listening on (\S+)$/.exec(line)![1];
    const t = await cdnToken(base);
    const { access_url, uploadId } = await createMultipart(t, 'application/octet-stream', 'big.bin');
    const peakBefore = peakMemory(child.pid!);

    const partSize = 10 * 1024 * 1024;
    const partCount = 15;
    const hash = createHash('sha256');
    const parts: { partNumber: number; etag: string }[] = [];
    for (let n = 1; n <= partCount; n++) {
      const data = Buffer.alloc(partSize, n);
      hash.update(data);
      const res = await uploadPart(
        t,
        `${access_url}/multipart/${uploadId}/${n}`,
        'application/octet-stream',
        data,
      );
      assert.equal(res.status, 200, await res.clone().text());
      await res.arrayBuffer();
      parts.push({ partNumber: n, etag: res.headers.get('etag')! });
    }
    const done = await completeMultipart(t, access_url, uploadId, parts);
    assert.equal(done.status, 200, await done.clone().text());
    await done.arrayBuffer();

    const res = await fetch(access_url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(partSize * partCount));
    const got = createHash('sha256');
    let size = 0;
    const reader = res.body!.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      got.update(chunk.value);
      size += chunk.value.length;
    }
    assert.equal(size, partSize * partCount);
    assert.equal(got.digest('hex'), hash.digest('hex'), 'the bytes served are the bytes sent');

    const grew = peakMemory(child.pid!) - peakBefore;
    if (process.env.FAL_TEST_VERBOSE) console.log(`peak memory grew by ${grew} bytes`);
    assert.ok(grew < 100 * 1024 * 1024, `peak memory grew by ${Math.round(grew / 1024 / 1024)} MB`);
  });
});
