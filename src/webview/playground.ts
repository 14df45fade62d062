// Browser side of the playground: the form (endpoint with its unit price, method, JSON input, platform
// and custom headers) and the result (resultView.ts: status, cost, timings, error with field errors,
// media, text, the output as a JSON tree, stream events, logs).
// With the method realtime, the result's place holds the realtime session (realtimeSessionView.ts).
// Everything a server sent is put in the page with textContent or as a URL attribute, never as HTML.
// The form is saved with the webview state on every change, so a reload or restart loses nothing.
// The JSON input is a schema-aware editor (jsonEditor.ts). Call is VS Code's keybinding (Ctrl/Cmd+Enter,
// package.json): the host asks with `callRequested` and the page calls as a click would.
import { checkForm, checkJsonInput } from '../common/callForm';
import {
  EMPTY_FORM,
  type CallView,
  type HostMessage,
  type PlaygroundForm,
  type PlaygroundMethod,
  type WebviewMessage,
} from '../common/playgroundProtocol';
import { CALL_METHODS, isCallMethod } from '../common/callModel';
import { checkEndpointId } from '../common/endpointId';
import { STORE_IO_OFF_COST } from '../common/falErrorTypes';
import { FAL_HEADERS } from '../common/falHeaders';
import { createJsonEditor } from './jsonEditor';
import { defaultsOf, formFields, setField, type FieldPath } from '../common/schemaForm';
import { mountSchemaForm, type SchemaForm } from './schemaFormView';
import { button, checkbox, nameControl, select, setDisabled, textField } from './controls';
import { el } from './dom';
import { mountEndpointPicker } from './endpointPicker';
import { mountRealtimeSession } from './realtimeSessionView';
import { mountResultView } from './resultView';
import type { VscodeCollapsible, VscodeRadio, VscodeTextarea } from '@vscode-elements/elements';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PlaygroundForm | undefined;
  setState(state: PlaygroundForm): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

const METHOD_HELP: Record<PlaygroundMethod, string> = {
  run: 'Direct call, no queue; the platform does not retry it.',
  subscribe: 'Queue it and wait, with live status and logs.',
  submit: 'Queue it and return at once; the Requests view follows it.',
  stream: "Progressive output from the endpoint's /stream (Server-Sent Events).",
  realtime: 'A warm WebSocket to the endpoint; back-to-back requests on one connection.',
};

// ---- the form ----
const target = el('p', { className: 'target' });
const pickerBox = el('div', { className: 'picker' });
/** The endpoint id box, a combobox over the target's catalogue (endpointPicker.ts). */
const picker = mountEndpointPicker(pickerBox);
const endpoint = picker.input;
const exampleButton = button('Example input', {
  id: 'example',
  title: "Fill the required fields from the endpoint's schema",
});
/** Sets every field the form draws to its default (keys the form does not know are kept). */
const resetButton = button('Reset to defaults', { id: 'reset', hidden: true });
const endpointProblem = el('p', { className: 'problem', id: 'endpoint-problem' });
/** The input schema in force (that of `schemaOf`), for Reset to defaults. */
let schemaInForce: Record<string, unknown> | undefined;
/** The endpoint's unit price at the target ("$0.025 / image"), as the host tells it; empty when none is known. */
const price = el('span', { className: 'price', id: 'price' });
/** The endpoint id `price` is the price of. */
let priceOf = '';
/** The endpoint id whose input schema the editor checks against ('' for none). */
let schemaOf = '';

const methodGroup = document.createElement('vscode-radio-group');
methodGroup.id = 'method';
methodGroup.setAttribute('aria-label', 'Method');
const methodRadios = CALL_METHODS.map((method) => {
  const radio = document.createElement('vscode-radio') as VscodeRadio;
  radio.className = 'method';
  radio.name = 'method';
  radio.value = method;
  radio.label = method;
  radio.title = METHOD_HELP[method];
  radio.dataset.method = method;
  // Its inner input is a checkbox: the element itself is what a screen reader should hear, as a radio.
  radio.setAttribute('role', 'radio');
  radio.setAttribute('aria-label', method);
  methodGroup.append(radio);
  return radio;
});
const methodHelp = el('p', { className: 'help', id: 'method-help' });

const label = (text: string, control: HTMLElement) =>
  el('label', {}, el('span', { textContent: text }), control);
const webhookName = 'Webhook URL (fal POSTs the result there when the request ends)';
const webhook = textField(webhookName, 'https://example.com/fal-webhook (optional)');
webhook.id = 'webhook';
const webhookRow = label(webhookName, webhook);
const webhookProblem = el('p', { className: 'problem', id: 'webhook-problem' });
const inputBox = el('div', { className: 'input-editor' });
/** The page's CSP nonce: CodeMirror's <style> elements carry it (style-src allows it and nothing inline). */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const input = createJsonEditor(inputBox, {
  label: 'Input (JSON)',
  nonce,
  attributes: { id: 'json-input', 'aria-describedby': 'input-problem fields' },
});
const inputProblem = el('p', { className: 'problem', id: 'input-problem' });
/** The form built from the endpoint's input schema: the same value as the JSON, another view of it. */
const formBox = el('div', { className: 'schema-form-section', id: 'schema-form', hidden: true });
let schemaForm: SchemaForm | undefined;
/** True while the form writes the JSON, so the JSON's change is not fed back to the form. */
let formWriting = false;
const fieldsHint = el('p', { className: 'help', id: 'fields' });

const noRetry = checkbox(`No retry (${FAL_HEADERS.noRetry})`);
noRetry.id = 'no-retry';
const storeIo = checkbox(`Store payloads (${FAL_HEADERS.storeIo}; ${STORE_IO_OFF_COST})`, true);
storeIo.id = 'store-io';
const startTimeoutName = `Start timeout, s (${FAL_HEADERS.requestTimeout})`;
const startTimeout = textField(startTimeoutName, 'none');
startTimeout.id = 'start-timeout';
startTimeout.type = 'number';
startTimeout.min = 1;
const priorityName = `Queue priority (${FAL_HEADERS.queuePriority})`;
const priority = select(priorityName, [
  { value: 'normal', text: 'normal' },
  { value: 'low', text: 'low' },
]);
priority.id = 'priority';
const hintName = `Runner hint (${FAL_HEADERS.runnerHint})`;
const hint = textField(hintName, 'none');
hint.id = 'hint';
const headersName = 'Custom headers, one "Name: value" per line';
const headers = document.createElement('vscode-textarea') as VscodeTextarea;
headers.id = 'headers';
headers.rows = 3;
headers.placeholder = 'x-my-header: value';
nameControl(headers, headersName);
const headersProblem = el('p', { className: 'problem', id: 'headers-problem' });
const headersBox = document.createElement('vscode-collapsible') as VscodeCollapsible;
headersBox.id = 'headers-box';
headersBox.heading = 'Headers';

const callButton = button('Call', { id: 'call', primary: true, title: 'Call (Ctrl+Enter)' });
const cancelButton = button('Cancel', { id: 'cancel', hidden: true });
const problem = el('p', { className: 'problem', id: 'problem' });
const copyButton = button('Copy as code', {
  id: 'copy-code',
  title: 'JavaScript, Python or curl; the key comes from FAL_KEY',
});
const saveRequestButton = button('Save as Request File', {
  id: 'save-request-file',
  title: 'Save this call as a *.fal.json request file, with CodeLens to call it from the editor',
});
const setKeyButton = button('Set API Key', { id: 'set-key', hidden: true });

// ---- the result (resultView.ts) ----
const resultSection = el('section', { className: 'result' });
const result = mountResultView(resultSection, (message) => vscode.postMessage(message));

document
  .getElementById('app')!
  .append(
    el('header', {}, el('h1', { textContent: 'fal Playground' }), target),
    el(
      'section',
      { className: 'form' },
      el(
        'div',
        { className: 'endpoint-row' },
        el('span', { className: 'field-label', textContent: 'Endpoint' }),
        el('div', { className: 'row' }, pickerBox, price, exampleButton, resetButton),
      ),
      endpointProblem,
      methodGroup,
      methodHelp,
      webhookRow,
      webhookProblem,
      formBox,
      el('div', { className: 'input-label' }, el('span', { textContent: 'Input (JSON)' }), inputBox),
      inputProblem,
      fieldsHint,
      headersBox,
      el(
        'div',
        { className: 'row actions' },
        callButton,
        cancelButton,
        copyButton,
        saveRequestButton,
        setKeyButton,
      ),
      problem,
    ),
    resultSection,
  );

headersBox.append(
  el(
    'div',
    { className: 'grid' },
    noRetry,
    storeIo,
    label(startTimeoutName, startTimeout),
    label(priorityName, priority),
    label(hintName, hint),
  ),
  label(headersName, headers),
  headersProblem,
);

// The realtime session (method realtime) takes the result's place: realtimeSessionView.ts.
const realtimeView = mountRealtimeSession(document.getElementById('app')!, {
  post: (message) => vscode.postMessage(message),
  endpointId: () => endpoint.value.trim(),
});

let method: PlaygroundMethod = EMPTY_FORM.method;
let running = false;

function readForm(): PlaygroundForm {
  const timeout = startTimeout.value.trim() === '' ? undefined : Number(startTimeout.value);
  return {
    endpointId: endpoint.value.trim(),
    method,
    inputText: input.getText(),
    ...(method === 'submit' && webhook.value.trim() ? { webhookUrl: webhook.value.trim() } : {}),
    headersText: headers.value,
    platform: {
      noRetry: noRetry.checked || undefined,
      storeIo: storeIo.checked ? undefined : false,
      startTimeout: timeout,
      priority: priority.value === 'low' ? 'low' : undefined,
      hint: hint.value.trim() || undefined,
    },
  };
}

function writeForm(form: PlaygroundForm): void {
  endpoint.value = form.endpointId;
  input.setText(form.inputText);
  webhook.value = form.webhookUrl ?? '';
  headers.value = form.headersText;
  noRetry.checked = !!form.platform.noRetry;
  storeIo.checked = form.platform.storeIo !== false;
  startTimeout.value = form.platform.startTimeout === undefined ? '' : String(form.platform.startTimeout);
  priority.value = form.platform.priority ?? 'normal';
  hint.value = form.platform.hint ?? '';
  selectMethod(form.method);
  forgetOtherSchema();
  validate();
}

function selectMethod(next: PlaygroundMethod): void {
  method = next;
  for (const radio of methodRadios) {
    radio.checked = radio.value === next;
    radio.setAttribute('aria-checked', String(radio.checked));
  }
  methodHelp.textContent = METHOD_HELP[next];
  webhookRow.hidden = next !== 'submit';
  // Realtime: the session in place of the result, and Call sends on its connection.
  realtimeView.element.hidden = next !== 'realtime';
  document.querySelector<HTMLElement>('section.result')!.hidden = next === 'realtime';
  callButton.textContent = next === 'realtime' ? 'Send' : 'Call';
  callButton.title = `${callButton.textContent} (Ctrl+Enter)`;
}

/** Whether the form passed its last check (made on every edit, so it stands until the next one). */
let formValid = false;

/** Shows what is wrong with the form, field by field (the host runs the same check); true when it can be sent. */
function validate(): boolean {
  const { problems } = checkForm(readForm());
  endpointProblem.textContent = problems?.endpoint ?? '';
  inputProblem.textContent = problems?.input ?? '';
  webhookProblem.textContent = problems?.webhook ?? '';
  headersProblem.textContent = problems?.headers ?? '';
  formValid = problems === undefined;
  setDisabled(callButton, !formValid);
  return formValid;
}

/**
 * The Call button as the form stands, once the host answered a call (a post of it, or a problem). The
 * form is not checked again: a stream's posts come every 50 ms, and checking a 10,000-key input parsed it
 * each time (70-190 ms of the page's frames in the bench).
 */
function answered(): void {
  setDisabled(callButton, !formValid);
}

function saveAndValidate(): void {
  const form = readForm();
  vscode.setState(form);
  vscode.postMessage({ type: 'form', form });
  validate();
}

function call(): void {
  if (!validate()) return;
  problem.textContent = '';
  setKeyButton.hidden = true;
  // Realtime: one more send on the session's connection, as often as asked.
  if (method === 'realtime') return vscode.postMessage({ type: 'realtimeSend', form: readForm() });
  setDisabled(callButton, true); // until the host answers, so a double click starts one call
  vscode.postMessage({ type: 'call', form: readForm() });
}

for (const control of [endpoint, webhook, headers, startTimeout, hint])
  control.addEventListener('input', saveAndValidate);
input.onChange(() => {
  if (!formWriting) schemaForm?.setValue(inputValue());
  saveAndValidate();
});

/** The input as a JSON object ({} while it does not parse as one: the form then shows nothing set). */
function inputValue(): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(input.getText());
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The form changed the value: the JSON shows it at once (keys the form does not know are kept). */
function writeInputFromForm(value: unknown): void {
  // JSON that does not parse is the user's work in progress: the form never writes over it.
  if (checkJsonInput(input.getText())) {
    inputProblem.textContent = `${checkJsonInput(input.getText())} Fix the JSON to edit the form.`;
    schemaForm?.setValue(inputValue());
    return;
  }
  formWriting = true;
  try {
    input.setText(`${JSON.stringify(value, null, 2)}\n`);
  } finally {
    formWriting = false;
  }
  saveAndValidate();
}

/** Builds (or rebuilds) the form for a schema; none, or one with no field: no form. */
function showSchemaForm(schema: Record<string, unknown> | undefined): void {
  const fields = schema ? formFields(schema) : [];
  if (fields.length === 0) {
    schemaForm?.dispose();
    schemaForm = undefined;
    formBox.replaceChildren();
    formBox.hidden = true;
    return;
  }
  formBox.hidden = false;
  if (schemaForm) return schemaForm.setFields(fields, inputValue());
  schemaForm = mountSchemaForm(formBox, {
    fields,
    value: inputValue(),
    onChange: writeInputFromForm,
    onFileRequest: (path) => placeFile(path),
    onFileData: (path, _media, data) => {
      if (data.uris[0]) placeFile(path, data.uris[0]);
      else if (data.files[0]) void placeFileData(path, data.files[0]);
    },
    onFileCancel: (path) => vscode.postMessage({ type: 'cancelFile', path }),
  });
}

/** Asks the host for a file for the field (its open dialog, or the URI dropped); realtime takes it inline. */
function placeFile(path: FieldPath, uri?: string): void {
  schemaForm?.setFileStatus(path, { progress: 0 });
  vscode.postMessage({ type: 'placeFile', path, ...(uri ? { uri } : {}), inline: method === 'realtime' });
}

/** A pasted file: its bytes go to the host, which uploads them (or puts them inline for realtime). */
async function placeFileData(path: FieldPath, file: File): Promise<void> {
  schemaForm?.setFileStatus(path, { progress: 0 });
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  vscode.postMessage({
    type: 'placeFileData',
    path,
    name: file.name || 'pasted',
    contentType: file.type || 'application/octet-stream',
    base64: btoa(binary),
    inline: method === 'realtime',
  });
}
// A price shown is of the id it was asked for: another id typed hides it until the host tells that one's.
endpoint.addEventListener('input', () => {
  if (endpoint.value.trim() !== priceOf) price.textContent = '';
  forgetOtherSchema();
});

/** Drops the schema in force when the endpoint id is no longer the one it is the schema of. */
function forgetOtherSchema(): void {
  if (schemaOf && endpoint.value.trim() !== schemaOf) {
    schemaOf = '';
    input.setSchema(undefined);
    showSchemaForm(undefined);
    schemaInForce = undefined;
    resetButton.hidden = true;
    fieldsHint.textContent = ''; // the field list of Example input was the other endpoint's
  }
}
for (const control of [noRetry, storeIo, priority]) control.addEventListener('change', saveAndValidate);
methodGroup.addEventListener('change', (event) => {
  const radio = event.target as VscodeRadio;
  if (!radio.checked || !isCallMethod(radio.value)) return;
  selectMethod(radio.value);
  saveAndValidate();
});
resetButton.addEventListener('click', () => {
  if (!schemaInForce) return;
  const value = defaultsOf(schemaInForce, inputValue());
  writeInputFromForm(value);
  schemaForm?.setValue(value);
});
exampleButton.addEventListener('click', () => {
  if (endpoint.value.trim()) vscode.postMessage({ type: 'example', endpointId: endpoint.value.trim() });
});
callButton.addEventListener('click', call);
cancelButton.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
copyButton.addEventListener('click', () => {
  if (validate()) vscode.postMessage({ type: 'copyAsCode', form: readForm() });
});
saveRequestButton.addEventListener('click', () => {
  if (validate()) vscode.postMessage({ type: 'saveAsRequestFile', form: readForm() });
});
setKeyButton.addEventListener('click', () => vscode.postMessage({ type: 'setApiKey' }));

// ---- what the host says ----
window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'init':
      target.textContent = `Calls go to ${message.target}.`;
      writeForm(message.form ?? vscode.getState() ?? EMPTY_FORM);
      break;
    case 'form':
      writeForm(message.form);
      saveAndValidate();
      break;
    case 'endpoints':
      picker.setChoices(message.catalogue ?? [], message.recent);
      break;
    case 'target':
      target.textContent = `Calls go to ${message.target}.`;
      break;
    case 'example':
      if (message.endpointId !== endpoint.value.trim()) break;
      input.setText(message.inputText);
      fieldsHint.textContent = message.fields.length ? `Fields: ${message.fields.join(', ')}` : '';
      saveAndValidate();
      break;
    case 'problem':
      answered();
      problem.textContent = message.message;
      setKeyButton.hidden = !/Set API Key/.test(message.message);
      break;
    case 'call':
      answered();
      showCall(message.call);
      break;
    case 'schema':
      // Only the schema of the id in the box applies; another id's (a late answer) is dropped.
      if (message.endpointId !== endpoint.value.trim()) break;
      schemaOf = message.schema ? message.endpointId : '';
      schemaInForce = message.schema;
      resetButton.hidden = !message.schema;
      input.setSchema(message.schema);
      showSchemaForm(message.schema);
      // An id still being typed (not yet well formed) has no schema to speak of: its problem says why.
      if (!message.schema && !checkEndpointId(message.endpointId))
        fieldsHint.textContent = `${message.endpointId} has no input schema here: the JSON is sent as you write it.`;
      break;
    case 'fileProgress':
      schemaForm?.setFileStatus(message.path, { progress: message.total ? message.sent / message.total : 1 });
      break;
    case 'filePlaced': {
      schemaForm?.setFileStatus(message.path, undefined);
      const value = setField(inputValue(), message.path, message.file.url);
      writeInputFromForm(value);
      schemaForm?.setValue(value);
      break;
    }
    case 'fileFailed':
      // No message: the user closed the open dialog; the field is as it was.
      schemaForm?.setFileStatus(message.path, message.message ? { error: message.message } : undefined);
      break;
    case 'callRequested':
      // Ctrl/Cmd+Enter (VS Code's keybinding): as a click on Call, with the same checks and guard.
      if ((method === 'realtime' || !running) && !callButton.disabled) call();
      break;
    case 'realtimeSession':
    case 'realtimeBatch':
      realtimeView.receive(message);
      break;
    case 'price':
      if (message.endpointId !== endpoint.value.trim()) break;
      priceOf = message.endpointId;
      price.textContent = message.price ?? '';
      break;
  }
});

function showCall(view: CallView): void {
  running = view.running;
  callButton.hidden = false;
  cancelButton.hidden = !view.running;
  result.show(view);
}

selectMethod(method);
vscode.postMessage({ type: 'ready' });
