// The sandbox's realtime sessions over loopback, spoken to with a raw `ws` socket: handshake auth
// (token, Key header, none, foreign Origin, wrong app, expired), msgpack frames, the echo/image/text
// handlers, max_buffering keeping the newest inputs, the idle TIMEOUT then close, INTERNAL_ERROR.
import * as assert from 'node:assert/strict';
import { renderImage } from '../../src/sandbox/endpoints/image';
import { startSandbox } from '../../src/sandbox/server';
import { KEY, delay, fetchToken, mustOpen, mustRefuse, openSession, realtimeUrl } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('realtime: sandbox handshake', () => {
  const sandbox = useSandbox();

  it('accepts a fal_jwt_token for the app', async () => {
    const token = await fetchToken(sandbox.url, ['echo']);
    const s = await mustOpen(realtimeUrl(sandbox.url, 'sandbox/echo', { fal_jwt_token: token }));
    s.send({ hello: 'token' });
    assert.deepEqual((await s.next()).data, { hello: 'token', seq: 1 });
    s.ws.close();
  });

  it('accepts Authorization: Key on the handshake', async () => {
    const s = await mustOpen(realtimeUrl(sandbox.url, 'sandbox/echo'), { authorization: `Key ${KEY}` });
    s.send({ hello: 'key' });
    assert.deepEqual((await s.next()).data, { hello: 'key', seq: 1 });
    s.ws.close();
  });

  it('refuses a handshake without credentials with 401 and a reason', async () => {
    const refusal = await mustRefuse(realtimeUrl(sandbox.url, 'sandbox/echo'));
    assert.equal(refusal.status, 401);
    assert.match(refusal.detail, /Authorization/);
  });

  it('refuses a foreign Origin with 403, and accepts loopback origins', async () => {
    const headers = { authorization: `Key ${KEY}` };
    const refusal = await mustRefuse(realtimeUrl(sandbox.url, 'sandbox/echo'), {
      ...headers,
      origin: 'https://evil.example',
    });
    assert.equal(refusal.status, 403);
    assert.match(refusal.detail, /Origin https:\/\/evil\.example is not allowed/);
    for (const origin of [sandbox.url, 'http://localhost:3000']) {
      const s = await mustOpen(realtimeUrl(sandbox.url, 'sandbox/echo'), { ...headers, origin });
      s.ws.close();
    }
  });

  it('refuses a token for another app with 403', async () => {
    const token = await fetchToken(sandbox.url, ['echo']);
    const refusal = await mustRefuse(realtimeUrl(sandbox.url, 'sandbox/image', { fal_jwt_token: token }));
    assert.equal(refusal.status, 403);
    assert.match(refusal.detail, /not valid for app "image"/);
  });

  it('refuses an expired or forged token with 401', async () => {
    const token = await fetchToken(sandbox.url, ['echo'], 0.05);
    await delay(80);
    const expired = await mustRefuse(realtimeUrl(sandbox.url, 'sandbox/echo', { fal_jwt_token: token }));
    assert.deepEqual(expired, { status: 401, detail: 'Token expired.' });
    const forged = await mustRefuse(
      realtimeUrl(sandbox.url, 'sandbox/echo', { fal_jwt_token: `${token.slice(0, -4)}AAAA` }),
    );
    assert.equal(forged.status, 401);
  });

  it('follows --key and --open for the Key header, as the HTTP routes do', async () => {
    const keyed = await startSandbox({ port: 0, key: KEY });
    const open = await startSandbox({ port: 0, open: true });
    try {
      const wrong = await mustRefuse(realtimeUrl(keyed.url, 'sandbox/echo'), {
        authorization: 'Key other:key',
      });
      assert.equal(wrong.status, 401);
      assert.match(wrong.detail, /Invalid key/);
      (await mustOpen(realtimeUrl(keyed.url, 'sandbox/echo'), { authorization: `Key ${KEY}` })).ws.close();
      (await mustOpen(realtimeUrl(open.url, 'sandbox/echo'))).ws.close();
      // A token, when given, is checked even on an open sandbox.
      const refusal = await mustRefuse(realtimeUrl(open.url, 'sandbox/echo', { fal_jwt_token: 'forged' }));
      assert.equal(refusal.status, 401);
    } finally {
      await keyed.close();
      await open.close();
    }
  });

  it('refuses max_buffering outside 1..60 with 400', async () => {
    const refusal = await mustRefuse(realtimeUrl(sandbox.url, 'sandbox/echo', { max_buffering: '61' }), {
      authorization: `Key ${KEY}`,
    });
    assert.equal(refusal.status, 400);
    assert.match(refusal.detail, /max_buffering/);
  });
});

describe('realtime: sandbox sessions', () => {
  const sandbox = useSandbox();
  const headers = { authorization: `Key ${KEY}` };
  const open = (id: string, query: Record<string, string> = {}) =>
    mustOpen(realtimeUrl(sandbox.url, id, query), headers);

  it('echoes each message in a binary msgpack frame with a seq field', async () => {
    const s = await open('sandbox/echo');
    s.send({ n: 1 });
    s.send({ n: 2, bytes: new Uint8Array([1, 2, 3]) });
    const first = await s.next();
    assert.equal(first.binary, true);
    assert.deepEqual(first.data, { n: 1, seq: 1 });
    const second = await s.next();
    assert.equal(second.data.seq, 2);
    assert.deepEqual([...(second.data.bytes as Uint8Array)], [1, 2, 3]);
    s.ws.close();
  });

  it('answers an image per prompt with the PNG bytes inline', async () => {
    const s = await open('sandbox/image');
    s.send({ prompt: 'a red fox', seed: 42, image_size: { width: 32, height: 24 } });
    const out = (await s.next()).data as { images: Array<Record<string, unknown>>; seed: number };
    const image = out.images[0];
    assert.equal(image.content_type, 'image/png');
    assert.equal(image.width, 32);
    assert.equal(image.height, 24);
    const bytes = Buffer.from(image.content as Uint8Array);
    assert.deepEqual(bytes.subarray(0, 8), PNG_SIGNATURE);
    assert.deepEqual(bytes, renderImage({ prompt: 'a red fox', seed: 42, width: 32, height: 24 }));
    assert.equal(out.seed, 42);
    s.ws.close();
  });

  it('answers a /files/ URL when asked with output_format "url"', async () => {
    const s = await open('sandbox/image');
    s.send({ prompt: 'a red fox', seed: 7, width: 16, height: 16, output_format: 'url' });
    const image = ((await s.next()).data as { images: Array<{ url: string; content?: unknown }> }).images[0];
    assert.equal(image.content, undefined);
    assert.ok(image.url.startsWith(`${sandbox.url}/files/`), image.url);
    const res = await fetch(image.url);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.deepEqual(
      Buffer.from(await res.arrayBuffer()),
      renderImage({ prompt: 'a red fox', seed: 7, width: 16, height: 16 }),
    );
    s.ws.close();
  });

  it('answers the text for sandbox/text', async () => {
    const s = await open('sandbox/text');
    s.send({ prompt: 'hello', max_tokens: 4 });
    const out = (await s.next()).data as { output: string };
    assert.equal(out.output.split(' ').length, 4);
    s.send({ prompt: 'hello', max_tokens: 4 });
    assert.deepEqual((await s.next()).data, out);
    s.ws.close();
  });

  it('keeps the newest max_buffering inputs while the handler is busy, dropping the oldest', async () => {
    const s = await open('sandbox/echo', { max_buffering: '2' });
    s.send({ n: 1, delay_ms: 300 });
    for (let n = 2; n <= 8; n++) s.send({ n });
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push((await s.next()).data.seq);
    assert.deepEqual(seqs, [1, 7, 8]);
    s.ws.close();
  });

  it('sends TIMEOUT after the idle period, then closes normally', async () => {
    const s = await open('sandbox/echo', { sandbox_idle_timeout: '0.1' });
    s.send({ n: 1 });
    assert.equal((await s.next()).data.seq, 1);
    const frame = await s.next();
    assert.equal(frame.binary, false);
    assert.deepEqual(frame.data, {
      type: 'x-fal-error',
      error: 'TIMEOUT',
      reason: 'no inputs, reconnect when needed!',
    });
    assert.equal((await s.closed).code, 1000);
  });

  it('answers INTERNAL_ERROR with the exception text when a handler throws, and goes on', async () => {
    const s = await open('sandbox/echo');
    s.send({ fail: 'the model fell over' });
    s.send({ n: 2 });
    const error = await s.next();
    assert.equal(error.binary, false);
    assert.deepEqual(error.data, {
      type: 'x-fal-error',
      error: 'INTERNAL_ERROR',
      reason: 'the model fell over',
    });
    assert.deepEqual((await s.next()).data, { n: 2, seq: 2 });
    const img = await open('sandbox/image');
    img.send({ seed: 1 });
    assert.deepEqual((await img.next()).data, {
      type: 'x-fal-error',
      error: 'INTERNAL_ERROR',
      reason: 'Invalid input: prompt: field required',
    });
    s.ws.close();
    img.ws.close();
  });

  it('answers an x-fal-error for apps without a realtime handler and for text frames', async () => {
    const s = await open('sandbox/slow');
    s.send({});
    const frame = await s.next();
    assert.equal(frame.data.type, 'x-fal-error');
    assert.equal(frame.data.error, 'NOT_FOUND');
    const echo = await open('sandbox/echo');
    echo.ws.send('{"not":"msgpack"}');
    assert.equal((await echo.next()).data.error, 'BAD_INPUT');
    s.ws.close();
    echo.ws.close();
  });

  it('closes its sessions when the sandbox closes', async () => {
    const other = await startSandbox({ port: 0 });
    const s = await openSession(realtimeUrl(other.url, 'sandbox/echo'), headers);
    assert.ok('ws' in s);
    await other.close();
    assert.equal((await s.closed).code, 1001);
  });
});
