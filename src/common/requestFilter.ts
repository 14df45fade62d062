// Which records the Requests view shows when it is filtered: by endpoint (exact id), by state
// (running, queued, completed, failed, cancelled) and by text, every word of which must appear
// (case-insensitive) in the record's id, fal's request id, the endpoint, the method, the error, or the
// text of its input and output. The text searched is bounded: the first SEARCH_CHARS of the input's
// and of the output's keys and values as held in memory (an output kept in a file of its own is not
// read), computed once per record version (its `updatedAt`), so a status change costs one record's
// check and a refresh of 10,000 records a cached lookup each. Pure: no `vscode`, no Node.
import { isFinal, type RequestRecord } from './callModel';

export type StateFilter = 'running' | 'queued' | 'completed' | 'failed' | 'cancelled';

/** The states a filter can pick, in the order the picker lists them, with the words for each. */
export const STATE_FILTERS: ReadonlyArray<{
  readonly value: StateFilter;
  readonly label: string;
  readonly detail: string;
}> = [
  { value: 'running', label: 'running', detail: 'submitting, queued or in progress' },
  { value: 'queued', label: 'queued', detail: "waiting in fal's queue" },
  { value: 'completed', label: 'completed', detail: 'ended with an output' },
  { value: 'failed', label: 'failed', detail: 'ended with an error' },
  { value: 'cancelled', label: 'cancelled', detail: 'stopped before it ended' },
];

export interface RequestFilter {
  /** An endpoint id, matched exactly. */
  readonly endpoint?: string;
  readonly state?: StateFilter;
  /** Words that must all appear in the record's text (case-insensitive). */
  readonly text?: string;
}

/** How many characters of an input's, and of an output's, text are searched. */
export const SEARCH_CHARS = 2000;

export function isFilterSet(filter: RequestFilter | undefined): filter is RequestFilter {
  return !!filter && (!!filter.endpoint || !!filter.state || !!filter.text?.trim());
}

/**
 * A filter from a command's argument: `{ endpoint?, state?, text? }` with strings, `state` one of
 * STATE_FILTERS. Throws, saying what is wrong, for anything else.
 */
export function parseFilter(value: unknown): RequestFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      'A request filter is an object: { "endpoint"?: string, "state"?: string, "text"?: string }.',
    );
  }
  const { endpoint, state, text } = value as Record<string, unknown>;
  for (const [name, v] of Object.entries({ endpoint, text })) {
    if (v !== undefined && typeof v !== 'string') throw new Error(`The filter's "${name}" must be a string.`);
  }
  if (state !== undefined && !STATE_FILTERS.some((s) => s.value === state)) {
    throw new Error(
      `The filter's "state" must be one of ${STATE_FILTERS.map((s) => s.value).join(', ')}, not ${JSON.stringify(state)}.`,
    );
  }
  const filter: { endpoint?: string; state?: StateFilter; text?: string } = {};
  if (typeof endpoint === 'string' && endpoint.trim()) filter.endpoint = endpoint.trim();
  if (state) filter.state = state as StateFilter;
  if (typeof text === 'string' && text.trim()) filter.text = text.trim();
  return filter;
}

/** The filter in words: `sandbox/echo · completed · "red fox"`. */
export function describeFilter(filter: RequestFilter): string {
  const parts: string[] = [];
  if (filter.endpoint) parts.push(filter.endpoint);
  if (filter.state) parts.push(filter.state);
  if (filter.text?.trim()) parts.push(`"${filter.text.trim()}"`);
  return parts.join(' · ');
}

export function matchesState(record: Pick<RequestRecord, 'state'>, state: StateFilter): boolean {
  switch (state) {
    case 'running':
      return !isFinal(record);
    case 'queued':
      return record.state === 'IN_QUEUE';
    case 'completed':
      return record.state === 'COMPLETED';
    case 'failed':
      return record.state === 'FAILED';
    case 'cancelled':
      return record.state === 'CANCELLED';
  }
}

/**
 * The keys and primitive values of `value`, depth first, joined by newlines, cut at `budget`
 * characters: the walk stops there, so a huge output costs no more than a small one.
 */
export function searchableText(value: unknown, budget = SEARCH_CHARS): string {
  const parts: string[] = [];
  let left = budget;
  const add = (text: string): boolean => {
    if (left <= 0) return false;
    const part = text.length > left ? text.slice(0, left) : text;
    parts.push(part);
    left -= part.length + 1;
    return left > 0;
  };
  const walk = (v: unknown): boolean => {
    if (v === null || v === undefined) return true;
    if (typeof v !== 'object') return add(String(v));
    if (Array.isArray(v)) {
      for (const item of v) if (!walk(item)) return false;
      return true;
    }
    for (const [key, item] of Object.entries(v)) if (!add(key) || !walk(item)) return false;
    return true;
  };
  walk(value);
  return parts.join('\n');
}

/** The lower-cased text a record is searched in (see the top of this file). */
export function recordSearchText(record: RequestRecord): string {
  return [
    record.id,
    record.requestId ?? '',
    record.endpointId,
    record.method,
    record.error ? `${record.error.message}\n${record.error.errorType ?? ''}` : '',
    searchableText(record.input),
    searchableText(record.output),
  ]
    .join('\n')
    .toLowerCase();
}

/** Decides which records a filter keeps; remembers each record's text until the record changes. */
export class RequestMatcher {
  private readonly words: readonly string[];
  private readonly texts = new WeakMap<RequestRecord, { readonly at: number; readonly text: string }>();

  constructor(readonly filter: RequestFilter) {
    this.words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  }

  matches(record: RequestRecord): boolean {
    const { endpoint, state } = this.filter;
    if (endpoint && record.endpointId !== endpoint) return false;
    if (state && !matchesState(record, state)) return false;
    if (this.words.length === 0) return true;
    const text = this.textOf(record);
    return this.words.every((word) => text.includes(word));
  }

  private textOf(record: RequestRecord): string {
    const known = this.texts.get(record);
    if (known && known.at === record.updatedAt) return known.text;
    const text = recordSearchText(record);
    this.texts.set(record, { at: record.updatedAt, text });
    return text;
  }
}

/** Each endpoint of the records with how many there are, most used first (the picker's choices). */
export function endpointCounts(
  records: readonly RequestRecord[],
): Array<{ endpoint: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.endpointId, (counts.get(r.endpointId) ?? 0) + 1);
  return [...counts]
    .map(([endpoint, count]) => ({ endpoint, count }))
    .sort((a, b) => b.count - a.count || (a.endpoint < b.endpoint ? -1 : 1));
}
