// `request(input, {signal})` of our realtime client, against the sandbox over loopback: a request
// given up rejects at once; not sent yet, it is never sent; sent, its output is dropped when it comes
// (not handed to onResult), so the requests after it still get their own outputs on the one socket.
import * as assert from 'node:assert/strict';
import { sandboxHosts } from '../../src/common/hosts';
import { resolveConfig } from '../../src/fal/config';
import { createRealtimeClient, type RealtimeConnection } from '../../src/fal/realtime';
import { KEY } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

type Out = Record<string, unknown>;

describe('realtime: requests given up', () => {
  const sandbox = useSandbox();
  let conn: RealtimeConnection<Out>;
  let results: Out[];
  let errors: Error[];

  beforeEach(() => {
    results = [];
    errors = [];
    conn = createRealtimeClient(
      resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) }),
    ).connect<Out>('sandbox/echo', { onResult: (r) => results.push(r), onError: (e) => errors.push(e) });
  });
  afterEach(() => conn.close());

  it('drops the late output of a sent request given up; the next request gets its own', async () => {
    await conn.request({ n: 'open' }); // the socket is open: what follows is sent at once
    const abort = new AbortController();
    const given = conn.request({ n: 'given up', delay_ms: 200 }, { signal: abort.signal });
    const next = conn.request({ n: 'next' });
    abort.abort();
    await assert.rejects(given, { name: 'AbortError' });
    assert.deepEqual(await next, { n: 'next', seq: 3 }, 'its own output, after the dropped one');
    assert.deepEqual(results, [], 'the dropped output is not handed to onResult');
    assert.deepEqual(errors, []);
  });

  it('never sends a request given up while connecting', async () => {
    const abort = new AbortController();
    const given = conn.request({ n: 'given up' }, { signal: abort.signal });
    const next = conn.request({ n: 'next' });
    abort.abort();
    await assert.rejects(given, { name: 'AbortError' });
    assert.deepEqual(await next, { n: 'next', seq: 1 }, 'the first input the server saw');
  });

  it('rejects at once, sending nothing, when the signal has aborted already', async () => {
    await assert.rejects(conn.request({ n: 'late' }, { signal: AbortSignal.abort() }), {
      name: 'AbortError',
    });
    assert.deepEqual(await conn.request({ n: 'first' }), { n: 'first', seq: 1 });
  });
});
