// The playground's form, drawn: each field of `formFields(schema)` (src/common/schemaForm.ts) as a
// native VS Code control from @vscode-elements/elements, bound to one input value that the JSON
// editor shares. Every edit hands back the whole value (built with `setField`, so keys the form
// does not know are kept); `setValue` (an edit in the JSON editor) updates the controls in place,
// never rebuilding them, so focus and caret stay; a value a control cannot show goes in that
// field's own JSON box instead of being lost. Server text (labels, descriptions) is set as text only.
import type {
  VscodeButton,
  VscodeCheckbox,
  VscodeCollapsible,
  VscodeSingleSelect,
  VscodeTextarea,
  VscodeTextfield,
} from '@vscode-elements/elements';
import {
  getField,
  setField,
  unknownKeys,
  valueFits,
  type FieldPath,
  type FormField,
  type MediaKind,
} from '../common/schemaForm';
import { button as vscodeButton, nameControl as nameVscodeControl, select } from './controls';
import { pageMayLoad } from './mediaPolicy';

export interface SchemaFormOptions {
  readonly fields: readonly FormField[];
  /** The input value (an object; anything else is shown as an empty form and replaced on edit). */
  readonly value: unknown;
  /** After every edit in the form: the whole new value (always an object). */
  onChange(value: Record<string, unknown>): void;
  /** Choose file… of a media field: the host opens its dialog and later sets the URL at `path`. */
  onFileRequest?(path: FieldPath, media: MediaKind): void;
  /**
   * A Shift+drop, or a paste, of files onto a media field: the URIs (the Explorer's drag) and the
   * files (from the OS, or a pasted image) it carried. The host reads or uploads them and sets the URL.
   */
  onFileData?(path: FieldPath, media: MediaKind, data: FileData): void;
  /** Cancel, shown while an upload into the field at `path` is under way. */
  onFileCancel?(path: FieldPath): void;
}

/** What a drop or a paste onto a media field carried. */
export interface FileData {
  readonly uris: readonly string[];
  readonly files: readonly File[];
}

/** A media field's upload as the host tells it: under way (`progress` 0..1), or failed (`error`). */
export interface FileStatus {
  readonly progress?: number;
  readonly error?: string;
}

export interface SchemaForm {
  /** Shows `value` (e.g. edited in the JSON editor) in the controls, in place. */
  setValue(value: unknown): void;
  /** Draws a new set of fields (another endpoint) with `value`. */
  setFields(fields: readonly FormField[], value: unknown): void;
  /**
   * Shows an upload's progress (with Cancel) or its error under the media field at `path`;
   * undefined clears it. The value is not touched: the host sets the URL with `setValue` on success.
   */
  setFileStatus(path: FieldPath, status: FileStatus | undefined): void;
  dispose(): void;
}

/** A drawn piece of the form that shows its part of the root value. */
interface View {
  readonly element: HTMLElement;
  update(root: unknown): void;
}

interface Context {
  root(): unknown;
  commit(path: FieldPath, value: unknown): void;
  /** Shows the value again in every control (no change to it). */
  refresh(): void;
  /** Each drawn media field's status line, by `statusKey(path)`. */
  readonly fileStatus: Map<string, (status: FileStatus | undefined) => void>;
  readonly options: SchemaFormOptions;
}

export function mountSchemaForm(container: HTMLElement, options: SchemaFormOptions): SchemaForm {
  let root: unknown = options.value;
  let fields = options.fields;
  let views: View[] = [];
  const form = el('div', 'sf-form');
  const unknown = el('p', 'sf-unknown');
  container.append(form);

  const refresh = () => {
    for (const view of views) view.update(root);
    const extra = unknownKeys(fields, root);
    unknown.hidden = extra.length === 0;
    unknown.textContent = extra.length ? `Also in the input (edit them as JSON): ${extra.join(', ')}` : '';
  };
  const context: Context = {
    root: () => root,
    commit(path, value) {
      // A control that reports the value it already shows (some elements fire when set by script)
      // changes nothing, and says nothing.
      if (JSON.stringify(getField(root, path)) === JSON.stringify(value)) return;
      const next = setField(isRecord(root) ? root : {}, path, value) as Record<string, unknown>;
      root = next;
      refresh();
      options.onChange(next);
    },
    refresh,
    fileStatus: new Map(),
    options,
  };
  const draw = () => {
    context.fileStatus.clear();
    views = fields.map((f) => fieldView(f, f.path, context));
    form.replaceChildren(...views.map((v) => v.element), unknown);
    refresh();
  };
  draw();

  return {
    setValue(value) {
      root = value;
      refresh();
    },
    setFileStatus(path, status) {
      context.fileStatus.get(statusKey(path))?.(status);
    },
    setFields(next, value) {
      fields = next;
      root = value;
      draw();
    },
    dispose() {
      form.remove();
      views = [];
    },
  };
}

// ---- One field: its label, help, control, and a JSON box for values the control cannot show ----

function fieldView(field: FormField, path: FieldPath, ctx: Context): View {
  const wrapper = el('div', `sf-field sf-${field.kind}`);
  wrapper.dataset.path = path.join('.');
  const ownHeading = field.kind === 'object' || field.kind === 'boolean';
  if (!ownHeading) wrapper.append(labelOf(field));
  const control = field.kind === 'json' ? undefined : controlFor(field, path, ctx);
  const box = jsonBox(field, path, ctx);
  if (control) wrapper.append(control.element);
  wrapper.append(box.element);
  if (field.description && field.kind !== 'object') wrapper.append(helpOf(field.description));
  return {
    element: wrapper,
    update(root) {
      const value = getField(root, path);
      const asJson = !control || !valueFits(field, value) || (box.focused() && !box.hidden());
      box.element.hidden = !asJson;
      if (control) control.element.hidden = asJson;
      if (asJson) box.update(value);
      else control?.update(value, root);
    },
  };
}

interface Control {
  readonly element: HTMLElement;
  update(value: unknown, root: unknown): void;
}

function controlFor(field: FormField, path: FieldPath, ctx: Context): Control {
  switch (field.kind) {
    case 'text':
    case 'longText':
      return textControl(field, path, ctx);
    case 'integer':
    case 'number':
      return numberControl(field, path, ctx);
    case 'enum':
      return enumControl(field, path, ctx);
    case 'boolean':
      return booleanControl(field, path, ctx);
    case 'enumOrObject':
      return enumOrObjectControl(field, path, ctx);
    case 'stringArray':
      return stringArrayControl(field, path, ctx);
    case 'objectArray':
      return objectArrayControl(field, path, ctx);
    case 'object':
      return objectControl(field, ctx);
    case 'media':
      return mediaControl(field, path, ctx);
    case 'json':
      throw new Error('A JSON field has no control but its JSON box.');
  }
}

/** Short text (textfield) and long text (textarea); empty removes the key. Default as placeholder. */
function textControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const input =
    field.kind === 'longText'
      ? Object.assign(document.createElement('vscode-textarea') as VscodeTextarea, {
          rows: 3,
          resize: 'vertical' as const,
        })
      : (document.createElement('vscode-textfield') as VscodeTextfield);
  nameControl(input, field);
  const placeholder = defaultText(field);
  if (placeholder) input.placeholder = placeholder;
  if (field.maxLength !== undefined) input.maxLength = field.maxLength;
  input.addEventListener('input', () => ctx.commit(path, input.value === '' ? undefined : input.value));
  return {
    element: input,
    update(value) {
      const text = typeof value === 'string' ? value : '';
      if (input.value !== text) input.value = text;
    },
  };
}

/** A number: a slider (both bounds known) and a number box that agree; empty removes the key. */
function numberControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const element = el('div', 'sf-number-control');
  const integer = field.kind === 'integer';
  const step = integer ? 1 : sliderStep(field);
  const box = document.createElement('vscode-textfield') as VscodeTextfield;
  box.type = 'number';
  nameControl(box, field);
  if (field.minimum !== undefined) box.min = field.minimum;
  if (field.maximum !== undefined) box.max = field.maximum;
  box.step = integer ? 1 : undefined;
  const placeholder = defaultText(field);
  if (placeholder) box.placeholder = placeholder;
  let slider: HTMLInputElement | undefined;
  if (field.slider) {
    slider = document.createElement('input');
    slider.type = 'range';
    slider.className = 'sf-slider';
    slider.min = String(field.minimum);
    slider.max = String(field.maximum);
    slider.step = String(step);
    slider.setAttribute('aria-label', field.label);
    const range = slider;
    range.addEventListener('input', () => ctx.commit(path, roundTo(Number(range.value), step)));
    element.append(range);
  }
  element.append(box);
  box.addEventListener('input', () => {
    const text = box.value.trim();
    if (text === '') return ctx.commit(path, undefined);
    const n = Number(text);
    if (Number.isFinite(n) && (!integer || Number.isInteger(n))) ctx.commit(path, n);
  });
  return {
    element,
    update(value) {
      const n = typeof value === 'number' ? value : undefined;
      if (n === undefined ? box.value !== '' : Number(box.value) !== n || box.value.trim() === '')
        box.value = n === undefined ? '' : String(n);
      const shown = n ?? (typeof field.default === 'number' ? field.default : field.minimum);
      if (slider && shown !== undefined && Number(slider.value) !== shown) slider.value = String(shown);
    },
  };
}

/** A select of the enum's values; an optional field also offers "not set" (its default said). */
function enumControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const values = field.enumValues ?? [];
  const select = selectOf(field, [
    ...(field.required ? [] : [{ value: '', text: unsetText(field) }]),
    ...values.map((v, i) => ({ value: String(i), text: String(v) })),
  ]);
  select.addEventListener('change', () =>
    ctx.commit(path, select.value === '' ? undefined : values[Number(select.value)]),
  );
  return {
    element: select,
    update(value) {
      const at = values.indexOf(value);
      const wanted = at < 0 ? '' : String(at);
      if (select.value !== wanted) select.value = wanted;
    },
  };
}

/** A checkbox; unset shows the default. */
function booleanControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const box = document.createElement('vscode-checkbox') as VscodeCheckbox;
  box.label = field.label;
  box.setAttribute('aria-label', field.label);
  if (field.required) {
    box.required = true;
    box.setAttribute('aria-required', 'true');
  }
  box.addEventListener('change', () => ctx.commit(path, box.checked));
  return {
    element: box,
    update(value) {
      const checked = typeof value === 'boolean' ? value : field.default === true;
      if (box.checked !== checked) box.checked = checked;
    },
  };
}

const CUSTOM = 'custom';

/** fal's `image_size`: a select of presets plus "custom", which shows the object's own fields. */
function enumOrObjectControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const values = field.enumValues ?? [];
  const element = el('div', 'sf-enum-or-object');
  const select = selectOf(field, [
    ...(field.required ? [] : [{ value: '', text: unsetText(field) }]),
    ...values.map((v, i) => ({ value: String(i), text: String(v) })),
    { value: CUSTOM, text: 'custom' },
  ]);
  const inner = field.fields ?? [];
  const custom = el('div', 'sf-custom');
  const views = inner.map((f) => fieldView(f, [...path, ...f.path], ctx));
  custom.append(...views.map((v) => v.element));
  element.append(select, custom);
  select.addEventListener('change', () => {
    if (select.value === CUSTOM) {
      const current = getField(ctx.root(), path);
      ctx.commit(path, isRecord(current) ? current : defaultsOfFields(inner));
    } else ctx.commit(path, select.value === '' ? undefined : values[Number(select.value)]);
  });
  return {
    element,
    update(value, root) {
      const isCustom = isRecord(value);
      const at = values.indexOf(value);
      const wanted = isCustom ? CUSTOM : at < 0 ? '' : String(at);
      if (select.value !== wanted) select.value = wanted;
      custom.hidden = !isCustom;
      if (isCustom) for (const v of views) v.update(root);
    },
  };
}

/** Rows of text (of file URLs, each with its own Choose file…, for `image_urls`), with Remove and Add. */
function stringArrayControl(field: FormField, path: FieldPath, ctx: Context): Control {
  return rowsControl(field, path, ctx, {
    empty: () => '',
    drawRow(index) {
      const rowPath = [...path, index];
      if (field.media) {
        const row: FormField = {
          ...field,
          kind: 'media',
          label: `${field.label} ${index + 1}`,
          required: false,
          hasDefault: false,
          default: undefined,
        };
        const media = mediaControl(row, rowPath, ctx, '');
        return { element: media.element, update: (root) => media.update(getField(root, rowPath), root) };
      }
      const input = document.createElement('vscode-textfield') as VscodeTextfield;
      input.label = `${field.label} ${index + 1}`;
      input.setAttribute('aria-label', input.label);
      input.addEventListener('input', () => ctx.commit(rowPath, input.value));
      return {
        element: input,
        update(root) {
          const text = getField(root, rowPath);
          const shown = typeof text === 'string' ? text : '';
          if (input.value !== shown) input.value = shown;
        },
      };
    },
  });
}

/** Rows of objects (e.g. LoRA path and scale), each drawing its own fields, with Remove and Add. */
function objectArrayControl(field: FormField, path: FieldPath, ctx: Context): Control {
  const inner = field.fields ?? [];
  return rowsControl(field, path, ctx, {
    empty: () => defaultsOfFields(inner),
    drawRow(index) {
      const row = el('div', 'sf-row-fields');
      const views = inner.map((f) => fieldView(f, [...path, index, ...f.path], ctx));
      row.append(...views.map((v) => v.element));
      return {
        element: row,
        update(root) {
          for (const v of views) v.update(root);
        },
      };
    },
  });
}

/** The rows of an array field: redrawn only when their number changes, else updated in place. */
function rowsControl(
  field: FormField,
  path: FieldPath,
  ctx: Context,
  row: { empty(): unknown; drawRow(index: number): View },
): Control {
  const element = el('div', 'sf-rows');
  const list = el('div', 'sf-row-list');
  const add = button(`Add`, `Add to ${field.label}`);
  add.addEventListener('click', () => ctx.commit(path, [...arrayAt(ctx.root(), path), row.empty()]));
  element.append(list, add);
  let rows: View[] = [];
  return {
    element,
    update(value, root) {
      const items = Array.isArray(value) ? value : [];
      if (items.length !== rows.length) {
        rows = items.map((_, index) => {
          const view = row.drawRow(index);
          const remove = button('Remove', `Remove ${field.label} ${index + 1}`);
          remove.addEventListener('click', () =>
            ctx.commit(
              path,
              arrayAt(ctx.root(), path).filter((_item, i) => i !== index),
            ),
          );
          const line = el('div', 'sf-row');
          line.append(view.element, remove);
          return { element: line, update: (r: unknown) => view.update(r) };
        });
        list.replaceChildren(...rows.map((r) => r.element));
      }
      for (const r of rows) r.update(root);
    },
  };
}

/** A nested object: a collapsible of its fields (their paths are from the root). */
function objectControl(field: FormField, ctx: Context): Control {
  const box = document.createElement('vscode-collapsible') as VscodeCollapsible;
  box.heading = field.label + (field.required ? ' *' : '');
  box.open = true;
  if (field.description) box.description = field.description;
  const views = (field.fields ?? []).map((f) => fieldView(f, f.path, ctx));
  const body = el('div', 'sf-object-fields');
  body.append(...views.map((v) => v.element));
  box.append(body);
  return {
    element: box,
    update(_value, root) {
      for (const v of views) v.update(root);
    },
  };
}

/**
 * A file's URL: a text box, Choose file…, a Shift+drop target, upload status and a preview of the
 * URL. Emptied, the value becomes `empty` (the key removed; an array's row keeps '').
 */
function mediaControl(field: FormField, path: FieldPath, ctx: Context, empty?: string): Control {
  const media = field.media ?? 'file';
  const element = el('div', 'sf-media');
  const url = document.createElement('vscode-textfield') as VscodeTextfield;
  nameControl(url, field);
  url.placeholder = defaultText(field) ?? 'https://… or choose a file';
  url.addEventListener('input', () => ctx.commit(path, url.value === '' ? empty : url.value));
  const choose = button('Choose file…', `Choose file for ${field.label}`);
  choose.secondary = true;
  choose.addEventListener('click', () => ctx.options.onFileRequest?.(path, media));
  const hint = el('span', 'sf-hint');
  hint.textContent = 'Shift+drop a file here';
  const preview = el('div', 'sf-preview');
  const line = el('div', 'sf-media-line');
  line.append(url, choose, hint);
  const status = el('div', 'sf-file-status');
  status.setAttribute('role', 'status');
  const statusText = el('span', 'sf-file-progress');
  const cancel = button('Cancel', `Cancel the upload into ${field.label}`);
  cancel.addEventListener('click', () => ctx.options.onFileCancel?.(path));
  const failure = el('div', 'sf-file-error');
  failure.setAttribute('role', 'alert');
  status.append(statusText, cancel);
  status.hidden = true;
  element.append(line, status, failure, preview);
  ctx.fileStatus.set(statusKey(path), (s) => {
    const uploading = s?.progress !== undefined && s.error === undefined;
    status.hidden = !uploading;
    statusText.textContent = uploading ? `Uploading… ${Math.round((s.progress ?? 0) * 100)}%` : '';
    failure.textContent = s?.error ?? '';
  });
  element.addEventListener('dragover', (e) => {
    if (e.shiftKey) {
      e.preventDefault();
      element.classList.add('sf-drop');
    }
  });
  element.addEventListener('dragleave', () => element.classList.remove('sf-drop'));
  const take = (e: Event, data: DataTransfer | null) => {
    const found = data && fileDataOf(data);
    if (!found) return;
    e.preventDefault();
    ctx.options.onFileData?.(path, media, found);
  };
  element.addEventListener('drop', (e) => {
    element.classList.remove('sf-drop');
    take(e, e.dataTransfer);
  });
  element.addEventListener('paste', (e) => take(e, e.clipboardData));
  let shown: string | undefined;
  return {
    element,
    update(value) {
      const text = typeof value === 'string' ? value : '';
      if (url.value !== text) url.value = text;
      if (text !== shown) {
        shown = text;
        preview.replaceChildren(...(text ? [previewOf(text, media)] : []));
      }
    },
  };
}

/** A thumbnail, a player, or the file name. */
function previewOf(url: string, media: MediaKind): HTMLElement {
  const name = fileName(url);
  const viewable = pageMayLoad(url);
  if (viewable && media === 'image') {
    const img = document.createElement('img');
    img.src = url;
    img.alt = name;
    return img;
  }
  if (viewable && (media === 'audio' || media === 'video')) {
    const player = document.createElement(media);
    player.controls = true;
    player.preload = 'metadata';
    player.src = url;
    player.setAttribute('aria-label', name);
    return player;
  }
  const span = el('span', 'sf-file-name');
  span.textContent = name;
  return span;
}

/** The URIs and files a drop or paste carried; undefined when neither (a paste of text). */
function fileDataOf(data: DataTransfer): FileData | undefined {
  const lines = [data.getData('application/vnd.code.uri-list'), data.getData('text/uri-list')]
    .join('\n')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const uris = [...new Set(lines)];
  const files = Array.from(data.files);
  return uris.length || files.length ? { uris, files } : undefined;
}

const statusKey = (path: FieldPath) => JSON.stringify(path);

function fileName(url: string): string {
  if (url.startsWith('data:'))
    return url.slice(5, url.indexOf(/[;,]/.exec(url)?.[0] ?? ',')) || 'inline data';
  const last = url.split(/[?#]/)[0].split('/').filter(Boolean).pop() ?? url;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** A small box holding one field's value as JSON: kept as typed until it parses, the error under it. */
function jsonBox(
  field: FormField,
  path: FieldPath,
  ctx: Context,
): { element: HTMLElement; update(value: unknown): void; focused(): boolean; hidden(): boolean } {
  const element = el('div', 'sf-json');
  const text = document.createElement('vscode-textarea') as VscodeTextarea;
  text.monospace = true;
  text.rows = 3;
  text.resize = 'vertical';
  nameControl(text, field, `${field.label} (JSON)`);
  const problem = el('div', 'sf-json-problem');
  problem.setAttribute('role', 'status');
  element.append(text, problem);
  let focused = false;
  text.addEventListener('focusin', () => (focused = true));
  text.addEventListener('focusout', () => {
    focused = false;
    ctx.refresh(); // once left, the field shows as its control if its value now fits
  });
  text.addEventListener('input', () => {
    const typed = text.value.trim();
    if (typed === '') {
      problem.textContent = '';
      return ctx.commit(path, undefined);
    }
    try {
      const parsed: unknown = JSON.parse(typed);
      problem.textContent = '';
      ctx.commit(path, parsed);
    } catch (e) {
      problem.textContent = `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
  return {
    element,
    focused: () => focused,
    hidden: () => element.hidden,
    update(value) {
      let current: unknown;
      try {
        current = text.value.trim() === '' ? undefined : JSON.parse(text.value);
      } catch {
        if (focused) return; // being typed: keep it as it is
        current = Symbol('unparsed');
      }
      if (JSON.stringify(current) === JSON.stringify(value)) return;
      text.value = value === undefined ? '' : JSON.stringify(value, null, 2);
      problem.textContent = '';
    },
  };
}

// ---- Small pieces ----

function labelOf(field: FormField): HTMLElement {
  const label = el('div', 'sf-label');
  label.textContent = field.label;
  if (field.required) {
    const mark = el('span', 'sf-required');
    mark.textContent = ' *';
    mark.title = 'Required';
    label.append(mark);
  }
  return label;
}

function helpOf(text: string): HTMLElement {
  const help = el('div', 'sf-help');
  help.textContent = text;
  return help;
}

/** The accessible name, and required, of a labelled vscode-elements control. */
function nameControl(
  control: VscodeTextfield | VscodeTextarea | VscodeSingleSelect,
  field: FormField,
  name = field.label,
): void {
  nameVscodeControl(control, name);
  if (field.required) {
    control.required = true;
    control.setAttribute('aria-required', 'true');
  }
}

function selectOf(field: FormField, options: { value: string; text: string }[]): VscodeSingleSelect {
  const control = select(field.label, options);
  nameControl(control, field);
  return control;
}

function button(text: string, name: string): VscodeButton {
  return vscodeButton(text, { name });
}

/** The default, as a placeholder's text (not written into the value). */
function defaultText(field: FormField): string | undefined {
  if (!field.hasDefault || field.default === null || field.default === '') return undefined;
  return typeof field.default === 'string' ? field.default : JSON.stringify(field.default);
}

function unsetText(field: FormField): string {
  const d = defaultText(field);
  return d === undefined ? '(not set)' : `(default: ${d})`;
}

/** An object of the fields' defaults (a new LoRA row, a custom image size). */
function defaultsOfFields(fields: readonly FormField[]): Record<string, unknown> {
  let value: unknown = {};
  for (const f of fields)
    if (f.hasDefault && f.default !== undefined) value = setField(value, f.path, f.default);
  return value as Record<string, unknown>;
}

function sliderStep(field: FormField): number {
  const span = (field.maximum ?? 1) - (field.minimum ?? 0);
  return span > 0 ? 10 ** Math.floor(Math.log10(span / 100)) : 0.01;
}

function roundTo(n: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(n.toFixed(decimals));
}

function arrayAt(root: unknown, path: FieldPath): unknown[] {
  const v = getField(root, path);
  return Array.isArray(v) ? v : [];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
