// Paths the sandbox cannot decode, or that decode to characters no header can carry (a request id
// goes back in `x-fal-request-id`), are paths it does not have: 404 on every route that decodes
// paths (queue, run, files, thumbnails), never the 500 of a throw.
import * as assert from 'node:assert/strict';
import { call, useSandbox } from './sandbox-helpers';

describe('sandbox: undecodable paths are 404', () => {
  const s = useSandbox();

  const cases: [method: string, path: string][] = [
    ['GET', '/queue/sandbox/echo/requests/%00x/status'],
    ['GET', '/queue/sandbox/echo/requests/%00x/status/stream'],
    ['GET', '/queue/sandbox/echo/requests/%00x'],
    ['PUT', '/queue/sandbox/echo/requests/%00x/cancel'],
    ['GET', '/queue/sandbox/echo/requests/x%0Ay/status'],
    ['GET', '/queue/sandbox/echo/requests/%E0%A4%A/status'],
    ['GET', '/queue/sandbox/echo/requests/%zz/status'],
    ['POST', '/queue/sandbox/%zz'],
    ['POST', '/queue/sandbox/echo%00'],
    ['POST', '/run/sandbox/%E0%A4%A'],
    ['POST', '/run/sandbox/echo%00'],
    ['POST', '/run/sandbox/echo/stream%zz'],
    ['GET', '/files/%zz/name'],
    ['GET', '/files/%00/name'],
    ['GET', '/_sandbox/thumbnails/sandbox/%zz.png'],
    ['GET', '/_sandbox/thumbnails/sandbox/echo%00.png'],
  ];

  for (const [method, path] of cases) {
    it(`${method} ${path}`, async () => {
      const r = await call(s.url, path, { method, ...(method === 'GET' ? {} : { body: {} }) });
      assert.equal(r.status, 404, r.text);
      assert.ok(r.json?.detail, r.text);
    });
  }

  it('still answers a well-formed unknown request id with 404 and its own id', async () => {
    const r = await call(s.url, '/queue/sandbox/echo/requests/no-such-id/status');
    assert.equal(r.status, 404, r.text);
  });
});
