// A record keeps the headers of its call with secret-looking values redacted (in memory and in the
// saved index), while the request itself carries them as given: checked on a loopback server that
// keeps the headers it received. A webhook URL's token likewise: the sandbox delivers to the URL as
// given, and the record keeps it redacted.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { REDACTED, redactUrl } from '../../src/common/secretHeaders';
import { startSandbox } from '../../src/sandbox/server';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { KEY, LogLines, SandboxConnections, storeFilesText, tempStoreFile, until } from './runner-harness';

describe('runner: the headers a record keeps', () => {
  let server: http.Server;
  let received: http.IncomingHttpHeaders[];
  let receivedUrls: string[];
  let url: string;

  before(async () => {
    received = [];
    receivedUrls = [];
    server = http.createServer((req, res) => {
      received.push(req.headers);
      receivedUrls.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends secret-looking headers as given, and keeps them redacted on the record and on disk', async () => {
    const file = tempStoreFile();
    const store = new RequestStore(file);
    const runner = new RequestRunner(store, new SandboxConnections(() => url), new LogLines());
    try {
      const started = await runner.start({
        endpointId: 'sandbox/echo',
        method: 'run',
        input: {},
        headers: { 'x-api-token': 'secret-value', 'x-custom': 'one' },
        platform: { startTimeout: 30 },
      });
      const done = await started.done;
      assert.equal(done.state, 'COMPLETED', JSON.stringify(done.error));
      assert.equal(received.at(-1)?.['x-api-token'], 'secret-value');
      assert.equal(received.at(-1)?.['x-custom'], 'one');
      assert.equal(received.at(-1)?.[FAL_HEADERS.requestTimeout], '30');
      assert.deepEqual(done.headers, { 'x-api-token': REDACTED, 'x-custom': 'one' });
      await store.flush();
      const saved = storeFilesText(file);
      assert.ok(saved.includes('x-custom'), 'the record is saved');
      assert.ok(!saved.includes('secret-value'), 'a saved file has the secret');
    } finally {
      runner.dispose();
      store.dispose();
    }
  });

  it('redacts a secret-looking query parameter and a password of a URL, nothing else', () => {
    assert.equal(
      redactUrl('https://user:pw@example.com/hook?token=abc&x=1&api_key=k'),
      `https://user:${encodeURIComponent(REDACTED)}@example.com/hook?token=${encodeURIComponent(REDACTED)}&x=1&api_key=${encodeURIComponent(REDACTED)}`,
    );
    assert.equal(redactUrl('https://example.com/hook?x=1'), 'https://example.com/hook?x=1');
    assert.equal(redactUrl('not a url'), 'not a url');
  });

  it('delivers the webhook to its URL as given, and keeps its token redacted on the record and on disk', async () => {
    const sandbox = await startSandbox({ port: 0, key: KEY });
    const file = tempStoreFile();
    const store = new RequestStore(file);
    const runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    try {
      const webhookUrl = `${url}/hook?token=webhook-secret&x=1`;
      const started = await runner.start({
        endpointId: 'sandbox/echo',
        method: 'submit',
        input: {},
        webhookUrl,
      });
      const done = await until(store, started.record.id, (r) => r.state === 'COMPLETED', 'completed');
      assert.ok(!done.webhookUrl?.includes('webhook-secret'), done.webhookUrl);
      assert.match(done.webhookUrl ?? '', /x=1/);
      for (let i = 0; i < 100 && !receivedUrls.some((u) => u.startsWith('/hook')); i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.ok(receivedUrls.includes('/hook?token=webhook-secret&x=1'), receivedUrls.join(', '));
      await store.flush();
      const saved = storeFilesText(file);
      assert.ok(saved.includes('/hook?token='), 'the record is saved');
      assert.ok(!saved.includes('webhook-secret'), 'a saved file has the token');
    } finally {
      runner.dispose();
      store.dispose();
      await sandbox.close();
    }
  });
});
