// Command line of the local fal-compatible sandbox: `npm run sandbox -- --port 8787`. Prints
// `fal sandbox listening on http://127.0.0.1:PORT` and serves until SIGINT/SIGTERM; with
// `--exit-unattached` (how the extension starts it, src/connection/embeddedSandbox.ts) it also exits
// once no window is attached and nothing is left to serve (lifetime.ts). The key comes from `--key`
// or, kept off the command line, from FAL_SANDBOX_KEY.
import { parseArgs } from 'node:util';
import { STORE_IO_HEADER_TITLE } from '../common/falHeaders';
import { listeningLine, SANDBOX_KEY_ENV } from './controlProtocol';
import { exitWhenUnattached } from './lifetime';
import { normalizeHostEntry } from './requestGuard';
import { startSandbox } from './server';

const HELP = `Usage: node dist/sandbox.js [options]

A local fal-compatible server: /run (fal.run), /queue (queue.fal.run), /rest (rest.fal.ai),
/api/v1 (api.fal.ai/v1), /openapi/queue/openapi.json, /files/ (also the CDN, v3.fal.media).

Options:
  --port N               Port to listen on; 0 picks any free port (default 8787)
  --host H               Address to bind (default 127.0.0.1)
  --key K                Accept only "Authorization: Key K" (or set ${SANDBOX_KEY_ENV}=K, which
                         other local users cannot read as they can a command line)
  --open                 Accept requests without any key
  --concurrency N        Requests each endpoint runs at once (default 1)
  --max-upload-mb N      Largest upload body accepted (a file, or one part of a multipart
                         upload), in MB (default 100)
  --max-multipart-mb N   Largest multipart upload, all parts together, in MB (default 10240)
  --cdn-token-ttl S      Seconds a CDN upload token (Python client) lives (default 3600)
  --max-store-mb N       Most MB of files kept under /files/; the oldest go first (default 512)
  --retention-scale F    Scale the result retention of ${STORE_IO_HEADER_TITLE}: 0 requests (1 hour,
                         6 minutes at 10 KB or more), e.g. 0.001 for tests (default 1)
  --exit-unattached      Exit when no window is attached (POST /_sandbox/attach) and no queue
                         result waits to be fetched; with results waiting, --hold-ms at most
  --window-timeout-ms N  A window counts as gone N ms after its last attach (default 30000)
  --hold-ms N            Longest stay with results waiting and no window (default 600000)
  --allow-host H         Also answer to the name H (as Host, and as a browser's Origin): loopback
                         names and the bound address only by default, against DNS rebinding;
                         repeatable (e.g. the name a remote code-server is reached by)
  --allow-fetch          Let image_url download any http(s) URL (default: only the sandbox's own
                         files and data URIs)
  --allow-webhooks-to H  Also deliver webhooks to host H (default: loopback only); repeatable
  --verbose              Log what the sandbox does to stderr
  --help                 Show this help
`;

const DEFAULT_WINDOW_TIMEOUT_MS = 30_000;
const DEFAULT_HOLD_MS = 10 * 60_000;

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

/** A repeatable host option's values, each a host name or address without a port. */
function hostList(name: string, values: string[] | undefined): string[] {
  return (values ?? []).map((value) => {
    const host = normalizeHostEntry(value);
    if (host === undefined)
      fail(`--${name} takes a host name or address without a port or path, not ${JSON.stringify(value)}`);
    return host;
  });
}

async function main(): Promise<void> {
  // Started by an editor window that may be gone by the time something is written: a closed pipe is
  // not a reason to stop serving.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
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
        'max-store-mb': { type: 'string' },
        'retention-scale': { type: 'string' },
        'max-multipart-mb': { type: 'string' },
        'cdn-token-ttl': { type: 'string' },
        'exit-unattached': { type: 'boolean' },
        'window-timeout-ms': { type: 'string' },
        'hold-ms': { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'allow-fetch': { type: 'boolean' },
        'allow-webhooks-to': { type: 'string', multiple: true },
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
  const windowTimeoutMs = intOption('window-timeout-ms', values['window-timeout-ms'], 1);
  const holdMs = intOption('hold-ms', values['hold-ms'], 0);
  const retentionScale =
    values['retention-scale'] === undefined ? undefined : Number(values['retention-scale']);
  if (retentionScale !== undefined && !(Number.isFinite(retentionScale) && retentionScale > 0)) {
    fail('--retention-scale must be a positive number');
  }
  const allowHosts = hostList('allow-host', values['allow-host']);
  const allowWebhooksTo = hostList('allow-webhooks-to', values['allow-webhooks-to']);
  const key = values.key ?? (process.env[SANDBOX_KEY_ENV] || undefined);
  delete process.env[SANDBOX_KEY_ENV];
  const sandbox = await startSandbox({
    port,
    host: values.host,
    key,
    open: values.open,
    concurrency: intOption('concurrency', values.concurrency, 1),
    maxUploadMb: intOption('max-upload-mb', values['max-upload-mb'], 1),
    maxStoreMb: intOption('max-store-mb', values['max-store-mb'], 1),
    retentionScale,
    maxMultipartMb: intOption('max-multipart-mb', values['max-multipart-mb'], 1),
    cdnTokenTtlSeconds: intOption('cdn-token-ttl', values['cdn-token-ttl'], 1),
    allowHosts,
    allowFetch: values['allow-fetch'],
    allowWebhooksTo,
    log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`${listeningLine(sandbox.url)}\n`);
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (values['exit-unattached']) {
    exitWhenUnattached({
      attachments: sandbox.attachments,
      unfetched: sandbox.unfetched,
      windowTimeoutMs: windowTimeoutMs ?? DEFAULT_WINDOW_TIMEOUT_MS,
      holdMs: holdMs ?? DEFAULT_HOLD_MS,
      onExit: (reason) => {
        process.stderr.write(`fal sandbox: exiting, ${reason}\n`);
        stop();
      },
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`fal sandbox: ${(err as Error)?.message ?? err}\n`);
  process.exit(1);
});
