// A record keeps the headers of its call with secret-looking values redacted (in memory and in the
// saved index), while the request itself carries them as given: checked on a loopback server that
// keeps the headers it received.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { REDACTED } from '../../src/common/secretHeaders';
import { RequestRunner } from '../../src/requests/requestRunner';
import { RequestStore } from '../../src/requests/requestStore';
import { LogLines, SandboxConnections, tempStoreFile } from './runner-harness';

describe('runner: the headers a record keeps', () => {
  let server: http.Server;
  let received: http.IncomingHttpHeaders[];
  let url: string;

  before(async () => {
    received = [];
    server = http.createServer((req, res) => {
      received.push(req.headers);
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
      assert.ok(!fs.readFileSync(file, 'utf8').includes('secret-value'), 'the saved index has the secret');
    } finally {
      runner.dispose();
      store.dispose();
    }
  });
});
