// VS Code's own controls (@vscode-elements/elements) made the one way the page and the schema form
// both need: each with an accessible name on the element itself (a label outside a shadow root does
// not reach the input inside it), and buttons whose disabled state is also told to assistive
// technology (the element reflects `disabled` but sets no `aria-disabled`).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type {
  VscodeButton,
  VscodeCheckbox,
  VscodeSingleSelect,
  VscodeTextarea,
  VscodeTextfield,
} from '@vscode-elements/elements';

/** A button; secondary unless said otherwise. `name` is its accessible name when the text is not enough. */
export function button(
  text: string,
  options: {
    id?: string;
    className?: string;
    name?: string;
    title?: string;
    primary?: boolean;
    hidden?: boolean;
    onClick?: () => void;
  } = {},
): VscodeButton {
  const b = document.createElement('vscode-button') as VscodeButton;
  b.textContent = text;
  if (options.id) b.id = options.id;
  if (options.className) b.className = options.className;
  if (options.onClick) b.addEventListener('click', options.onClick);
  b.hidden = !!options.hidden;
  if (options.name) b.setAttribute('aria-label', options.name);
  if (options.title) b.title = options.title;
  b.secondary = !options.primary;
  return b;
}

/** Enables or disables a button, saying so to assistive technology too. */
export function setDisabled(b: VscodeButton, disabled: boolean): void {
  b.disabled = disabled;
  if (disabled) b.setAttribute('aria-disabled', 'true');
  else b.removeAttribute('aria-disabled');
}

/** Gives a text field, text area or select its accessible name (the label of its inner control). */
export function nameControl(
  control: VscodeTextfield | VscodeTextarea | VscodeSingleSelect,
  name: string,
): void {
  control.label = name;
  control.setAttribute('aria-label', name);
}

/** A one-line text field. */
export function textField(name: string, placeholder = ''): VscodeTextfield {
  const field = document.createElement('vscode-textfield') as VscodeTextfield;
  field.placeholder = placeholder;
  nameControl(field, name);
  return field;
}

/** A checkbox with its label as its text. */
export function checkbox(label: string, checked = false): VscodeCheckbox {
  const box = document.createElement('vscode-checkbox') as VscodeCheckbox;
  box.label = label;
  box.checked = checked;
  box.setAttribute('aria-label', label);
  return box;
}

/** A select of fixed options. */
export function select(
  name: string,
  options: readonly { value: string; text: string }[],
): VscodeSingleSelect {
  const s = document.createElement('vscode-single-select') as VscodeSingleSelect;
  nameControl(s, name);
  for (const o of options) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', o.value);
    option.textContent = o.text;
    s.append(option);
  }
  return s;
}
