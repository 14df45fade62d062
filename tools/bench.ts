// `npm run bench`: how fast our protocol client (src/fal) is against the official @fal-ai/client and
// against raw sockets (node:http with a keep-alive Agent, the floor), all three against one in-process
// sandbox, in one run. Reports only: median and p95 latencies, throughput, and the ratios
// "ours / raw" and "ours / official". Nothing here asserts a speed.
import * as http from 'node:http';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import type { FalClient as OfficialClient } from '@fal-ai/client';
import { createFalClient, type FalClient } from '../src/fal/client';
import { startSandbox, type RunningSandbox } from '../src/sandbox/server';
import { officialSandboxClient } from '../test/unit/officialClient';

const CREDENTIALS = 'bench:bench';
const CONTENDERS = ['raw', 'ours', 'official'] as const;
type Contender = (typeof CONTENDERS)[number];
const LABEL: Record<Contender, string> = {
  raw: 'raw http (floor)',
  ours: 'ours (src/fal)',
  official: 'official @fal-ai/client',
};

type Input = Record<string, unknown>;
type Call = () => Promise<void>;

// ---------------------------------------------------------------- raw http: the floor

/** node:http with one keep-alive Agent: what any client has to do at least. */
class RawClient {
  readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16 });
  private readonly headers = {
    accept: 'application/json',
    'content-type': 'application/json',
    authorization: `Key ${CREDENTIALS}`,
  };

  constructor(private readonly sb: RunningSandbox) {}

  /** Sends `body` as JSON and resolves with the reply's status and raw body. */
  private send(method: string, url: string, body?: unknown): Promise<{ status: number; raw: Buffer }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method,
        agent: this.agent,
        headers: payload ? { ...this.headers, 'content-length': payload.length } : this.headers,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, raw: Buffer.concat(chunks) }));
      });
      req.end(payload);
    });
  }

  private async json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const { status, raw } = await this.send(method, url, body);
    if (status < 200 || status >= 300) throw new Error(`raw ${method} ${url}: HTTP ${status} ${raw}`);
    return JSON.parse(raw.toString('utf8')) as T;
  }

  /**
   * Opens an SSE response and calls `onEvent` with each parsed `data:` event until it returns true
   * (then the connection is left to end on its own) or the response ends.
   */
  private sse(method: string, url: string, body: unknown, onEvent: (e: unknown) => boolean): Promise<void> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request(url, {
        method,
        agent: this.agent,
        headers: {
          ...this.headers,
          accept: 'text/event-stream',
          ...(payload ? { 'content-length': payload.length } : {}),
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`raw SSE ${url}: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        let done = false;
        res.on('data', (chunk: string) => {
          pending += chunk;
          let end: number;
          while (!done && (end = pending.indexOf('\n\n')) >= 0) {
            const frame = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const data = frame
              .split('\n')
              .filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).trimStart())
              .join('\n');
            if (data && onEvent(JSON.parse(data))) {
              done = true;
              resolve();
            }
          }
        });
        res.on('error', reject);
        res.on('end', () => (done ? undefined : reject(new Error(`raw SSE ${url} ended early`))));
      });
      req.end(payload);
    });
  }

  run(id: string, input: Input): Promise<unknown> {
    return this.json('POST', `${this.sb.hosts.run}/${id}`, input);
  }

  /** Submit, follow the status SSE stream to COMPLETED, then GET the result. */
  async subscribe(id: string, input: Input): Promise<unknown> {
    const { request_id } = await this.json<{ request_id: string }>(
      'POST',
      `${this.sb.hosts.queue}/${id}`,
      input,
    );
    const base = `${this.sb.hosts.queue}/${id}/requests/${request_id}`;
    await this.sse('GET', `${base}/status/stream?logs=0`, undefined, (e) => {
      return (e as { status?: string }).status === 'COMPLETED';
    });
    return this.json('GET', base);
  }

  /** Submit, GET the status until it is COMPLETED (200), waiting `pollMs` between polls, then GET the result. */
  async subscribePolling(id: string, input: Input, pollMs: number): Promise<unknown> {
    const { request_id } = await this.json<{ request_id: string }>(
      'POST',
      `${this.sb.hosts.queue}/${id}`,
      input,
    );
    const base = `${this.sb.hosts.queue}/${id}/requests/${request_id}`;
    for (;;) {
      const { status } = await this.json<{ status: string }>('GET', `${base}/status?logs=0`);
      if (status === 'COMPLETED') break;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    return this.json('GET', base);
  }

  /** POST to `/stream`; resolves with the first event without `partial` (the final one). */
  async streamFinal(id: string, input: Input): Promise<unknown> {
    let last: unknown;
    await this.sse('POST', `${this.sb.hosts.run}/${id}/stream`, input, (e) => {
      last = e;
      return !(e as { partial?: boolean }).partial;
    });
    return last;
  }
}

// ---------------------------------------------------------------- measuring

interface Samples {
  /** Milliseconds per call (latency scenarios) or calls/s per round (throughput). */
  values: number[];
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The order contenders go in, rotated each round so none always runs first (or after a GC). */
function rotation(round: number): Contender[] {
  return CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
}

/**
 * Sequential latency: `warmup` untimed calls each, then `rounds` rounds of `perRound` timed calls
 * per contender, interleaved.
 */
async function latency(
  calls: Record<Contender, Call>,
  { warmup, rounds, perRound }: { warmup: number; rounds: number; perRound: number },
): Promise<Record<Contender, Samples>> {
  const out = Object.fromEntries(CONTENDERS.map((c) => [c, { values: [] as number[] }])) as Record<
    Contender,
    Samples
  >;
  for (const c of CONTENDERS) for (let i = 0; i < warmup; i++) await calls[c]();
  for (let r = 0; r < rounds; r++) {
    for (const c of rotation(r)) {
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now();
        await calls[c]();
        out[c].values.push(performance.now() - t0);
      }
    }
  }
  return out;
}

/** Throughput: `callers` concurrent loops sharing `total` calls; calls/s per round, interleaved. */
async function throughput(
  calls: Record<Contender, Call>,
  { callers, total, rounds }: { callers: number; total: number; rounds: number },
): Promise<Record<Contender, Samples>> {
  const out = Object.fromEntries(CONTENDERS.map((c) => [c, { values: [] as number[] }])) as Record<
    Contender,
    Samples
  >;
  const burst = async (call: Call, n: number) => {
    let left = n;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (left-- > 0) await call();
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  };
  for (const c of CONTENDERS) await burst(calls[c], total / 4);
  for (let r = 0; r < rounds; r++) {
    for (const c of rotation(r)) out[c].values.push(await burst(calls[c], total));
  }
  return out;
}

// ---------------------------------------------------------------- reporting

interface Row {
  title: string;
  kind: 'latency' | 'throughput';
  samples: Record<Contender, Samples>;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (n: number) => `${n.toFixed(2)}×`;

/** The headline number of a contender: median latency (ms) or median calls/s. */
const headline = (s: Samples) => quantile(s.values, 0.5);

function printTable(index: number, row: Row): void {
  const { title, kind, samples } = row;
  console.log();
  if (kind === 'latency') {
    console.log(`### ${index}. ${title}: latency in ms, lower is better; ratio < 1 means ours is faster`);
    console.log();
    console.log('| contender | median ms | p95 ms | calls |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const c of CONTENDERS) {
      const v = samples[c].values;
      console.log(`| ${LABEL[c]} | ${fmt(quantile(v, 0.5))} | ${fmt(quantile(v, 0.95))} | ${v.length} |`);
    }
  } else {
    console.log(`### ${index}. ${title}: calls/s, higher is better; ratio > 1 means ours is faster`);
    console.log();
    console.log('| contender | median calls/s | min | max | rounds |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const c of CONTENDERS) {
      const v = samples[c].values;
      console.log(
        `| ${LABEL[c]} | ${fmt(quantile(v, 0.5))} | ${fmt(Math.min(...v))} | ${fmt(Math.max(...v))} | ${v.length} |`,
      );
    }
  }
  const ours = headline(samples.ours);
  console.log();
  console.log(
    `ours / raw: ${ratio(ours / headline(samples.raw))}, ours / official: ${ratio(ours / headline(samples.official))}`,
  );
}

/** How many times as fast as `other` ours is (> 1: ours faster), whatever the unit. */
function speedup(row: Row, other: Contender): number {
  const ours = headline(row.samples.ours);
  const them = headline(row.samples[other]);
  return row.kind === 'latency' ? them / ours : ours / them;
}

function printSummary(rows: Row[]): void {
  console.log();
  console.log('### Summary (medians; ratios are ours / other as in the tables above)');
  console.log();
  console.log('| scenario | unit | raw http | ours | official | ours / raw | ours / official |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  rows.forEach((row, i) => {
    const [r, o, f] = CONTENDERS.map((c) => headline(row.samples[c]));
    const unit = row.kind === 'latency' ? 'ms, lower is better' : 'calls/s, higher is better';
    console.log(
      `| ${i + 1}. ${row.title} | ${unit} | ${fmt(r)} | ${fmt(o)} | ${fmt(f)} | ${ratio(o / r)} | ${ratio(o / f)} |`,
    );
  });
  const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const vsOfficial = rows.map((r) => speedup(r, 'official'));
  const vsRaw = rows.map((r) => speedup(r, 'raw'));
  const wins = vsOfficial.filter((x) => x > 1).length;
  console.log();
  console.log(
    `Summary: ours is ${geomean(vsOfficial).toFixed(2)}× as fast as the official client (geometric mean of the ` +
      `${rows.length} scenarios; faster in ${wins} of ${rows.length}) and runs at ` +
      `${(geomean(vsRaw) * 100).toFixed(0)}% of raw http speed.`,
  );
}

// ---------------------------------------------------------------- the scenarios

/** ~1 MB of JSON: many small objects, so both serialisation and input walking cost something. */
function largeInput(): Input {
  const items = Array.from({ length: 8_300 }, (_, i) => ({
    id: i,
    name: `item-${String(i).padStart(6, '0')}`,
    tags: ['bench', i % 2 ? 'odd' : 'even'],
    score: Math.round(Math.sin(i) * 1e6) / 1e6,
    note: 'the sandbox echoes every byte of this',
  }));
  return { message: 'large', items };
}

async function main(): Promise<void> {
  const started = performance.now();
  const sandbox = await startSandbox({ port: 0, open: true, concurrency: 8 });
  const raw = new RawClient(sandbox);
  const ours = createFalClient({ hosts: sandbox.hosts, credentials: CREDENTIALS });
  const official = officialSandboxClient(sandbox.hosts, CREDENTIALS);
  try {
    await benchAll(sandbox, raw, ours, official);
  } finally {
    // Our client's keep-alive sockets and the official client's (fetch) ones are closed by the server.
    raw.agent.destroy();
    await sandbox.close();
  }
  console.log();
  console.log(`(bench took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

async function benchAll(
  sandbox: RunningSandbox,
  raw: RawClient,
  ours: FalClient,
  official: OfficialClient,
): Promise<void> {
  const small: Input = { message: 'hello', n: 42, flags: [true, false] };
  const big = largeInput();
  const bigBytes = Buffer.byteLength(JSON.stringify(big));
  const text: Input = { prompt: 'bench', max_tokens: 8 };

  console.log(`# fal client benchmark`);
  console.log();
  console.log(
    `node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ` +
      `${os.platform()} ${os.arch()}; sandbox in-process at ${sandbox.url} (concurrency 8)`,
  );

  const runOf = (input: Input): Record<Contender, () => Promise<unknown>> => ({
    raw: () => raw.run('sandbox/echo', input),
    ours: async () => (await ours.run('sandbox/echo', { input })).data,
    official: async () => (await official.run('sandbox/echo', { input })).data,
  });
  const subscribeOf = (input: Input): Record<Contender, () => Promise<unknown>> => ({
    raw: () => raw.subscribe('sandbox/echo', input),
    ours: async () => (await ours.subscribe('sandbox/echo', { input })).data,
    official: async () => (await official.subscribe('sandbox/echo', { input })).data,
  });
  const POLL_MS = 10;
  const pollingOf = (input: Input): Record<Contender, () => Promise<unknown>> => ({
    raw: () => raw.subscribePolling('sandbox/echo', input, POLL_MS),
    ours: async () =>
      (await ours.subscribe('sandbox/echo', { input, mode: 'polling', pollInterval: POLL_MS })).data,
    official: async () =>
      (await official.subscribe('sandbox/echo', { input, mode: 'polling', pollInterval: POLL_MS })).data,
  });
  const isFinal = (e: unknown) => !(e as { partial?: boolean }).partial;
  const streamOf = (input: Input): Record<Contender, () => Promise<unknown>> => ({
    raw: () => raw.streamFinal('sandbox/text', input),
    ours: async () => {
      const stream = await ours.stream('sandbox/text', { input });
      for await (const e of stream) if (isFinal(e)) return e;
      throw new Error('ours: the stream ended without a final event');
    },
    official: async () => {
      const stream = await official.stream('sandbox/text', { input });
      for await (const e of stream) if (isFinal(e)) return e;
      throw new Error('official: the stream ended without a final event');
    },
  });

  // Every contender must get the right answer before any timing: a fast wrong client is no result.
  const expectedText = await ours.run('sandbox/text', { input: text });
  const checks: Array<[string, Record<Contender, () => Promise<unknown>>, unknown]> = [
    ['run small', runOf(small), small],
    ['run 1 MB', runOf(big), big],
    ['subscribe', subscribeOf(small), small],
    ['subscribe (polling)', pollingOf(small), small],
    ['stream', streamOf(text), expectedText.data],
  ];
  for (const [name, fns, expected] of checks) {
    for (const c of CONTENDERS) {
      const got = await fns[c]();
      if (!isDeepStrictEqual(got, expected)) {
        throw new Error(`${LABEL[c]} answered ${name} wrongly: ${JSON.stringify(got).slice(0, 200)}`);
      }
    }
  }
  console.log('Answers checked: every contender gets the same, correct data in every scenario.');

  const voidOf = (fns: Record<Contender, () => Promise<unknown>>): Record<Contender, Call> => ({
    raw: async () => void (await fns.raw()),
    ours: async () => void (await fns.ours()),
    official: async () => void (await fns.official()),
  });

  const rows: Row[] = [];
  const scenario = async (
    title: string,
    kind: Row['kind'],
    measure: () => Promise<Record<Contender, Samples>>,
  ) => {
    const row = { title, kind, samples: await measure() };
    rows.push(row);
    printTable(rows.length, row);
  };

  await scenario('run sandbox/echo, small input, sequential', 'latency', () =>
    latency(voidOf(runOf(small)), { warmup: 300, rounds: 10, perRound: 200 }),
  );
  await scenario('run sandbox/echo, small input, 16 concurrent callers', 'throughput', () =>
    throughput(voidOf(runOf(small)), { callers: 16, total: 2000, rounds: 5 }),
  );
  await scenario(
    'queue: submit sandbox/echo, wait, get result; default modes (official polls, ours and raw stream the status)',
    'latency',
    () => latency(voidOf(subscribeOf(small)), { warmup: 50, rounds: 10, perRound: 40 }),
  );
  await scenario(`queue, as 3 but every client polls (pollInterval ${POLL_MS} ms)`, 'latency', () =>
    latency(voidOf(pollingOf(small)), { warmup: 50, rounds: 10, perRound: 40 }),
  );
  await scenario(`stream sandbox/text (max_tokens ${text.max_tokens}), time to final event`, 'latency', () =>
    latency(voidOf(streamOf(text)), { warmup: 5, rounds: 6, perRound: 5 }),
  );
  await scenario(`run sandbox/echo, ${(bigBytes / 1e6).toFixed(2)} MB input and output`, 'latency', () =>
    latency(voidOf(runOf(big)), { warmup: 3, rounds: 5, perRound: 4 }),
  );

  printSummary(rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
