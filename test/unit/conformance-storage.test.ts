// Conformance: the official @fal-ai/client uploads to the sandbox unchanged (its requests to
// https://rest.fal.ai and https://fal.run rewritten onto the sandbox by a requestMiddleware; the PUT to
// upload_url is its own plain fetch, no key), and our client passes the same scenarios.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createFalClient as createOfficialClient } from '@fal-ai/client';
import { createFalClient } from '../../src/fal/client';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { createStorageClient } from '../../src/fal/storage';
import { renderImage } from '../../src/sandbox/endpoints/image';
import { download, useSandbox } from './sandbox-helpers';

const KEY = 'test-id:test-secret';

describe('conformance: storage', () => {
  const logs: string[] = [];
  const sandbox = useSandbox({ log: (line) => logs.push(line) });
  const png = renderImage({ prompt: 'conformance', seed: 7, width: 24, height: 24 });

  function official() {
    return createOfficialClient({
      credentials: KEY,
      requestMiddleware: async (request) => ({
        ...request,
        url: request.url
          .replace('https://rest.fal.ai', `${sandbox.url}/rest`)
          .replace('https://fal.run', `${sandbox.url}/run`),
      }),
    });
  }

  const scenarios: Array<[string, (blob: Blob) => Promise<string>]> = [
    ['official @fal-ai/client', (blob) => official().storage.upload(blob)],
    [
      'our client',
      (blob) =>
        createStorageClient(resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) })).upload(
          blob,
        ),
    ],
  ];

  for (const [name, upload] of scenarios) {
    it(`${name}: storage.upload of a Blob answers a file URL serving the same bytes and type`, async () => {
      const url = await upload(new Blob([new Uint8Array(png)], { type: 'image/png' }));
      assert.ok(url.startsWith(`${sandbox.url}/files/`), url);
      assert.match(url, /\.png$/);
      const got = await download(url);
      assert.equal(got.type, 'image/png');
      assert.ok(got.bytes.equals(png));
    });
  }

  const runs: Array<[string, (input: Record<string, unknown>) => Promise<unknown>]> = [
    ['official @fal-ai/client', async (input) => (await official().run('sandbox/echo', { input })).data],
    [
      'our client',
      async (input) =>
        (
          await createFalClient({ credentials: KEY, hosts: sandboxHosts(sandbox.url) }).run('sandbox/echo', {
            input,
          })
        ).data,
    ],
  ];

  for (const [name, run] of runs) {
    it(`${name}: a Blob inside a run input is uploaded and sent as its URL; strings stay`, async () => {
      const data = (await run({
        message: 'hi',
        data_uri: 'data:text/plain;base64,aGk=',
        files: [new Blob([new Uint8Array(png)], { type: 'image/png' })],
      })) as { message: string; data_uri: string; files: string[] };
      assert.equal(data.message, 'hi');
      assert.equal(data.data_uri, 'data:text/plain;base64,aGk=');
      assert.ok(data.files[0].startsWith(`${sandbox.url}/files/`), data.files[0]);
      const got = await download(data.files[0]);
      assert.equal(got.type, 'image/png');
      assert.ok(got.bytes.equals(png));
    });
  }

  it('both clients: a 91 MB Blob goes multipart (10 MB parts) and round-trips byte for byte', async () => {
    // fal-js switches to multipart above 90 MB and has no option to lower that, so this is the one
    // large test (about a second per client on loopback); our client runs at its default threshold.
    const data = randomBytes(91 * 1024 * 1024);
    const digest = createHash('sha256').update(data).digest('hex');
    const blob = new Blob([new Uint8Array(data.buffer, data.byteOffset, data.length)]);
    const ours = createStorageClient(resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) }));
    for (const upload of [(b: Blob) => official().storage.upload(b), (b: Blob) => ours.upload(b)]) {
      logs.length = 0;
      const url = await upload(blob);
      assert.ok(
        logs.some((line) => /multipart upload .* completed, 10 parts/.test(line)),
        logs.join('\n'),
      );
      const got = await download(url);
      assert.equal(got.bytes.length, data.length);
      assert.equal(createHash('sha256').update(got.bytes).digest('hex'), digest);
    }
  });

  it('official @fal-ai/client: initiate without a key is refused', async () => {
    const anonymous = createOfficialClient({
      credentials: () => undefined,
      requestMiddleware: async (request) => ({
        ...request,
        url: request.url.replace('https://rest.fal.ai', `${sandbox.url}/rest`),
      }),
    });
    await assert.rejects(anonymous.storage.upload(new Blob(['x'])), (err: Error & { status?: number }) => {
      assert.equal(err.status, 401);
      return true;
    });
  });
});
