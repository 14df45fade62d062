// A call's output as a collapsible JSON tree that reads as JSON (`"key": value`): objects and arrays
// fold (native <details>, so a click, Enter or Space folds them), a row is selected by a click or by
// focus, and the bar above copies the selected value (the host, which holds the whole output, puts it
// on the clipboard: as JSON, a string as itself) or its JSONPath (`$.images[0].url`). It draws the
// host's preview (outputPreview.ts): long strings and long lists are cut for display only; the copy
// is whole. All text goes in as text. Rebuilt only when the preview changes, keeping which nodes were folded.
import { jsonPathText } from '../common/jsonPath';
import type { PreviewNode } from '../common/outputPreview';
import type { FieldPath } from '../common/schemaForm';
import type { WebviewMessage } from '../common/playgroundProtocol';
import { button as vscodeButton } from './controls';
import { el } from './dom';

export interface JsonTree {
  /**
   * Shows the preview whose JSON is `previewJson` (undefined: no output) of the output of record
   * `recordId` (whose value Copy Value asks the host for); the same text again changes nothing.
   */
  update(previewJson: string | undefined, recordId: string | undefined): void;
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
  let shownRecord: string | undefined;
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

  function copy(what: 'value' | 'path'): void {
    const path = selected?.path ?? [];
    if (what === 'path') return post({ type: 'copyText', text: jsonPathText(path), what: 'the JSON path' });
    if (shownRecord) post({ type: 'copyOutputValue', recordId: shownRecord, path });
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
    preview: PreviewNode,
    path: FieldPath,
    key: string | number | undefined,
    last: boolean,
  ): HTMLElement {
    const comma = last ? '' : ',';
    if ('leaf' in preview) {
      const type = leafType(preview.leaf);
      const row = el(
        'div',
        { className: 'json-row json-leaf', tabIndex: 0 },
        ...keyParts(key),
        el('span', { className: `json-value json-${type}`, textContent: preview.leaf }),
        comma,
      );
      selectable(row, path);
      return row;
    }
    const { array, size: total, children: shown } = preview;
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
    shown.forEach(([k, child], i) => children.append(node(child, [...path, k], k, i === total - 1)));
    if (total > shown.length)
      children.append(
        el('div', {
          className: 'json-more',
          textContent: `… ${total - shown.length} more (Copy Value copies them all)`,
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
    update(previewJson, recordId) {
      shownRecord = recordId;
      if (previewJson === shownText) return;
      shownText = previewJson;
      const keep = selected ? JSON.stringify(selected.path) : undefined;
      selected = undefined;
      selectedPath.textContent = '';
      rows = new Map();
      pathOfRow = new WeakMap();
      keyOfFolder = new WeakMap();
      const preview = previewJson === undefined ? undefined : (JSON.parse(previewJson) as PreviewNode);
      tree.replaceChildren(...(preview === undefined ? [] : [node(preview, [], undefined, true)]));
      bar.hidden = preview === undefined;
      tree.setAttribute('role', preview === undefined ? 'none' : 'tree');
      // The row selected before stays selected when it still exists (a stream's growing output).
      const again = keep === undefined ? undefined : rows.get(keep);
      if (again) select(again.path, again.row);
    },
  };
}

/** The JSON type of a primitive from its text, for its colour. */
function leafType(text: string): string {
  if (text.startsWith('"')) return 'string';
  if (text === 'true' || text === 'false') return 'boolean';
  return text === 'null' || text === 'undefined' ? text : 'number';
}
