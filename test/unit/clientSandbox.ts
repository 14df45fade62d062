// Shared setup of the client tests that run over loopback against a real sandbox: one sandbox per
// suite, a client pointed at it with a fast retry base delay, and fault arming via `/_sandbox/faults`.
import { createFalClient, type CreateFalClientOptions, type FalClient } from '../../src/fal/client';
import { request } from '../../src/fal/http';
import type { RunningSandbox } from '../../src/sandbox/server';
import { useSandbox } from './sandbox-helpers';

export const KEY = 'test-id:test-secret';

export interface ClientHarness {
  readonly sandbox: RunningSandbox;
  client: FalClient;
  /** Retries seen by the client since the last `reset()`. */
  retries: Array<{ attempt: number; delayMs: number; url: string; error: unknown }>;
  arm(fault: { kind: string; times?: number; on?: string; retry_after?: number }): Promise<void>;
  reset(): Promise<void>;
  makeClient(options?: CreateFalClientOptions): FalClient;
}

export function useSandboxClient(): ClientHarness {
  const sandbox = useSandbox({ keepaliveMs: 200 });
  const harness = {
    retries: [],
    get sandbox() {
      return sandbox.sb;
    },
  } as unknown as ClientHarness;
  before(() => {
    harness.makeClient = (options = {}) =>
      createFalClient({
        credentials: KEY,
        hosts: harness.sandbox.hosts,
        retry: {
          baseDelayMs: 2,
          maxDelayMs: 200,
          onRetry: (info) => harness.retries.push(info),
        },
        ...options,
      });
    harness.client = harness.makeClient();
    harness.arm = async (fault) => {
      await request(harness.client.config, {
        method: 'POST',
        url: `${harness.sandbox.url}/_sandbox/faults`,
        body: fault,
      });
    };
    harness.reset = async () => {
      harness.retries.length = 0;
      await request(harness.client.config, {
        method: 'DELETE',
        url: `${harness.sandbox.url}/_sandbox/faults`,
      });
    };
  });
  beforeEach(() => harness.reset());
  return harness;
}
