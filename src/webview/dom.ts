// The page's one way to make an element (tag, properties and data attributes, children) and a VS Code
// button. Text goes in as text nodes or `textContent`, never as HTML, so server text can never become
// markup.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(node, rest);
  if (dataset) Object.assign(node.dataset, dataset);
  for (const child of children) node.append(child);
  return node;
}

/** A secondary VS Code button (`vscode-button`) with its text, optional id, class and accessible name, and a click handler. */
export function vscodeButton(
  text: string,
  options: { id?: string; className?: string; label?: string; onClick?: () => void } = {},
): VscodeButton {
  const b = document.createElement('vscode-button') as VscodeButton;
  b.textContent = text;
  if (options.id) b.id = options.id;
  if (options.className) b.className = options.className;
  if (options.label) b.setAttribute('aria-label', options.label);
  b.secondary = true;
  if (options.onClick) b.addEventListener('click', options.onClick);
  return b;
}
