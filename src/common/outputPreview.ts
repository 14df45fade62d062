// What the playground's JSON tree shows of a call's output, made by the host: each container's first
// MAX_SHOWN_CHILDREN children and its whole size, at most MAX_PREVIEW_NODES nodes in all, strings cut
// at MAX_SHOWN_CHARS. An output of 10,000 keys (or a megabyte of nested lists) costs the page what it
// shows, not a parse and a clone of it all; Copy Value asks the host, which holds the whole output.
import { cutText, lengthSaid } from './cutText';
import { findOutputText, type OutputText } from './outputMedia';
import type { FieldPath } from './schemaForm';

/** A node of the preview: a primitive's JSON (a long string cut), or a container with its first children. */
export type PreviewNode =
  | { readonly leaf: string }
  | {
      readonly array: boolean;
      /** How many children it has in the output (those not in `children` are counted, not shown). */
      readonly size: number;
      readonly children: ReadonlyArray<readonly [string | number, PreviewNode]>;
    };

/** Longest string shown whole; longer ones are cut, with their length said. */
export const MAX_SHOWN_CHARS = 300;
/** Most children shown per object or array. */
export const MAX_SHOWN_CHILDREN = 200;
/** Most nodes in a whole preview: past it, containers show their size only. */
export const MAX_PREVIEW_NODES = 2000;

/** A primitive as JSON, a long string cut. */
function leafText(value: unknown): string {
  if (typeof value === 'string' && value.length > MAX_SHOWN_CHARS)
    return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}${lengthSaid(value.length)}`;
  return value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
}

/** The preview of `value` (depth first: the first children of the first containers come first). */
export function previewOf(value: unknown): PreviewNode {
  let budget = MAX_PREVIEW_NODES;
  const node = (v: unknown): PreviewNode => {
    budget--;
    if (typeof v !== 'object' || v === null) return { leaf: leafText(v) };
    const array = Array.isArray(v);
    // Only the children shown are visited: an object of 10,000 keys costs its key list, not its entries.
    const keys: ReadonlyArray<string | number> = array ? [] : Object.keys(v);
    const size = array ? v.length : keys.length;
    const children: Array<readonly [string | number, PreviewNode]> = [];
    for (let i = 0; i < size && i < MAX_SHOWN_CHILDREN && budget > 0; i++) {
      const key = array ? i : keys[i];
      children.push([key, node((v as Record<string | number, unknown>)[key])]);
    }
    return { array, size, children };
  };
  return node(value);
}

/** The value at `path` in `value`, by own keys and indices only (undefined when a step is missing). */
export function getOwnField(value: unknown, path: FieldPath): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** A value as Copy Value puts it on the clipboard: a string as itself, anything else as indented JSON. */
export function copiedText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? '');
}

/** What the page is sent of an output: its preview as JSON text (the same text again changes nothing) and its text blocks. */
export interface OutputView {
  readonly previewJson: string;
  readonly texts: readonly OutputText[];
}

/** The longest text block sent whole; a longer one (a base64 blob without a scheme) is cut. */
export const MAX_TEXT_CHARS = 100_000;

/** The page's view of `output` (undefined when the call has none yet). */
export function outputView(output: unknown): OutputView | undefined {
  if (output === undefined) return undefined;
  const texts = findOutputText(output).map(({ key, text }) => ({ key, text: cutText(text, MAX_TEXT_CHARS) }));
  return { previewJson: JSON.stringify(previewOf(output)), texts };
}
