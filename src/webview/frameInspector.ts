// The realtime session's frame inspector: every frame of the session's socket, both ways, newest
// last, each with its direction, time, size, encoding and pairing (which send it is, or answers, or
// that its send was cancelled and it was dropped), fal's text control frames (`x-fal-message`,
// `x-fal-error`) marked, and the frame decoded from msgpack (or JSON text) as indented JSON, binary
// values as "<N bytes>" (src/common/realtimeFrames.ts). Everything from the server is set as text.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { RealtimeFrameView } from '../common/playgroundProtocol';
import { decodeFrameView, describeBytes } from '../common/realtimeFrames';

/** Rows the inspector keeps; older ones are counted, not shown. */
export const MAX_INSPECTOR_ROWS = 500;

export interface FrameInspector {
  readonly element: HTMLElement;
  /** Adds frames (newest last). */
  add(frames: readonly RealtimeFrameView[]): void;
  /** Shows only these frames (the page reloaded, or a new session). */
  reset(frames: readonly RealtimeFrameView[]): void;
  /** The session's first moment, for the "+1.234 s" offsets. */
  setZero(at: number | undefined): void;
  /** How many frames came each way in all. */
  counts(): { readonly sent: number; readonly received: number };
}

export function createFrameInspector(): FrameInspector {
  const list = document.createElement('ol');
  list.className = 'rt-frames';
  list.id = 'rt-frames';
  list.setAttribute('aria-label', 'Frames');
  let zero: number | undefined;
  let sent = 0;
  let received = 0;

  const add = (frames: readonly RealtimeFrameView[]): void => {
    for (const frame of frames) {
      if (frame.direction === 'sent') sent += 1;
      else received += 1;
    }
    list.append(...frames.slice(-MAX_INSPECTOR_ROWS).map((f) => frameRow(f, zero)));
    while (list.childElementCount > MAX_INSPECTOR_ROWS) list.firstElementChild?.remove();
  };
  return {
    element: list,
    add,
    reset(frames) {
      list.replaceChildren();
      sent = 0;
      received = 0;
      add(frames);
    },
    setZero(at) {
      zero = at;
    },
    counts: () => ({ sent, received }),
  };
}

function frameRow(frame: RealtimeFrameView, zero: number | undefined): HTMLElement {
  const decoded = decodeFrameView(frame);
  const row = document.createElement('li');
  row.className = 'rt-frame';
  row.dataset.direction = frame.direction;
  row.dataset.id = String(frame.id);
  if (decoded.control) row.dataset.control = decoded.control;
  if (frame.dropped) row.dataset.dropped = 'true';

  const head = document.createElement('div');
  head.className = 'rt-frame-head';
  head.append(
    span('rt-dir', frame.direction === 'sent' ? '↑ sent' : '↓ received'),
    span('rt-time', clock(frame.at, zero)),
    span('rt-size', describeBytes(frame.size)),
    span('rt-encoding', decoded.encoding === 'msgpack' ? 'binary · msgpack' : 'text · JSON'),
  );
  if (decoded.control) {
    const badge = document.createElement('vscode-badge');
    badge.className = 'rt-control';
    badge.textContent = decoded.control;
    badge.title = 'A control frame of fal (text JSON), not an output';
    head.append(badge);
  }
  const pairing =
    frame.ordinal === undefined
      ? undefined
      : frame.direction === 'sent'
        ? `input ${frame.ordinal}`
        : frame.dropped
          ? `answers input ${frame.ordinal} · dropped (its send was cancelled)`
          : `answers input ${frame.ordinal}`;
  if (pairing) head.append(span('rt-pair', pairing));

  const body = document.createElement('pre');
  body.className = 'rt-frame-json';
  body.textContent = decoded.error ?? decoded.json;
  if (decoded.error) body.dataset.error = 'true';
  row.append(head, body);
  return row;
}

function span(className: string, text: string): HTMLElement {
  const s = document.createElement('span');
  s.className = className;
  s.textContent = text;
  return s;
}

/** "12:03:04.567 · +1.234 s" (local time, and the offset from the session's start). */
export function clock(at: number, zero: number | undefined): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  return zero === undefined ? time : `${time} · +${((at - zero) / 1000).toFixed(3)} s`;
}
