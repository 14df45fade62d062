// Command line of the local fal-compatible sandbox: `npm run sandbox -- --port 8787`. Prints
// `fal sandbox listening on http://127.0.0.1:PORT` and serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startSandbox } from './server';

const HELP = `Usage: node dist/sandbox.js [options]

A local fal-compatible server: /run (fal.run), /queue (queue.fal.run), /rest (rest.fal.ai),
/api/v1 (api.fal.ai/v1), /openapi/queue/openapi.json, /files/.

Options:
  --port N            Port to listen on; 0 picks any free port (default 8787)
  --host H            Address to bind (default 127.0.0.1)
  --key K             Accept only "Authorization: Key K"
  --open              Accept requests without any key
  --concurrency N     Requests each endpoint runs at once (default 1)
  --max-upload-mb N   Largest upload accepted, in MB (default 100)
  --verbose           Log what the sandbox does to stderr
  --help              Show this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${HELP}`);
  process.exit(2);
}

function intOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        key: { type: 'string' },
        open: { type: 'boolean' },
        concurrency: { type: 'string' },
        'max-upload-mb': { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = intOption('port', values.port, 0) ?? 8787;
  if (port > 65535) fail('--port must be at most 65535');
  const sandbox = await startSandbox({
    port,
    host: values.host,
    key: values.key,
    open: values.open,
    concurrency: intOption('concurrency', values.concurrency, 1),
    maxUploadMb: intOption('max-upload-mb', values['max-upload-mb'], 1),
    log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`fal sandbox listening on ${sandbox.url}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fal sandbox: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
