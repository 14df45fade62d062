// The sandbox's file store bounded by size (`maxStoreMb` / --max-store-mb): past the cap the oldest
// files go first and the newest stay; and multipart uploads whose parts wait on disk, in the
// sandbox's own scratch folder, until `complete` assembles them (the folder goes with the sandbox).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox } from '../../src/sandbox/server';
import { download, initiateUpload, useSandbox } from './sandbox-helpers';

/** Uploads `data` in one PUT and returns its file URL. */
async function upload(base: string, data: Buffer, name: string): Promise<string> {
  const { upload_url, file_url } = await initiateUpload(base, {
    content_type: 'application/octet-stream',
    file_name: name,
  });
  const res = await fetch(upload_url, { method: 'PUT', body: new Uint8Array(data) });
  assert.equal(res.status, 200, await res.clone().text());
  await res.arrayBuffer();
  return file_url;
}

describe('sandbox: file store bounded by size', () => {
  const sandbox = useSandbox({ maxStoreMb: 1 });

  it('drops the oldest files once the store holds more than --max-store-mb', async () => {
    const files = [randomBytes(400_000), randomBytes(400_000), randomBytes(400_000)];
    const urls = [];
    for (const [i, data] of files.entries()) urls.push(await upload(sandbox.url, data, `f${i}.bin`));

    const oldest = await fetch(urls[0]);
    assert.equal(oldest.status, 404);
    assert.match(((await oldest.json()) as { detail: string }).detail, /newest 1 MB/);
    for (const i of [1, 2]) assert.ok((await download(urls[i])).bytes.equals(files[i]), `file ${i}`);
    assert.ok(sandbox.context.files.bytes <= 1024 * 1024);
  });

  it('keeps the newest file even when it alone is larger than the cap', async () => {
    const big = randomBytes(1024 * 1024 + 10);
    const url = await upload(sandbox.url, big, 'big.bin');
    assert.ok((await download(url)).bytes.equals(big));
    assert.equal(sandbox.context.files.bytes, big.length);
  });
});

describe('sandbox: multipart uploads on disk', () => {
  it('keeps each part in its scratch folder until complete assembles them, and removes the folder on close', async () => {
    const sb = await startSandbox({ port: 0 });
    let scratch: string | undefined;
    try {
      const { upload_url, file_url } = await initiateUpload(
        sb.url,
        { content_type: 'application/x-test', file_name: 'parts.bin' },
        'initiate-multipart',
      );
      const parsed = new URL(upload_url);
      const base = `${parsed.origin}${parsed.pathname}`;
      const chunks = [randomBytes(250_000), randomBytes(250_000), randomBytes(777)];
      const parts = [];
      for (const [i, chunk] of chunks.entries()) {
        const res = await fetch(`${base}/${i + 1}${parsed.search}`, { method: 'PUT', body: chunk });
        assert.equal(res.status, 200);
        parts.push((await res.json()) as { partNumber: number; etag: string });
      }

      scratch = await sb.context.scratch.path();
      const partsDir = join(scratch, 'parts');
      const onDisk = (await readdir(partsDir)).sort();
      assert.equal(onDisk.length, 3, onDisk.join(', '));
      const sizes = await Promise.all(onDisk.map(async (name) => (await stat(join(partsDir, name))).size));
      assert.deepEqual(sizes, [250_000, 250_000, 777]);

      const done = await fetch(`${base}/complete${parsed.search}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ parts }),
      });
      assert.equal(done.status, 200, await done.clone().text());
      await done.arrayBuffer();
      const got = await download(file_url);
      assert.equal(got.type, 'application/x-test');
      assert.ok(got.bytes.equals(Buffer.concat(chunks)));
      assert.deepEqual(await readdir(partsDir), [], 'the parts are removed once assembled');
      const stored = await readdir(join(scratch, 'files'));
      assert.equal(stored.length, 1, 'the assembled file is a file on disk in the store');
      assert.equal((await stat(join(scratch, 'files', stored[0]))).size, 500_777);
    } finally {
      await sb.close();
    }
    assert.ok(scratch && !existsSync(scratch), 'the scratch folder goes with the sandbox');
  });
});
