// The realtime client's observer, against the sandbox over loopback: it sees every frame both ways
// with its time, size and bytes, decoded on demand, which input a received frame answers (and that
// an answer to a request given up is dropped), fal's text control frames as text, the connection's
// states and the token fetches and refreshes; a connection without an observer works as before.
import * as assert from 'node:assert/strict';
import { decode } from '@msgpack/msgpack';
import { sandboxHosts } from '../../src/common/hosts';
import { resolveConfig } from '../../src/fal/config';
import {
  createRealtimeClient,
  type RealtimeConnection,
  type RealtimeEvent,
  type RealtimeFrameEvent,
} from '../../src/fal/realtime';
import { KEY, waitUntil } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

type Out = Record<string, unknown>;

describe('realtime: the observer', () => {
  const sandbox = useSandbox();
  let conn: RealtimeConnection<Out> | undefined;
  afterEach(() => conn?.close());

  const connect = (
    events: RealtimeEvent[],
    extra: { tokenExpirationSeconds?: number; query?: Record<string, string> } = {},
  ) =>
    (conn = createRealtimeClient(
      resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) }),
    ).connect<Out>('sandbox/echo', { onResult: () => {}, observer: (e) => events.push(e), ...extra }));
  const frames = (events: RealtimeEvent[]) =>
    events.filter((e): e is RealtimeFrameEvent => e.type === 'frame');

  it('sees each frame both ways, paired by order, decoded, with the bytes on the wire', async () => {
    const events: RealtimeEvent[] = [];
    const c = connect(events);
    const sent: number[] = [];
    const before = Date.now();
    const first = await c.request({ n: 1, blob: new Uint8Array([1, 2, 3]) }, { onSent: (o) => sent.push(o) });
    assert.deepEqual({ ...first, blob: [...(first.blob as Uint8Array)] }, { n: 1, blob: [1, 2, 3], seq: 1 });
    await c.request({ n: 2 });
    const [out1, in1, out2, in2] = frames(events);
    assert.deepEqual(
      frames(events).map((f) => [f.direction, f.ordinal, f.binary]),
      [
        ['sent', 1, true],
        ['received', 1, true],
        ['sent', 2, true],
        ['received', 2, true],
      ],
    );
    assert.deepEqual(sent, [1]);
    assert.deepEqual(out1.decoded(), { n: 1, blob: new Uint8Array([1, 2, 3]) });
    assert.deepEqual(decode(out1.data as Uint8Array), out1.decoded(), 'data is the msgpack on the wire');
    assert.equal(out1.size, (out1.data as Uint8Array).byteLength);
    assert.equal(in1.decoded(), first, 'the received frame decoded is the output');
    assert.deepEqual(in2.decoded(), { n: 2, seq: 2 });
    assert.ok(out2.at >= before && in2.at >= out2.at);
    assert.deepEqual(
      events
        .filter((e) => e.type !== 'frame')
        .map((e) => (e.type === 'state' ? e.state : `token ${e.phase}`)),
      ['connecting', 'token fetched', 'open'],
    );
  });

  it('marks the answer to a request given up as dropped, and an x-fal-error answer as text', async () => {
    const events: RealtimeEvent[] = [];
    const c = connect(events);
    await c.request({ n: 'open' });
    const abort = new AbortController();
    const given = c.request({ n: 'given up', delay_ms: 150 }, { signal: abort.signal });
    abort.abort();
    await assert.rejects(given, { name: 'AbortError' });
    await assert.rejects(c.request({ fail: 'boom <b>' }), /INTERNAL_ERROR: boom <b>/);
    const received = frames(events).filter((f) => f.direction === 'received');
    assert.deepEqual(
      received.map((f) => [f.ordinal, f.dropped ?? false, f.binary]),
      [
        [1, false, true],
        [2, true, true],
        [3, false, false],
      ],
    );
    assert.deepEqual(received[2].decoded(), {
      type: 'x-fal-error',
      error: 'INTERNAL_ERROR',
      reason: 'boom <b>',
    });
    assert.equal(typeof received[2].data, 'string');
  });

  it('sees the idle TIMEOUT control frame (answering no input) and the close that follows', async () => {
    const events: RealtimeEvent[] = [];
    const c = connect(events, { query: { sandbox_idle_timeout: '0.1' } });
    c.open();
    await waitUntil(() => events.some((e) => e.type === 'state' && e.state === 'closed'), 'the close');
    const timeout = frames(events).find((f) => f.direction === 'received');
    assert.ok(timeout && timeout.ordinal === undefined);
    assert.deepEqual(timeout.decoded(), {
      type: 'x-fal-error',
      error: 'TIMEOUT',
      reason: 'no inputs, reconnect when needed!',
    });
  });

  it('tells each token refresh while connected', async () => {
    const events: RealtimeEvent[] = [];
    const c = connect(events, { tokenExpirationSeconds: 0.2 });
    await c.request({ n: 1 });
    await waitUntil(() => events.some((e) => e.type === 'token' && e.phase === 'refreshed'), 'a refresh');
    assert.deepEqual(await c.request({ n: 2 }), { n: 2, seq: 2 }, 'the socket lives on');
  });
});
