// A window's extension host in miniature, run as its own process by embedded-sandbox.test.ts: starts
// the embedded sandbox (`node embeddedSandboxWindow.js <path of dist/sandbox.js>`), submits a queue
// request, prints what the next window needs as one JSON line, and then simply ends: nothing of the
// sandbox may keep this process running, and the sandbox must outlive it.
import { EMBEDDED_SANDBOX_SECRET, EmbeddedSandbox } from '../../src/connection/embeddedSandbox';
import { MemorySecrets, submitUnfetched } from './embedded-helpers';

async function main(): Promise<void> {
  const secrets = new MemorySecrets();
  const quiet = () => {};
  const embedded = new EmbeddedSandbox({
    cliPath: process.argv[2],
    secrets,
    log: { info: quiet, warn: quiet, error: quiet, debug: quiet },
    attachEveryMs: 100,
    windowTimeoutMs: 400,
    // Should the test fail before it kills the sandbox, the sandbox still goes away on its own soon.
    holdMs: 20_000,
  });
  const sandbox = await embedded.get();
  const responseUrl = await submitUnfetched(sandbox, { from: 'a window that ended' });
  const saved = secrets.values.get(EMBEDDED_SANDBOX_SECRET);
  process.stdout.write(`${JSON.stringify({ saved, pid: sandbox.pid, responseUrl })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exitCode = 1;
});
