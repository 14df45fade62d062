// JSON pretty-printed with every object's keys sorted, at every depth, so two values that differ
// only in key order print the same and a diff shows only what really differs (Compare Outputs /
// Compare Inputs). Array order is kept: it means something. Integer-like keys come first in numeric
// order, as JavaScript objects (hence JSON.stringify) always put them; both sides get the same order.

/** `value` with the keys of each object (at any depth) in sorted order. */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value === null || typeof value !== 'object') return value;
  // Objects with their own JSON form (Date) print as that form.
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === 'function') return sortKeysDeep((json as () => unknown).call(value));
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, sortKeysDeep((value as Record<string, unknown>)[key])]));
}

/** `value` as JSON with sorted keys, indented by two spaces, ending in a newline ("null" for undefined). */
export function sortedJson(value: unknown): string {
  return `${JSON.stringify(sortKeysDeep(value), null, 2) ?? 'null'}\n`;
}
