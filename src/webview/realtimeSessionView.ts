// The playground's realtime session, page side (shown when the method is realtime, in place of the
// call's result): Connect/Disconnect with the connection's state and its token's fetches and
// refreshes, the options max buffering and throttle, every Send with its state, latency, output
// size and output (Cancel while it waits), the session's timeline, and the frame inspector
// (frameInspector.ts). Send itself is the form's Call button (and Ctrl/Cmd+Enter). The host keeps
// the session (src/playground/realtimeSession.ts) and posts what is new in batches; a reloaded page
// gets all of it again. Everything from the server is set as text.
import type { VscodeCollapsible, VscodeTextfield } from '@vscode-elements/elements';
import { button, nameControl, textField } from './controls';
import type {
  RealtimeEventView,
  RealtimeHostMessage,
  RealtimeSendView,
  RealtimeSessionOptions,
  RealtimeSessionState,
  WebviewMessage,
} from '../common/playgroundProtocol';
import { describeBytes, describeLatency } from '../common/realtimeFrames';
import { checkRealtimeOptions } from '../common/realtimeOptions';
import { clock, createFrameInspector, MAX_INSPECTOR_ROWS } from './frameInspector';

export interface RealtimeSessionViewOptions {
  post(message: WebviewMessage): void;
  /** The endpoint id in the form: Connect connects to it. */
  endpointId(): string;
}

export interface RealtimeSessionView {
  readonly element: HTMLElement;
  receive(message: RealtimeHostMessage): void;
}

const STATE_TEXT: Record<RealtimeSessionState, string> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting…',
  connected: 'Connected',
};

const MAX_TIMELINE_ROWS = 1000;

export function mountRealtimeSession(
  container: HTMLElement,
  options: RealtimeSessionViewOptions,
): RealtimeSessionView {
  const section = el('section', 'realtime');
  section.id = 'realtime-session';
  section.setAttribute('aria-label', 'Realtime session');

  // ---- connection ----
  const stateText = el('span', 'rt-state');
  stateText.id = 'rt-state';
  stateText.setAttribute('role', 'status');
  const connectButton = button('Connect', { id: 'rt-connect', primary: true });
  const token = el('span', 'rt-token');
  token.id = 'rt-token';
  const bar = el('div', 'rt-bar');
  bar.append(stateText, connectButton, token);

  // ---- options ----
  const maxBuffering = numberField('rt-max-buffering', 'server default', '1', '60');
  const throttle = numberField('rt-throttle', '0', '0', '60000');
  throttle.value = '0';
  const optionsProblem = el('p', 'problem');
  optionsProblem.id = 'rt-options-problem';
  const optionsRow = el('div', 'rt-options');
  optionsRow.append(
    labelled('Max buffering (inputs the server keeps, 1–60)', maxBuffering),
    labelled('Throttle, ms (0: every send goes)', throttle),
  );
  const help = el(
    'p',
    'help',
    'Send (the Call button, Ctrl/Cmd+Enter) sends the input again and again on this connection; each send is a request in the Requests view. fal pairs outputs with inputs by order: a cancelled send’s output is dropped when it comes, and with max buffering at most that many + 1 sends are in flight, so the server never drops one.',
  );

  // ---- results, timeline, frames ----
  const results = el('ol', 'rt-results');
  results.id = 'rt-results';
  const resultRows = new Map<number, HTMLElement>();
  const timeline = el('ol', 'rt-timeline');
  timeline.id = 'rt-timeline';
  const inspector = createFrameInspector();
  const resultsBox = collapsible('Results', results);
  const timelineBox = collapsible('Timeline', timeline);
  const framesBox = collapsible('Frames', inspector.element);

  section.append(bar, optionsRow, optionsProblem, help, resultsBox, timelineBox, framesBox);
  container.append(section);

  let state: RealtimeSessionState = 'disconnected';
  let zero: number | undefined;
  let tokenRefreshes = 0;

  connectButton.addEventListener('click', () => {
    if (state === 'disconnected') options.post({ type: 'realtimeConnect', endpointId: options.endpointId() });
    else options.post({ type: 'realtimeDisconnect' });
  });
  const sendOptions = (): void => {
    const read = readOptions(maxBuffering.value, throttle.value);
    optionsProblem.textContent = typeof read === 'string' ? read : '';
    if (typeof read !== 'string') options.post({ type: 'realtimeOptions', options: read });
  };
  maxBuffering.addEventListener('change', sendOptions);
  throttle.addEventListener('change', sendOptions);

  const showResult = (send: RealtimeSendView): void => {
    const row = resultRows.get(send.id) ?? el('li', 'rt-result');
    if (!resultRows.has(send.id)) {
      resultRows.set(send.id, row);
      results.append(row);
    }
    row.dataset.id = String(send.id);
    row.dataset.state = send.state;
    const facts = [
      `#${send.id}`,
      send.state,
      send.latencyMs === undefined ? '' : describeLatency(send.latencyMs),
      send.size === undefined ? '' : describeBytes(send.size),
      send.ordinal === undefined ? '' : `input ${send.ordinal}`,
    ].filter(Boolean);
    const head = el('div', 'rt-result-head');
    head.append(el('span', 'rt-result-facts', facts.join(' · ')));
    if (send.state === 'waiting' || send.state === 'sent') {
      const cancel = button('Cancel', {
        className: 'rt-cancel',
        name: `Cancel send ${send.id}`,
        onClick: () => options.post({ type: 'realtimeCancel', id: send.id }),
      });
      head.append(cancel);
    }
    const parts: HTMLElement[] = [head];
    if (send.error) parts.push(el('p', 'rt-result-error', send.error));
    if (send.output !== undefined)
      parts.push(el('pre', 'rt-result-output', JSON.stringify(send.output, null, 2)));
    row.replaceChildren(...parts);
    while (resultRows.size > MAX_INSPECTOR_ROWS) {
      const [oldest] = resultRows.keys();
      resultRows.get(oldest)?.remove();
      resultRows.delete(oldest);
    }
  };

  const addEvents = (events: readonly RealtimeEventView[]): void => {
    for (const event of events) {
      if (event.kind === 'token') {
        if (/refreshed/.test(event.text)) tokenRefreshes += 1;
        token.textContent = `Token ${event.text.replace(/^token /, '')} at ${clock(event.at, undefined)} · refreshed ${tokenRefreshes}× so far`;
      }
      const row = el('li', 'rt-event');
      row.dataset.kind = event.kind;
      row.append(el('span', 'rt-time', clock(event.at, zero)), el('span', 'rt-event-text', event.text));
      timeline.append(row);
    }
    while (timeline.childElementCount > MAX_TIMELINE_ROWS) timeline.firstElementChild?.remove();
  };

  const counts = (): void => {
    const { sent, received } = inspector.counts();
    framesBox.heading = `Frames (${sent} sent, ${received} received)`;
    resultsBox.heading = `Results (${resultRows.size})`;
  };

  return {
    element: section,
    receive(message) {
      if (message.type === 'realtimeSession') {
        state = message.state;
        zero = message.startedAt;
        inspector.setZero(zero);
        stateText.dataset.state = state;
        stateText.textContent = `${STATE_TEXT[state]}${message.endpointId ? ` · ${message.endpointId}` : ''}`;
        connectButton.textContent = state === 'disconnected' ? 'Connect' : 'Disconnect';
        if (document.activeElement !== maxBuffering)
          maxBuffering.value =
            message.options.maxBuffering === undefined ? '' : String(message.options.maxBuffering);
        if (document.activeElement !== throttle) throttle.value = String(message.options.throttleMs);
        return;
      }
      if (message.reset) {
        results.replaceChildren();
        resultRows.clear();
        timeline.replaceChildren();
        tokenRefreshes = 0;
        token.textContent = '';
        inspector.reset(message.frames);
      } else inspector.add(message.frames);
      addEvents(message.events);
      for (const send of message.sends) showResult(send);
      counts();
    },
  };
}

/** The options as typed, or what is wrong with them. */
function readOptions(maxBuffering: string, throttle: string): RealtimeSessionOptions | string {
  const options = {
    maxBuffering: maxBuffering.trim() === '' ? undefined : Number(maxBuffering),
    throttleMs: throttle.trim() === '' ? 0 : Number(throttle),
  };
  return checkRealtimeOptions(options) ?? options;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function numberField(id: string, placeholder: string, min: string, max: string): VscodeTextfield {
  const field = textField('', placeholder);
  field.id = id;
  field.type = 'number';
  field.min = Number(min);
  field.max = Number(max);
  return field;
}

function labelled(text: string, control: VscodeTextfield): HTMLElement {
  nameControl(control, text);
  const label = el('label', 'rt-option');
  label.append(el('span', '', text), control);
  return label;
}

function collapsible(heading: string, body: HTMLElement): VscodeCollapsible {
  const box = document.createElement('vscode-collapsible') as VscodeCollapsible;
  box.heading = heading;
  box.open = true;
  box.append(body);
  return box;
}
