// The bench's one table (figure, ours, official, raw, ratio with spread, target, met) and
// bench/results.json, which also describes the machine the figures were taken on (they mean little
// without it: 2 shared cores under other people's tests read very differently from a quiet desktop).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Spread } from './stats';

export interface Figure {
  /** Which item of issue 12 it belongs to (1-7). */
  readonly item: number;
  readonly name: string;
  readonly unit: string;
  readonly ours: number;
  readonly official?: number;
  readonly raw?: number;
  /** A ratio taken within each round (e.g. ours / raw), with what it compares. */
  readonly ratio?: Spread & { readonly of: string };
  /** The target as text, e.g. "≤ 1.2× raw". */
  readonly target: string;
  readonly met: boolean;
  /** Anything else worth keeping: rounds, counts, memory, why a target is not met. */
  readonly notes?: Record<string, unknown>;
}

export interface Machine {
  readonly cpus: Array<{ model: string; speed: number }>;
  readonly memoryGb: number;
  readonly freeMemoryGb: number;
  /** os.loadavg() at the start and at the end of the run. */
  readonly loadAverage: { start: number[]; end?: number[] };
  readonly node: string;
  readonly platform: string;
}

export function describeMachine(): Machine {
  return {
    cpus: os.cpus().map(({ model, speed }) => ({ model: model.trim(), speed })),
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(os.freemem() / 2 ** 30, 1),
    loadAverage: { start: os.loadavg().map((l) => round(l, 2)) },
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export function fmt(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function ratioText(r: Figure['ratio']): string {
  if (!r) return '—';
  return `${r.median.toFixed(2)}× ${r.of} (${r.min.toFixed(2)}–${r.max.toFixed(2)}, ${r.n} rounds)`;
}

/** The table in Markdown, one row per figure. */
export function table(figures: readonly Figure[]): string {
  const rows = [
    '| # | figure | unit | ours | official | raw | ratio (median, min–max) | target | met |',
    '| --- | --- | --- | ---: | ---: | ---: | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.item} | ${f.name} | ${f.unit} | ${fmt(f.ours)} | ${fmt(f.official)} | ${fmt(f.raw)} | ` +
        `${ratioText(f.ratio)} | ${f.target} | ${f.met ? 'yes' : '**no**'} |`,
    ),
  ];
  return rows.join('\n');
}

export function machineLine(m: Machine): string {
  const models = [...new Set(m.cpus.map((c) => c.model))].join(', ');
  const end = m.loadAverage.end ? ` → ${m.loadAverage.end.map((l) => l.toFixed(1)).join(' ')}` : '';
  return (
    `${m.cpus.length} × ${models}, ${m.memoryGb} GB, ${m.platform}, Node ${m.node}; ` +
    `load average ${m.loadAverage.start.map((l) => l.toFixed(1)).join(' ')}${end}`
  );
}

export function writeResults(
  root: string,
  machine: Machine,
  figures: readonly Figure[],
  seconds: number,
): string {
  const dir = path.join(root, 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'results.json');
  const allMet = figures.every((f) => f.met);
  fs.writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), seconds, machine, allMet, figures }, null, 2) + '\n',
  );
  return file;
}
