// A call's output as a collapsible JSON tree that reads as JSON (`"key": value`): objects and arrays
// fold (native <details>, so a click, Enter or Space folds them), a row is selected by a click or by
// focus, and the bar above copies the selected value (as JSON, a string as itself) or its JSONPath
// (`$.images[0].url`) through the host's clipboard. Long strings (data URLs) and long lists are cut
// for display only; the copy is whole. All text goes in as text. Rebuilt only when the value changes,
// keeping which nodes were folded.
import { jsonPathText } from '../common/jsonPath';
import type { FieldPath } from '../common/schemaForm';
import type { WebviewMessage } from '../common/playgroundProtocol';
import { button as vscodeButton } from './controls';
import { el } from './dom';

export interface JsonTree {
  /** Shows `value`, whose JSON is `text` (the page has it); the same text again changes nothing. */
  update(value: unknown, text: string | undefined): void;
}

/** Longest string shown whole; longer ones are cut (with their length said). */
const MAX_SHOWN_CHARS = 300;
/** Most children shown per object or array; the rest are counted. */
const MAX_SHOWN_CHILDREN = 200;

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] =>
  typeof v === 'object' && v !== null;

/** A primitive as JSON, long strings cut for display. */
function primitiveText(value: unknown): string {
  if (typeof value === 'string' && value.length > MAX_SHOWN_CHARS)
    return `${JSON.stringify(value.slice(0, MAX_SHOWN_CHARS))}… (${value.length} characters)`;
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

export function createJsonTree(container: HTMLElement, post: (message: WebviewMessage) => void): JsonTree {
  const selectedPath = el('code', { className: 'json-selected', id: 'json-selected' });
  const copyValue = vscodeButton('Copy Value', { id: 'copy-value', onClick: () => copy('value') });
  const copyPath = vscodeButton('Copy Path', { id: 'copy-path', onClick: () => copy('path') });
  const bar = el('div', { className: 'json-bar', hidden: true }, copyValue, copyPath, selectedPath);
  const tree = el('div', { className: 'json-tree', id: 'output' });
  tree.setAttribute('aria-label', 'Output (JSON)');
  container.append(bar, tree);

  let shownText: string | undefined;
  let root: unknown;
  let selected: { path: FieldPath; row: HTMLElement } | undefined;
  /** The rows of the tree shown, by JSON of their path. */
  let rows = new Map<string, { path: FieldPath; row: HTMLElement }>();
  /** Folded nodes, by path, kept across rebuilds. */
  const folded = new Set<string>();
  /** Each row's path, and each folder's key in `folded`: the tree listens once for all its rows. */
  let pathOfRow = new WeakMap<Element, FieldPath>();
  let keyOfFolder = new WeakMap<Element, string>();
  tree.addEventListener('focusin', (e) => {
    const path = pathOfRow.get(e.target as Element);
    if (path) select(path, e.target as HTMLElement);
  });
  tree.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const row = target.closest('.json-row');
    const path = row && pathOfRow.get(row);
    if (!row || !path) return;
    select(path, row as HTMLElement);
    // A click on a folder's key selects it; on its marker, braces or count it folds as well.
    if (row.tagName === 'SUMMARY' && target.classList.contains('json-key')) e.preventDefault();
  });
  // `toggle` does not bubble: heard on its way down.
  tree.addEventListener(
    'toggle',
    (e) => {
      const details = e.target as HTMLDetailsElement;
      const key = keyOfFolder.get(details);
      if (key === undefined) return;
      if (details.open) folded.delete(key);
      else folded.add(key);
    },
    true,
  );

  const valueAt = (path: FieldPath): unknown =>
    path.reduce<unknown>(
      (v, k) => (isContainer(v) ? (v as Record<string | number, unknown>)[k] : undefined),
      root,
    );

  function copy(what: 'value' | 'path'): void {
    const path = selected?.path ?? [];
    if (what === 'path') return post({ type: 'copyText', text: jsonPathText(path), what: 'the JSON path' });
    const value = valueAt(path);
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
    post({ type: 'copyText', text: text ?? '', what: 'the value' });
  }

  function select(path: FieldPath, row: HTMLElement): void {
    selected?.row.classList.remove('selected');
    selected?.row.setAttribute('aria-selected', 'false');
    selected = { path, row };
    row.classList.add('selected');
    row.setAttribute('aria-selected', 'true');
    selectedPath.textContent = jsonPathText(path);
  }

  /** The row's label: `"key": ` (or `0: ` in an array, nothing at the root). */
  function keyParts(key: string | number | undefined): Node[] {
    if (key === undefined) return [];
    return [
      el('span', {
        className: 'json-key',
        textContent: typeof key === 'number' ? String(key) : JSON.stringify(key),
      }),
      document.createTextNode(': '),
    ];
  }

  function selectable(row: HTMLElement, path: FieldPath): void {
    row.dataset.path = jsonPathText(path);
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-selected', 'false');
    rows.set(JSON.stringify(path), { path, row });
    pathOfRow.set(row, path);
  }

  function node(
    value: unknown,
    path: FieldPath,
    key: string | number | undefined,
    last: boolean,
  ): HTMLElement {
    const comma = last ? '' : ',';
    if (!isContainer(value)) {
      const row = el(
        'div',
        { className: 'json-row json-leaf', tabIndex: 0 },
        ...keyParts(key),
        el('span', {
          className: `json-value json-${value === null ? 'null' : typeof value}`,
          textContent: primitiveText(value),
        }),
        comma,
      );
      selectable(row, path);
      return row;
    }
    const array = Array.isArray(value);
    // Only the children shown are visited: an object of 10,000 keys costs its key list, not its entries.
    const keys: ReadonlyArray<string | number> = array ? [] : Object.keys(value);
    const total = array ? value.length : keys.length;
    const [open, close] = array ? ['[', ']'] : ['{', '}'];
    const count = `${total} ${array ? (total === 1 ? 'item' : 'items') : total === 1 ? 'key' : 'keys'}`;
    const summary = el(
      'summary',
      { className: 'json-row' },
      ...keyParts(key),
      el('span', { className: 'json-brace', textContent: open }),
      el('span', { className: 'json-count', textContent: ` ${count} ` }),
      el('span', { className: 'json-folded', textContent: `${close}${comma}` }),
    );
    selectable(summary, path);
    const children = el('div', { className: 'json-children', role: 'group' });
    for (let i = 0; i < Math.min(total, MAX_SHOWN_CHILDREN); i++) {
      const k = array ? i : keys[i];
      const child = (value as Record<string | number, unknown>)[k];
      children.append(node(child, [...path, k], k, i === total - 1));
    }
    if (total > MAX_SHOWN_CHILDREN)
      children.append(
        el('div', {
          className: 'json-more',
          textContent: `… ${total - MAX_SHOWN_CHILDREN} more (Copy Value copies them all)`,
        }),
      );
    const pathKey = JSON.stringify(path);
    const details = el(
      'details',
      { className: 'json-node', open: !folded.has(pathKey) },
      summary,
      children,
      el('div', { className: 'json-close', textContent: `${close}${comma}` }),
    );
    keyOfFolder.set(details, pathKey);
    return details;
  }

  return {
    update(value, text) {
      if (text === shownText) return;
      shownText = text;
      root = value;
      const keep = selected ? JSON.stringify(selected.path) : undefined;
      selected = undefined;
      selectedPath.textContent = '';
      rows = new Map();
      pathOfRow = new WeakMap();
      keyOfFolder = new WeakMap();
      tree.replaceChildren(...(value === undefined ? [] : [node(value, [], undefined, true)]));
      bar.hidden = value === undefined;
      tree.setAttribute('role', value === undefined ? 'none' : 'tree');
      // The row selected before stays selected when it still exists (a stream's growing output).
      const again = keep === undefined ? undefined : rows.get(keep);
      if (again) select(again.path, again.row);
    },
  };
}
