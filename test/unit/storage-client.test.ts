// Our storage client against a real sandbox over loopback: single uploads of Buffers and Blobs,
// a multipart upload of several parts that round-trips byte for byte, and transformInput walking
// objects and arrays while leaving every string alone.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createFalClient } from '../../src/fal/client';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { createStorageClient, sniffContentType } from '../../src/fal/storage';
import { renderImage } from '../../src/sandbox/endpoints/image';
import { download, useSandbox } from './sandbox-helpers';

const KEY = 'test-id:test-secret';

describe('storage: client', () => {
  const sandbox = useSandbox();
  let config: ReturnType<typeof resolveConfig>;

  before(() => {
    config = resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) });
  });

  it('uploads a Buffer, with the content type sniffed and a generated name', async () => {
    const png = renderImage({ prompt: 'upload', seed: 1, width: 16, height: 16 });
    assert.equal(sniffContentType(png), 'image/png');
    const url = await createStorageClient(config).upload(png);
    assert.match(url, /\/files\/[^/]+\/\d+\.png$/);
    const got = await download(url);
    assert.equal(got.type, 'image/png');
    assert.ok(got.bytes.equals(png));
  });

  it('uploads a Blob with its type, and honours contentType and fileName', async () => {
    const storage = createStorageClient(config);
    const blobUrl = await storage.upload(new Blob(['{"a":1}'], { type: 'application/json' }));
    assert.equal((await download(blobUrl)).type, 'application/json');
    const named = await storage.upload(Buffer.from('plain'), {
      contentType: 'text/plain',
      fileName: 'note.txt',
    });
    assert.match(named, /\/note\.txt$/);
    const got = await download(named);
    assert.match(got.type ?? '', /^text\/plain/);
    assert.equal(got.bytes.toString(), 'plain');
  });

  it('goes multipart above the threshold; several parts round-trip identical', async () => {
    const storage = createStorageClient(config, {
      multipartThresholdBytes: 1024 * 1024,
      partSizeBytes: 1024 * 1024,
    });
    const data = randomBytes(4 * 1024 * 1024 + 4321); // 5 parts
    const progress: Array<[number, number]> = [];
    const url = await storage.upload(data, {
      fileName: 'large.bin',
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    const MB = 1024 * 1024;
    assert.deepEqual(
      progress,
      [MB, 2 * MB, 3 * MB, 4 * MB, data.length].map((sent) => [sent, data.length]),
      'told after each part (the last one sends it all)',
    );
    const got = await download(url);
    assert.equal(got.bytes.length, data.length);
    assert.ok(got.bytes.equals(data));
    assert.equal(got.type, 'application/octet-stream');

    const blob = new Blob([new Uint8Array(data)], { type: 'video/mp4' });
    const blobUrl = await storage.upload(blob);
    const fromBlob = await download(blobUrl);
    assert.equal(fromBlob.type, 'video/mp4');
    assert.ok(fromBlob.bytes.equals(data));
  });

  it('transformInput uploads binaries anywhere in objects and arrays, and leaves strings alone', async () => {
    const storage = createStorageClient(config);
    const input = {
      prompt: 'a cat',
      path_like: './image.png',
      absolute_path: '/etc/hosts',
      data_uri: 'data:text/plain;base64,aGk=',
      url: 'https://example.com/x.png',
      image: Buffer.from('one'),
      nested: { list: [new Uint8Array([1, 2, 3]), 'keep', 42, null, { deep: new Blob(['three']) }] },
      count: 3,
      flag: true,
    };
    const out = await storage.transformInput(input);
    assert.equal(out.prompt, 'a cat');
    assert.equal(out.path_like, './image.png');
    assert.equal(out.absolute_path, '/etc/hosts');
    assert.equal(out.data_uri, 'data:text/plain;base64,aGk=');
    assert.equal(out.url, 'https://example.com/x.png');
    assert.equal(out.count, 3);
    assert.equal(out.flag, true);
    const list = out.nested.list as unknown[];
    assert.equal(list[1], 'keep');
    assert.equal(list[2], 42);
    assert.equal(list[3], null);
    const urls = [out.image, list[0], (list[4] as { deep: unknown }).deep] as unknown as string[];
    for (const url of urls) assert.ok(typeof url === 'string' && url.startsWith(`${sandbox.url}/files/`));
    assert.equal((await download(urls[0])).bytes.toString(), 'one');
    assert.deepEqual([...(await download(urls[1])).bytes], [1, 2, 3]);
    assert.equal((await download(urls[2])).bytes.toString(), 'three');
    // The input itself is not modified.
    assert.ok(Buffer.isBuffer(input.image));
  });

  it('uploads a Buffer found in a real call input: sandbox/image-to-image inverts the uploaded PNG', async () => {
    const fal = createFalClient({ credentials: KEY, hosts: sandboxHosts(sandbox.url) });
    const png = renderImage({ prompt: 'invert me', seed: 3, width: 8, height: 8 });
    const run = fal.run<{ images: Array<{ url: string; width: number; content_type: string }> }>(
      'sandbox/image-to-image',
      { input: { image_url: png, strength: 1 } },
    );
    const { data } = await run;
    assert.equal(data.images.length, 1);
    assert.equal(data.images[0].width, 8);
    const out = await download(data.images[0].url);
    assert.equal(out.type, 'image/png');
    assert.ok(!out.bytes.equals(png));

    // subscribe (queue) goes through the same seam.
    const echoed = await fal.subscribe<{ nested: { file: string } }>('sandbox/echo', {
      input: { nested: { file: Buffer.from('queued bytes') } },
    });
    assert.equal((await download(echoed.data.nested.file)).bytes.toString(), 'queued bytes');
  });

  it('reports a refused initiate as an ApiError with the sandbox detail', async () => {
    const anonymous = resolveConfig({ credentials: undefined, hosts: sandboxHosts(sandbox.url) });
    await assert.rejects(createStorageClient(anonymous).upload(Buffer.from('x')), (err: Error) => {
      assert.equal(err.name, 'ApiError');
      assert.equal((err as Error & { status: number }).status, 401);
      assert.match(err.message, /Authorization/);
      return true;
    });
  });
});
