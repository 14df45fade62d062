// Conformance: the official @fal-ai/client works against the sandbox unchanged (its requests to
// https://queue.fal.run, https://fal.run and https://rest.fal.ai rewritten onto the sandbox by a
// requestMiddleware), and our client passes the same scenarios: run; subscribe polling and streaming
// with logs; submit, status, result, cancel; stream; ValidationError on a 422. If the official client
// works end to end here, the sandbox speaks fal.
import * as assert from 'node:assert/strict';
import { ApiError as OfficialApiError, ValidationError as OfficialValidationError } from '@fal-ai/client';
import { ApiError, ValidationError } from '../../src/fal/errors';
import { useSandboxClient } from './clientSandbox';
import { officialSandboxClient } from './officialClient';

/** What the scenarios see of a queue status, in either client's types. */
interface Status {
  status: string;
  logs?: { message: string }[] | null;
}

interface Result {
  data: unknown;
  requestId: string;
}

/** The part of a client the scenarios use; both clients are assignable to it unchanged. */
interface Client {
  run(endpointId: string, options: { input: Record<string, unknown> }): Promise<Result>;
  subscribe(
    endpointId: string,
    options: {
      input: Record<string, unknown>;
      logs: boolean;
      mode: 'polling' | 'streaming';
      pollInterval?: number;
      onEnqueue?: (requestId: string) => void;
      onQueueUpdate?: (status: Status) => void;
    },
  ): Promise<Result>;
  queue: {
    submit(endpointId: string, options: { input: Record<string, unknown> }): Promise<{ request_id: string }>;
    status(endpointId: string, options: { requestId: string; logs: boolean }): Promise<Status>;
    result(endpointId: string, options: { requestId: string }): Promise<Result>;
    cancel(endpointId: string, options: { requestId: string }): Promise<unknown>;
  };
  stream(
    endpointId: string,
    options: { input: Record<string, unknown> },
  ): Promise<AsyncIterable<unknown> & { done(): Promise<unknown> }>;
}

interface Subject {
  name: string;
  make: () => Client;
  /** The client's own error classes: each client raises its own. */
  ApiError: abstract new (...args: never[]) => { status: number };
  ValidationError: abstract new (...args: never[]) => {
    status: number;
    getFieldErrors(field: string): { type: string }[];
  };
}

describe('conformance: queue, run and stream', () => {
  const h = useSandboxClient();

  const subjects: Subject[] = [
    {
      name: 'official @fal-ai/client',
      make: () => officialSandboxClient(h.sandbox.hosts, 'conformance:key'),
      ApiError: OfficialApiError,
      ValidationError: OfficialValidationError,
    },
    { name: 'our client', make: () => h.client, ApiError, ValidationError },
  ];

  for (const subject of subjects) {
    describe(subject.name, () => {
      let fal: Client;
      before(() => {
        fal = subject.make();
      });

      it('run', async () => {
        const result = await fal.run('sandbox/echo/v2', { input: { hello: 'world' } });
        assert.deepEqual(result.data, { hello: 'world' });
        assert.match(result.requestId, /^[0-9a-f-]{36}$/);
      });

      it('subscribe in polling mode with logs', async () => {
        const updates: Status[] = [];
        let enqueued = '';
        const result = await fal.subscribe('sandbox/slow', {
          input: { duration_ms: 60, steps: 3 },
          logs: true,
          // The official client polls by default and ours streams: both are told to poll.
          mode: 'polling',
          pollInterval: 10,
          onEnqueue: (id) => (enqueued = id),
          onQueueUpdate: (u) => updates.push(u),
        });
        assert.deepEqual(result.data, { duration_ms: 60, steps: 3 });
        assert.equal(result.requestId, enqueued);
        const last = updates.at(-1)!;
        assert.equal(last.status, 'COMPLETED');
        assert.ok(last.logs?.map((l) => l.message).includes('Step 3/3'));
      });

      it('subscribe in streaming mode with logs', async () => {
        const updates: Status[] = [];
        const result = await fal.subscribe('sandbox/image', {
          input: {
            prompt: 'conformance',
            seed: 3,
            num_inference_steps: 3,
            image_size: { width: 32, height: 32 },
          },
          logs: true,
          mode: 'streaming',
          onQueueUpdate: (u) => updates.push(u),
        });
        const data = result.data as { images: { url: string; width: number }[]; seed: number };
        assert.equal(data.seed, 3);
        assert.equal(data.images[0].width, 32);
        assert.equal(updates.at(-1)?.status, 'COMPLETED');
        const messages = updates.flatMap((u) => (u.logs ? u.logs.map((l) => l.message) : []));
        assert.ok(messages.includes('Step 3/3'), messages.join('|'));
        const png = await fetch(data.images[0].url);
        assert.equal(png.headers.get('content-type'), 'image/png');
      });

      it('submit, status, result and cancel', async () => {
        const q = fal.queue;
        const { request_id } = await q.submit('sandbox/slow/sub', { input: { duration_ms: 30 } });
        const status = await q.status('sandbox/slow/sub', { requestId: request_id, logs: true });
        assert.ok(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED'].includes(status.status));
        let done = status;
        while (done.status !== 'COMPLETED') {
          done = await q.status('sandbox/slow/sub', { requestId: request_id, logs: false });
        }
        const result = await q.result('sandbox/slow/sub', { requestId: request_id });
        assert.deepEqual(result.data, { duration_ms: 30, steps: 1 });
        assert.equal(result.requestId, request_id);

        const long = await q.submit('sandbox/slow', { input: { duration_ms: 5000, steps: 50 } });
        await q.cancel('sandbox/slow', { requestId: long.request_id });
        let final: Status;
        do final = await q.status('sandbox/slow', { requestId: long.request_id, logs: false });
        while (final.status !== 'COMPLETED');
        await assert.rejects(q.result('sandbox/slow', { requestId: long.request_id }), (err: unknown) => {
          assert.ok(err instanceof subject.ApiError);
          assert.equal(err.status, 499);
          return true;
        });
      });

      it('stream', async () => {
        const stream = await fal.stream('sandbox/text', { input: { prompt: 'conformance', max_tokens: 4 } });
        const events: { output: string; partial?: boolean }[] = [];
        for await (const event of stream) events.push(event as { output: string; partial?: boolean });
        const done = (await stream.done()) as { output: string; partial?: boolean };
        assert.equal(events.length, 5);
        assert.ok(events.slice(0, 4).every((e) => e.partial));
        assert.deepEqual(done, { output: events[3].output });
        assert.equal(done.output.split(' ').length, 4);
      });

      it('raises its ValidationError on a 422', async () => {
        await assert.rejects(fal.run('sandbox/image', { input: { num_images: 2 } }), (err: unknown) => {
          assert.ok(err instanceof subject.ValidationError);
          assert.equal(err.status, 422);
          assert.equal(err.getFieldErrors('prompt')[0].type, 'value_error.missing');
          return true;
        });
      });
    });
  }
});
