// The official @fal-ai/client pointed at a sandbox, unchanged but for a requestMiddleware that rewrites
// its requests to https://queue.fal.run, https://fal.run and https://rest.fal.ai onto the sandbox's hosts.
// Shared by the conformance tests and `npm run bench`.
import { createFalClient, type FalClient } from '@fal-ai/client';
import type { FalHosts } from '../../src/common/hosts';

export function officialSandboxClient(
  hosts: Pick<FalHosts, 'queue' | 'run' | 'rest'>,
  credentials: string,
): FalClient {
  const rewrites: [string, string][] = [
    ['https://queue.fal.run', hosts.queue],
    ['https://fal.run', hosts.run],
    ['https://rest.fal.ai', hosts.rest],
  ];
  return createFalClient({
    credentials,
    requestMiddleware: async (request) => {
      for (const [from, to] of rewrites) {
        if (request.url.startsWith(from)) return { ...request, url: to + request.url.slice(from.length) };
      }
      return request;
    },
  });
}
