// The sandbox's storage routes over loopback, spoken to with plain fetch as fal's JS client does:
// initiate (key required), PUT to the signed upload_url (no key), the file served with its content
// type, forged/expired tokens refused, 413 past --max-upload-mb, and the multipart flow.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signUploadToken } from '../../src/sandbox/storage';
import { initiateUpload, useSandbox } from './sandbox-helpers';

const KEY = 'test-id:test-secret';

const initiate = (
  base: string,
  body?: Record<string, unknown>,
  kind?: 'initiate' | 'initiate-multipart',
): Promise<{ upload_url: string; file_url: string }> => initiateUpload(base, body, kind, KEY);

async function detail(res: Response): Promise<string> {
  const body = (await res.json()) as { detail: string };
  return body.detail;
}

describe('storage: sandbox routes', () => {
  const sandbox = useSandbox();

  it('refuses initiate without a key', async () => {
    const res = await fetch(`${sandbox.url}/rest/storage/upload/initiate?storage_type=fal-cdn-v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content_type: 'text/plain', file_name: 'a.txt' }),
    });
    assert.equal(res.status, 401);
    assert.match(await detail(res), /Authorization/);
  });

  it('answers absolute URLs; the PUT needs no key; the file is served with its content type', async () => {
    const { upload_url, file_url } = await initiate(sandbox.url);
    assert.ok(upload_url.startsWith(`${sandbox.url}/rest/storage/`), upload_url);
    assert.ok(file_url.startsWith(`${sandbox.url}/files/`), file_url);
    assert.match(file_url, /\/hello\.txt$/);
    const put = await fetch(upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hello, storage',
    });
    assert.equal(put.status, 200, await put.clone().text());
    await put.arrayBuffer();
    const got = await fetch(file_url);
    assert.equal(got.status, 200);
    assert.match(got.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await got.text(), 'hello, storage');
  });

  it('refuses a forged, missing or misapplied upload token with 403', async () => {
    const { upload_url } = await initiate(sandbox.url);
    const url = new URL(upload_url);
    const token = url.searchParams.get('token') ?? '';
    const [payload, sig] = token.split('.');
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);

    const forged = new URL(url);
    forged.searchParams.set('token', `${payload}.${flipped}`);
    let res = await fetch(forged, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 403);
    assert.match(await detail(res), /Invalid upload token signature/);

    const missing = new URL(url);
    missing.searchParams.delete('token');
    res = await fetch(missing, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 403);
    assert.match(await detail(res), /no token/);

    // A valid token of another upload does not open this one.
    const other = await initiate(sandbox.url);
    const swapped = new URL(other.upload_url);
    swapped.searchParams.set('token', token);
    res = await fetch(swapped, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 403);
    assert.match(await detail(res), /does not match/);
  });

  it('refuses an expired upload token with 403 and says so', async () => {
    // Tokens are issued for minutes; an already expired one is minted with this run's secret.
    const ctx = sandbox.context;
    const { id, url } = ctx.files.reserve('late.txt');
    const token = signUploadToken(ctx, {
      k: 'single',
      id,
      n: url.slice(url.lastIndexOf('/') + 1),
      ct: 'text/plain',
      exp: Math.floor(Date.now() / 1000) - 1,
    });
    const res = await fetch(
      `${sandbox.url}/rest/storage/upload/put/${id}?token=${encodeURIComponent(token)}`,
      {
        method: 'PUT',
        body: 'late',
      },
    );
    assert.equal(res.status, 403);
    assert.match(await detail(res), /expired/);
    assert.equal(ctx.files.get(id), undefined);
  });

  it('runs the multipart flow: parts answer {partNumber, etag} and ETag, complete joins them', async () => {
    const { upload_url, file_url } = await initiate(
      sandbox.url,
      { content_type: 'application/x-test', file_name: 'big.bin' },
      'initiate-multipart',
    );
    const parsed = new URL(upload_url);
    const base = `${parsed.origin}${parsed.pathname}`;
    const chunks = [randomBytes(300_000), randomBytes(300_000), randomBytes(1234)];
    const parts: Array<{ partNumber: number; etag: string }> = [];
    for (const [i, chunk] of chunks.entries()) {
      const res = await fetch(`${base}/${i + 1}${parsed.search}`, { method: 'PUT', body: chunk });
      assert.equal(res.status, 200);
      const reply = (await res.json()) as { partNumber: number; etag: string };
      assert.equal(reply.partNumber, i + 1);
      assert.equal(res.headers.get('etag'), reply.etag);
      parts.push(reply);
    }
    const done = await fetch(`${base}/complete${parsed.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ parts }),
    });
    assert.equal(done.status, 200, await done.clone().text());
    await done.arrayBuffer();
    const got = await fetch(file_url);
    assert.equal(got.headers.get('content-type'), 'application/x-test');
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(Buffer.concat(chunks)));

    // The upload is finished: its URL no longer takes parts.
    const late = await fetch(`${base}/4${parsed.search}`, { method: 'PUT', body: 'x' });
    assert.equal(late.status, 404);
  });

  it('refuses to complete with a part that was never uploaded or a wrong etag', async () => {
    const { upload_url } = await initiate(sandbox.url, { file_name: 'p.bin' }, 'initiate-multipart');
    const parsed = new URL(upload_url);
    const base = `${parsed.origin}${parsed.pathname}`;
    const put = await fetch(`${base}/1${parsed.search}`, { method: 'PUT', body: 'part one' });
    await put.arrayBuffer();
    const complete = (parts: unknown) =>
      fetch(`${base}/complete${parsed.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts }),
      });
    let res = await complete([{ partNumber: 2, etag: 'x' }]);
    assert.equal(res.status, 400);
    assert.match(await detail(res), /never uploaded/);
    res = await complete([{ partNumber: 1, etag: '"nope"' }]);
    assert.equal(res.status, 400);
    assert.match(await detail(res), /etag/);
  });
});

describe('storage: upload size limit', () => {
  const sandbox = useSandbox({ maxUploadMb: 1, maxMultipartMb: 2 });

  it('answers 413 naming the limit and --max-upload-mb past it', async () => {
    const { upload_url } = await initiate(sandbox.url);
    const res = await fetch(upload_url, { method: 'PUT', body: randomBytes(1024 * 1024 + 1) });
    assert.equal(res.status, 413);
    const text = await detail(res);
    assert.match(text, /larger than 1 MB/);
    assert.match(text, /--max-upload-mb/);
  });

  it('limits each multipart part by --max-upload-mb and all parts together by --max-multipart-mb', async () => {
    const { upload_url } = await initiate(sandbox.url, { file_name: 'm.bin' }, 'initiate-multipart');
    const parsed = new URL(upload_url);
    const base = `${parsed.origin}${parsed.pathname}`;
    const put = (n: number, size: number) =>
      fetch(`${base}/${n}${parsed.search}`, { method: 'PUT', body: randomBytes(size) });
    const tooBig = await put(1, 1024 * 1024 + 1);
    assert.equal(tooBig.status, 413);
    assert.match(await detail(tooBig), /--max-upload-mb/);
    for (const n of [1, 2]) {
      const part = await put(n, 1024 * 1024 - 10);
      assert.equal(part.status, 200, `part ${n}: two parts at the per-part cap are within the total`);
      await part.arrayBuffer();
    }
    const third = await put(3, 100);
    assert.equal(third.status, 413);
    assert.match(await detail(third), /--max-multipart-mb/);
  });

  it('accepts a file at the limit', async () => {
    const { upload_url } = await initiate(sandbox.url);
    const res = await fetch(upload_url, { method: 'PUT', body: randomBytes(1024 * 1024) });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });
});
