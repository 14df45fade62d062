// The client names fal's category of a failure: `ApiError.errorType` (from `body.error_type`, else
// the `x-fal-error-type` header) and a completed status's `error_type`, over loopback to a sandbox
// failing requests with fal's infrastructure errors.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxHosts } from '../../src/common/hosts';
import { createFalClient } from '../../src/fal/client';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { ApiError } from '../../src/fal/errors';
import { useSandboxClient } from './clientSandbox';

describe('client: fal error types', () => {
  const h = useSandboxClient();

  it('ApiError.errorType comes from body.error_type, else the x-fal-error-type header', () => {
    const fromBody = new ApiError({ message: 'x', status: 503, body: { error_type: 'runner_disconnected' } });
    assert.equal(fromBody.errorType, 'runner_disconnected');
    const fromHeader = new ApiError({
      message: 'x',
      status: 504,
      body: '<html>',
      headers: { [FAL_HEADERS.errorType]: 'startup_timeout' },
    });
    assert.equal(fromHeader.errorType, 'startup_timeout');
    assert.equal(new ApiError({ message: 'x', status: 500, body: { detail: 'd' } }).errorType, undefined);
  });

  it('a queue request failed on a runner: its completed status and its result name the type', async () => {
    const { request_id: requestId } = await h.client.queue.submit('sandbox/echo', {
      input: { a: 1 },
      headers: { 'x-sandbox-fault': 'runner_connection_timeout' },
    });
    const completed = await h.client.queue.subscribeToStatus('sandbox/echo', { requestId });
    assert.equal(completed.status, 'COMPLETED');
    assert.equal(completed.error_type, 'runner_connection_timeout');
    assert.equal(completed.error, 'Runner connection timed out');
    const polled = await h.client.queue.status('sandbox/echo', { requestId });
    assert.equal(polled.status === 'COMPLETED' && polled.error_type, 'runner_connection_timeout');
    const error = await h.client.queue.result('sandbox/echo', { requestId }).catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 503);
    assert.equal(error.errorType, 'runner_connection_timeout');
    assert.equal(error.message, 'Runner connection timed out');
  });

  it('a direct run failed with an error type rejects with errorType set', async () => {
    const error = await h.client
      .run('sandbox/echo', { input: {}, headers: { 'x-sandbox-fault': 'startup_timeout' } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.status, 504);
    assert.equal(error.errorType, 'startup_timeout');
    assert.ok(!error.isUserTimeout);
  });

  it('a completed status naming its failure only in x-fal-error-type gets error_type from the header', async () => {
    // A server that answers as the Python client allows for: the type in the header alone.
    const server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        [FAL_HEADERS.requestId]: 'req-1',
        [FAL_HEADERS.errorType]: 'runner_disconnected',
      });
      res.end(
        JSON.stringify({
          status: 'COMPLETED',
          request_id: 'req-1',
          logs: null,
          error: 'Runner disconnected',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createFalClient({ credentials: 'a:b', hosts: sandboxHosts(url) });
      const status = await client.queue.status('sandbox/echo', { requestId: 'req-1' });
      assert.equal(status.status === 'COMPLETED' && status.error_type, 'runner_disconnected');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
