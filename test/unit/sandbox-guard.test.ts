// The sandbox as a server on someone's machine, over real loopback sockets: a `Host` that is not
// this machine's (DNS rebinding) is answered 421 unless `--allow-host` names it (also on the realtime
// handshake); a browser's state-changing request from a foreign `Origin` is 403, one without an
// Origin goes on; `image_url` is read only from the sandbox's own files and data URIs unless
// `--allow-fetch`; webhooks go only to loopback unless `--allow-webhooks-to`; files are served with
// `nosniff`, and HTML, SVG and XML ones as attachments.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import WebSocket from 'ws';
import { createContext } from '../../src/sandbox/context';
import { deliverWebhook } from '../../src/sandbox/webhooks';
import { KEY, call, initiateUpload, useSandbox } from './sandbox-helpers';

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request with exactly the headers given (fetch cannot set Host). */
function raw(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}${path}`,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The status a realtime handshake is answered with (101 when it opens). */
function handshake(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', reject);
  });
}

const auth = { authorization: `Key ${KEY}`, 'content-type': 'application/json' };

describe('sandbox guard: Host (DNS rebinding)', () => {
  const s = useSandbox({ allowHosts: ['dev.example.com'] });

  it('answers loopback names and addresses, with any port', async () => {
    for (const host of ['localhost', `localhost:${s.port}`, '127.0.0.1', `127.0.0.1:${s.port}`, '[::1]:9']) {
      const r = await raw(s.url, '/api/v1/models?limit=1', { headers: { host } });
      assert.equal(r.status, 200, `${host}: ${r.text}`);
    }
  });

  it('answers 421 with what to do for any other name, on every route', async () => {
    for (const path of ['/api/v1/models', '/files/x/y.png', '/_sandbox/health']) {
      const r = await raw(s.url, path, { headers: { host: `attacker.example:${s.port}` } });
      assert.equal(r.status, 421, path);
      const detail = JSON.parse(r.text).detail as string;
      assert.match(detail, /DNS rebinding/);
      assert.match(detail, /--allow-host attacker\.example\b/);
    }
    const run = await raw(s.url, '/run/sandbox/echo', {
      method: 'POST',
      headers: { ...auth, host: 'rebound.test' },
      body: '{"a":1}',
    });
    assert.equal(run.status, 421);
  });

  it('answers a name given with --allow-host', async () => {
    const r = await raw(s.url, '/run/sandbox/echo', {
      method: 'POST',
      headers: { ...auth, host: `DEV.example.com:8080` },
      body: '{"a":1}',
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(JSON.parse(r.text), { a: 1 });
  });

  it('refuses a realtime handshake under a foreign Host, as over HTTP', async () => {
    const url = `${s.url.replace('http', 'ws')}/run/sandbox/echo/realtime`;
    assert.equal(await handshake(url, { authorization: `Key ${KEY}`, host: 'attacker.example' }), 421);
    assert.equal(await handshake(url, { authorization: `Key ${KEY}` }), 101);
  });
});

describe('sandbox guard: Origin on state-changing requests', () => {
  const s = useSandbox({ allowHosts: ['dev.example.com'] });

  const post = (origin?: string) =>
    raw(s.url, '/queue/sandbox/echo', {
      method: 'POST',
      headers: { ...auth, ...(origin === undefined ? {} : { origin }) },
      body: '{"a":1}',
    });

  it('refuses a POST, PUT or DELETE from a foreign page with 403', async () => {
    for (const origin of ['https://evil.example', 'null', 'file://', 'http://127.0.0.1.evil.example']) {
      const r = await post(origin);
      assert.equal(r.status, 403, origin);
      assert.match(JSON.parse(r.text).detail, /state-changing/);
    }
    const faults = await raw(s.url, '/_sandbox/faults', {
      method: 'DELETE',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(faults.status, 403);
    const { upload_url } = await initiateUpload(s.url);
    const put = await raw(s.url, new URL(upload_url).pathname + new URL(upload_url).search, {
      method: 'PUT',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: 'x',
    });
    assert.equal(put.status, 403);
  });

  it('takes them with no Origin (not a browser), a loopback Origin or an allowed one', async () => {
    for (const origin of [
      undefined,
      `http://127.0.0.1:${s.port}`,
      'http://localhost:3000',
      'https://dev.example.com',
    ]) {
      assert.equal((await post(origin)).status, 200, String(origin));
    }
  });

  it('lets a foreign page GET public things (media, the catalogue), as fal does', async () => {
    const r = await raw(s.url, '/api/v1/models?limit=1', { headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 200);
  });
});

describe('sandbox guard: image_url fetches', () => {
  const png = new PNG({ width: 1, height: 1 });
  png.data.set([0, 0, 0, 255]);
  const bytes = PNG.sync.write(png);
  let server: http.Server;
  let remote = '';
  let hits = 0;
  before(async () => {
    server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'image/png' }).end(bytes);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a.png`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  describe('by default', () => {
    const s = useSandbox();
    it('reads its own files and data URIs, never another URL (not even on loopback)', async () => {
      const dataUri = `data:image/png;base64,${bytes.toString('base64')}`;
      const first = await call(s.url, '/run/sandbox/image-to-image', { body: { image_url: dataUri } });
      assert.equal(first.status, 200, first.text);
      const own = await call(s.url, '/run/sandbox/image-to-image', {
        body: { image_url: first.json.images[0].url },
      });
      assert.equal(own.status, 200, own.text);
      const before = hits;
      const other = await call(s.url, '/run/sandbox/image-to-image', { body: { image_url: remote } });
      assert.equal(other.status, 422);
      assert.deepEqual(other.json.detail[0].loc, ['body', 'image_url']);
      assert.match(other.json.detail[0].msg, /--allow-fetch/);
      assert.equal(hits, before, 'the URL was not requested');
    });
  });

  describe('with allowFetch', () => {
    const s = useSandbox({ allowFetch: true });
    it('downloads any http(s) URL', async () => {
      const before = hits;
      const r = await call(s.url, '/run/sandbox/image-to-image', { body: { image_url: remote } });
      assert.equal(r.status, 200, r.text);
      assert.equal(hits, before + 1);
    });
  });
});

describe('sandbox guard: webhook targets', () => {
  const s = useSandbox({ allowWebhooksTo: ['hooks.example.com'] });

  it('refuses a submit whose webhook is not on loopback, saying how to allow it', async () => {
    const hook = encodeURIComponent('http://192.168.1.1/admin');
    const r = await call(s.url, `/queue/sandbox/echo?fal_webhook=${hook}`, { body: {} });
    assert.equal(r.status, 400);
    assert.match(r.json.detail, /loopback addresses only/);
    assert.match(r.json.detail, /--allow-webhooks-to 192\.168\.1\.1/);
    for (const ok of ['http://127.0.0.1:9/hook', 'http://localhost:9/h', 'https://hooks.example.com/x']) {
      const accepted = await call(s.url, `/queue/sandbox/echo?fal_webhook=${encodeURIComponent(ok)}`, {
        body: {},
      });
      assert.equal(accepted.status, 200, ok);
    }
  });

  it('never opens a socket to a refused target at delivery either', async () => {
    const logs: string[] = [];
    const ctx = createContext({ log: (line) => logs.push(line) });
    await deliverWebhook(ctx, {
      url: 'http://10.255.255.1/hook',
      requestId: 'r1',
      gatewayRequestId: 'g1',
      status: 'OK',
      payload: {},
    });
    assert.equal(logs.length, 1);
    assert.match(logs[0], /not delivered.*loopback addresses only/);
  });
});

describe('sandbox guard: files a browser would run', () => {
  const s = useSandbox();

  async function upload(contentType: string, name: string): Promise<RawReply> {
    const { upload_url, file_url } = await initiateUpload(s.url, {
      content_type: contentType,
      file_name: name,
    });
    const put = await fetch(upload_url, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: '<x/>',
    });
    assert.equal(put.status, 200);
    return raw(s.url, new URL(file_url).pathname);
  }

  it('serves every file with nosniff, and HTML, SVG, XHTML and XML as attachments', async () => {
    for (const [type, name] of [
      ['text/html', 'page.html'],
      ['image/svg+xml', 'a.svg'],
      ['application/xhtml+xml', 'a.xhtml'],
      ['text/xml', 'a.xml'],
      ['text/html; charset=utf-8', 'b.html'],
    ]) {
      const r = await upload(type, name);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', type);
      assert.match(r.headers['content-disposition'] ?? '', /^attachment; filename\*=UTF-8''/, type);
    }
    for (const [type, name] of [
      ['image/png', 'a.png'],
      ['video/mp4', 'a.mp4'],
      ['text/plain', 'a.txt'],
    ]) {
      const r = await upload(type, name);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', type);
      assert.equal(r.headers['content-disposition'], undefined, type);
    }
  });

  it('serves thumbnails with nosniff', async () => {
    const r = await raw(s.url, '/_sandbox/thumbnails/sandbox/image.png');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
  });
});
