// Conformance: the official @fal-ai/client's realtime.connect works against the sandbox unchanged.
// Its token call to https://rest.fal.ai is rewritten onto the sandbox by a requestMiddleware; its
// socket, always `wss://fal.run/...`, by a global WebSocket (a `ws` subclass) that rewrites the URL.
// Our client passes the same scenarios.
import * as assert from 'node:assert/strict';
import { createFalClient as createOfficialClient } from '@fal-ai/client';
import { WebSocket as NodeWebSocket } from 'ws';
import { resolveConfig } from '../../src/fal/config';
import { sandboxHosts } from '../../src/common/hosts';
import { createRealtimeClient } from '../../src/fal/realtime';
import { KEY, delay, waitUntil } from './realtime-helpers';
import { useSandbox } from './sandbox-helpers';

type Out = Record<string, unknown>;

interface Handle {
  send(input: Out): void;
  close(): void;
}

type Connect = (id: string, onResult: (r: Out) => void, onError: (e: Error) => void) => Handle;

describe('conformance: realtime', () => {
  const sandbox = useSandbox();
  const globals = globalThis as unknown as { WebSocket?: unknown };
  const savedWebSocket = globals.WebSocket;
  const savedWarn = console.warn;
  /** Extra query parameters the rewriting WebSocket adds (the sandbox's idle timeout). */
  let extraQuery: Record<string, string> = {};

  before(() => {
    const wsBase = `${sandbox.url.replace(/^http/, 'ws')}/run`;
    class RewritingWebSocket extends NodeWebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        const target = new URL(String(url).replace(/^wss:\/\/fal\.run/, wsBase));
        for (const [k, v] of Object.entries(extraQuery)) target.searchParams.set(k, v);
        super(target, protocols);
      }
    }
    globals.WebSocket = RewritingWebSocket;
    // The official default token provider warns that it is deprecated on every connect.
    console.warn = () => {};
  });

  after(() => {
    globals.WebSocket = savedWebSocket;
    console.warn = savedWarn;
  });

  afterEach(() => {
    extraQuery = {};
  });

  const official: Connect = (id, onResult, onError) =>
    createOfficialClient({
      credentials: KEY,
      requestMiddleware: async (request) => ({
        ...request,
        url: request.url.replace('https://rest.fal.ai', `${sandbox.url}/rest`),
      }),
    }).realtime.connect(id, { onResult, onError, throttleInterval: 0 }) as Handle;

  const ours: Connect = (id, onResult, onError) =>
    createRealtimeClient(resolveConfig({ credentials: KEY, hosts: sandboxHosts(sandbox.url) })).connect<Out>(
      id,
      {
        onResult,
        onError,
        query: extraQuery,
      },
    );

  for (const [name, connect] of [
    ['official @fal-ai/client', official],
    ['our client', ours],
  ] as const) {
    describe(name, () => {
      let handle: Handle | undefined;
      let results: Out[] = [];
      let errors: Error[] = [];
      // Fresh arrays per connection: the official close() sends no close code, so its socket
      // reports "Error closing the connection" (1005) to the old callbacks after the test.
      const open = (id: string) => {
        const [r, e]: [Out[], Error[]] = [[], []];
        [results, errors] = [r, e];
        handle = connect(
          id,
          (x) => r.push(x),
          (x) => e.push(x),
        );
        return handle;
      };

      afterEach(() => {
        handle?.close();
        handle = undefined;
      });

      it('fetches a token, connects and gets echoes with seq', async () => {
        const conn = open('sandbox/echo');
        conn.send({ message: 'one' });
        await waitUntil(() => results.length === 1, 'the first echo');
        conn.send({ message: 'two' });
        await waitUntil(() => results.length === 2, 'the second echo');
        assert.deepEqual(results, [
          { message: 'one', seq: 1 },
          { message: 'two', seq: 2 },
        ]);
        assert.deepEqual(errors, []);
      });

      it('gets an image with its PNG bytes inline', async () => {
        const conn = open('sandbox/image');
        conn.send({ prompt: 'lighthouse', seed: 5, width: 16, height: 16 });
        await waitUntil(() => results.length === 1, 'an image');
        const image = (results[0].images as Array<{ content: Uint8Array; width: number }>)[0];
        assert.equal(image.width, 16);
        assert.equal(Buffer.from(image.content).subarray(1, 4).toString(), 'PNG');
      });

      it('gets the text', async () => {
        const conn = open('sandbox/text');
        conn.send({ prompt: 'hi', max_tokens: 2 });
        await waitUntil(() => results.length === 1, 'the text');
        assert.equal(typeof results[0].output, 'string');
      });

      it('reports INTERNAL_ERROR as "<error>: <reason>"', async () => {
        const conn = open('sandbox/echo');
        conn.send({ fail: 'kaput' });
        await waitUntil(() => errors.length === 1, 'onError');
        assert.equal(errors[0].message, 'INTERNAL_ERROR: kaput');
        assert.equal((errors[0] as Error & { status: number }).status, 400);
      });

      it('treats the idle TIMEOUT and its close as normal, and reconnects on the next send', async () => {
        extraQuery = { sandbox_idle_timeout: '0.05' };
        const conn = open('sandbox/echo');
        conn.send({ n: 1 });
        await waitUntil(() => results.length === 1, 'the first echo');
        await delay(200);
        conn.send({ n: 2 });
        await waitUntil(() => results.length === 2, 'an echo after reconnecting');
        assert.deepEqual(results[1], { n: 2, seq: 1 });
        assert.deepEqual(errors, []);
      });
    });
  }
});
