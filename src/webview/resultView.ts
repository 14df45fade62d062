// The playground's result: the call's status (a queued call's wait redrawn each second by the page's
// own clock), estimated cost, timings (round trip, time in queue, inference), the error with each
// field fal refused, the media (mediaGallery.ts) with Save All Outputs, text outputs as text, the
// output as a JSON tree (jsonTree.ts), a stream's events and the logs. Updated in place: a new log
// line rewrites the logs only; the gallery and the tree change only when their part of the call did.
// Everything a server sent goes in as text.
import { describeTimings } from '../common/callTimings';
import type { OutputText } from '../common/outputMedia';
import { MAX_VIEW_EVENTS, type CallView, type WebviewMessage } from '../common/playgroundProtocol';
import { describeQueueWait } from '../common/recordText';
import { button as vscodeButton } from './controls';
import { el } from './dom';
import { createJsonTree } from './jsonTree';
import { createMediaGallery } from './mediaGallery';

export interface ResultView {
  show(view: CallView): void;
}

/** Builds the result section's parts into `section` and returns what shows a call in them. */
export function mountResultView(section: HTMLElement, post: (message: WebviewMessage) => void): ResultView {
  const status = el('p', { className: 'status', id: 'status' });
  const timings = el('p', { className: 'timings', id: 'timings', hidden: true });
  const cost = el('p', { className: 'cost', id: 'cost', hidden: true });
  const errorBox = el('section', { className: 'error', id: 'error', hidden: true });
  const gallery = el('div', { className: 'gallery', id: 'gallery', hidden: true });
  const saveAll = vscodeButton('Save All Outputs', {
    id: 'save-all',
    onClick: () => post({ type: 'saveAllOutputs' }),
  });
  saveAll.hidden = true;
  const openOutput = vscodeButton('Open output.json', {
    id: 'open-output',
    onClick: () => post({ type: 'openOutput' }),
  });
  openOutput.hidden = true;
  const texts = el('div', { className: 'text-outputs', id: 'text-outputs', hidden: true });
  const outputBox = el('div', { className: 'output-box' });
  const eventsView = el('pre', { className: 'events', id: 'events', hidden: true });
  const logsView = el('pre', { className: 'logs', id: 'logs' });
  section.append(
    status,
    timings,
    cost,
    errorBox,
    gallery,
    el('div', { className: 'row result-actions' }, saveAll, openOutput),
    texts,
    outputBox,
    eventsView,
    el('details', { className: 'logs-box', open: true }, el('summary', { textContent: 'Logs' }), logsView),
  );
  const media = createMediaGallery(gallery, post);
  const tree = createJsonTree(outputBox, post);

  /** Redraws a queued call's status each second, so its time in the queue stays current. */
  let queueTicker: ReturnType<typeof setInterval> | undefined;
  /** The record whose events the page holds, and the stream index after the last one it holds. */
  let eventsOf: string | undefined;
  let eventsNext = 0;
  let textsShown = '';

  function showStatus(view: CallView): void {
    const state = (view.queueWait && describeQueueWait(view.queueWait, Date.now())) ?? view.status;
    status.textContent = `${view.method} ${view.endpointId}: ${state}${view.requestId ? ` · ${view.requestId}` : ''}`;
  }

  function showError(view: CallView): void {
    errorBox.hidden = !view.error;
    errorBox.replaceChildren();
    if (!view.error) return;
    errorBox.append(el('p', { className: 'message', textContent: view.error.message }));
    if (view.error.hint) errorBox.append(el('p', { className: 'hint', textContent: view.error.hint }));
    if (view.error.fields?.length) {
      errorBox.append(
        el(
          'ul',
          {},
          ...view.error.fields.map((f) =>
            el('li', {}, el('code', { textContent: f.field }), `: ${f.message}`),
          ),
        ),
      );
    }
  }

  /** Top-level strings of the output as text blocks (an LLM's answer), redrawn only when they change. */
  function showTexts(found: readonly OutputText[]): void {
    const key = JSON.stringify(found);
    if (key === textsShown) return;
    textsShown = key;
    texts.replaceChildren(
      ...found.map((t) =>
        el(
          'section',
          { className: 'text-output' },
          ...(t.key ? [el('h3', { textContent: t.key })] : []),
          el('div', { className: 'text-body', textContent: t.text }),
        ),
      ),
    );
    texts.hidden = found.length === 0;
  }

  /** Lines in each block of the events view, oldest block first (see showEvents). */
  const blockLines: number[] = [];

  /**
   * Adds the view's new stream events (one line each), keeping the newest MAX_VIEW_EVENTS lines.
   * Thousands a second arrive in batches: each batch is one block of text (a node per line cost the
   * page's layout 70 to 190 ms a frame on a slow machine, a block 10 ms), and the oldest lines go by
   * whole blocks, the oldest kept block cut at a line.
   */
  function showEvents(view: CallView): void {
    const from = view.eventsFrom ?? 0;
    if (view.events === undefined || view.recordId !== eventsOf || from !== eventsNext) {
      eventsView.replaceChildren();
      blockLines.length = 0;
      eventsOf = view.recordId;
      eventsNext = from;
    }
    const events = view.events ?? [];
    const lines: string[] = [];
    for (let i = Math.max(0, events.length - MAX_VIEW_EVENTS); i < events.length; i++) {
      lines.push(`${from + i + 1}: ${events[i]}`);
    }
    if (lines.length > 0) {
      eventsView.append(el('div', { className: 'event-block', textContent: lines.join('\n') }));
      blockLines.push(lines.length);
    }
    eventsNext = from + events.length;
    let excess = blockLines.reduce((a, b) => a + b, 0) - MAX_VIEW_EVENTS;
    while (excess > 0 && blockLines[0] <= excess) {
      excess -= blockLines.shift()!;
      eventsView.firstElementChild?.remove();
    }
    if (excess > 0) {
      const oldest = eventsView.firstElementChild as HTMLElement;
      const text = oldest.textContent ?? '';
      let at = -1;
      for (let n = 0; n < excess; n++) at = text.indexOf('\n', at + 1);
      oldest.textContent = text.slice(at + 1);
      blockLines[0] -= excess;
    }
    const count = view.eventCount ?? 0;
    eventsView.hidden = count === 0;
    eventsView.dataset.count = String(count);
    eventsView.title = count > MAX_VIEW_EVENTS ? `The newest ${MAX_VIEW_EVENTS} of ${count} events` : '';
  }

  return {
    show(view) {
      if (queueTicker) clearInterval(queueTicker);
      queueTicker = view.queueWait ? setInterval(() => showStatus(view), 1000) : undefined;
      showStatus(view);
      status.dataset.running = String(view.running);
      timings.hidden = view.running || !view.timings;
      timings.textContent = view.timings && !view.running ? describeTimings(view.timings) : '';
      cost.hidden = !view.cost;
      cost.textContent = view.cost ? `Estimated cost: ${view.cost}` : '';
      showError(view);
      media.update(view.recordId, view.media ?? []);
      saveAll.hidden = view.running || !view.media?.length;
      openOutput.hidden = view.output === undefined;
      showTexts(view.output?.texts ?? []);
      tree.update(view.output?.previewJson, view.recordId);
      showEvents(view);
      logsView.textContent = view.logs
        .map((l) => `${l.timestamp ?? ''} ${l.level} ${l.message}`.trim())
        .join('\n');
    },
  };
}
