// Shared by the embedded-sandbox tests and their stand-in window process: secret storage as VS Code's,
// in memory, and a queue request submitted to a sandbox and left unfetched.
import * as assert from 'node:assert/strict';
import type { SandboxProcess, SecretStore } from '../../src/connection/embeddedSandbox';

/** Secret storage as VS Code's, in memory: what a second window of the same editor reads. */
export class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

/** Submits a `sandbox/echo` request and waits until it completes, without fetching its result. */
export async function submitUnfetched(sandbox: SandboxProcess, input: unknown): Promise<string> {
  const headers = { authorization: `Key ${sandbox.key}`, 'content-type': 'application/json' };
  const submit = await fetch(`${sandbox.url}/queue/sandbox/echo`, {
    method: 'POST',
    headers,
    body: JSON.stringify(input),
  });
  assert.equal(submit.status, 200);
  const { response_url, status_url } = (await submit.json()) as { response_url: string; status_url: string };
  for (;;) {
    const status = (await (await fetch(status_url, { headers })).json()) as { status: string };
    if (status.status === 'COMPLETED') return response_url;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
