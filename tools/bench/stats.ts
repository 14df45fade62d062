// The numbers every bench figure is made of: medians, and comparisons taken as the issue asks, on a
// shared and noisy machine: the contenders interleaved in rounds (their order rotated each round),
// the ratio taken within each round, and the median of those ratios reported with its spread.

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A median with the range it came from. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** What one round of one contender gave: a latency (ms, lower is better) or a rate (higher is better). */
export type Measure<C extends string> = (contender: C, round: number) => Promise<number>;

export interface Rounds<C extends string> {
  /** Each contender's figure, one per round. */
  readonly values: Record<C, number[]>;
}

/**
 * Runs `rounds` rounds; in each, every contender once, in an order rotated by the round, so none
 * always goes first (or right after another's garbage).
 */
export async function interleave<C extends string>(
  contenders: readonly C[],
  rounds: number,
  measure: Measure<C>,
): Promise<Rounds<C>> {
  const values = Object.fromEntries(contenders.map((c) => [c, [] as number[]])) as Record<C, number[]>;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + r) % contenders.length];
      values[c].push(await measure(c, r));
    }
  }
  return { values };
}

/** `a / b` within each round, as the median with its spread. */
export function roundRatios<C extends string>(rounds: Rounds<C>, a: C, b: C): Spread {
  const ratios = rounds.values[a].map((v, i) => v / rounds.values[b][i]);
  return spread(ratios);
}

/** Calls `fn` `n` times one after the other; the median of their durations in ms. */
export async function medianLatency(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
