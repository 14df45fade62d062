// Browser side of the image comparison (Compare Outputs on two outputs with images): the two images
// side by side, the share of pixels that differ with the rule used, and a heat map, computed here on
// a canvas (imageDiff.ts, pixelDiff.ts) so whatever the browser decodes is compared. With several
// images per output, a select picks the pair (by position); a select sets the per-channel threshold.
// Names and URLs from the outputs go in as text or as URL attributes, never as HTML.
import { describeDiff, DEFAULT_THRESHOLD, THRESHOLDS } from '../common/pixelDiff';
import type {
  CompareSide,
  ImageCompareHostMessage,
  ImageCompareWebviewMessage,
} from '../common/imageCompareProtocol';
import type { MediaView } from '../common/playgroundProtocol';
import { nameControl, select } from './controls';
import { el } from './dom';
import { diffImages, drawHeatMap } from './imageDiff';
import type { VscodeSingleSelect } from '@vscode-elements/elements';

interface PageState {
  readonly index: number;
  readonly threshold: number;
}

interface VsCodeApi {
  postMessage(message: ImageCompareWebviewMessage): void;
  getState(): PageState | undefined;
  setState(state: PageState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PageState = vscode.getState() ?? { index: 0, threshold: DEFAULT_THRESHOLD };

const app = document.getElementById('app') as HTMLElement;
const heading = el('h1', { id: 'title', textContent: 'Compare images' });
const controls = el('div', { className: 'controls' });
const summary = el('p', { id: 'summary', className: 'summary' });
summary.setAttribute('role', 'status');
summary.setAttribute('aria-live', 'polite');
const note = el('p', { id: 'note', className: 'note', hidden: true });
const leftImage = el('img', { id: 'left-image', alt: '' });
const rightImage = el('img', { id: 'right-image', alt: '' });
const leftCaption = el('figcaption', { id: 'left-caption' });
const rightCaption = el('figcaption', { id: 'right-caption' });
const heatMap = el('canvas', { id: 'heat-map' });
heatMap.setAttribute('role', 'img');
const heatCaption = el('figcaption', {
  textContent:
    'Heat map: differing pixels in red (brighter: larger difference), the others a dim copy of the left image',
});
app.append(
  heading,
  controls,
  summary,
  note,
  el(
    'div',
    { className: 'compare-grid' },
    el('figure', {}, leftImage, leftCaption),
    el('figure', {}, rightImage, rightCaption),
    el('figure', {}, heatMap, heatCaption),
  ),
);

const thresholdSelect = select(
  'Threshold',
  THRESHOLDS.map((t) => ({ value: String(t), text: `${t} of 255 per channel` })),
);
thresholdSelect.id = 'threshold';
thresholdSelect.value = String(state.threshold);
thresholdSelect.addEventListener('change', () => {
  setState({ threshold: Number(thresholdSelect.value) });
  void compare();
});

let left: CompareSide | undefined;
let right: CompareSide | undefined;
let pairSelect: VscodeSingleSelect | undefined;
/** Answers of the host to `fetchImage`, by URL. */
const waiting = new Map<string, { resolve(dataUrl: string): void; reject(err: Error): void }>();
/** Which comparison is the latest: an older one finishing late is not shown. */
let run = 0;

function setState(patch: Partial<PageState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

const images = (side: CompareSide | undefined): readonly MediaView[] =>
  side?.images.filter((m) => m.kind === 'image') ?? [];

function show(message: Extract<ImageCompareHostMessage, { type: 'compare' }>): void {
  left = message.left;
  right = message.right;
  heading.textContent = `Compare images: ${left.label} ↔ ${right.label}`;
  const pairs = Math.min(images(left).length, images(right).length);
  if (state.index >= pairs) setState({ index: 0 });
  controls.replaceChildren();
  pairSelect = undefined;
  if (pairs > 1) {
    pairSelect = select(
      'Image',
      Array.from({ length: pairs }, (_, i) => ({ value: String(i), text: `Image ${i + 1} of ${pairs}` })),
    );
    pairSelect.id = 'pair';
    pairSelect.value = String(state.index);
    nameControl(pairSelect, 'Image pair');
    pairSelect.addEventListener('change', () => {
      setState({ index: Number(pairSelect?.value ?? 0) });
      void compare();
    });
    controls.append(pairSelect);
  }
  controls.append(thresholdSelect);
  const counts = [images(left).length, images(right).length];
  note.hidden = counts[0] === counts[1];
  note.textContent = note.hidden
    ? ''
    : `The left output has ${counts[0]} image(s), the right ${counts[1]}: images are paired by position, the first ${pairs} compared.`;
  void compare();
}

function caption(side: CompareSide, media: MediaView): string {
  return `${side.label} · ${media.name}`;
}

/** The image's bytes as a data URL, from the host (for an image whose pixels the page may not read). */
function fetchFromHost(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    waiting.set(url, { resolve, reject });
    vscode.postMessage({ type: 'fetchImage', url });
  });
}

async function compare(): Promise<void> {
  const mine = ++run;
  const index = state.index;
  const a = images(left)[index];
  const b = images(right)[index];
  if (!left || !right || !a || !b) {
    summary.textContent = 'Both outputs need an image to compare.';
    return;
  }
  leftCaption.textContent = caption(left, a);
  rightCaption.textContent = caption(right, b);
  leftImage.alt = `Left: ${caption(left, a)}`;
  rightImage.alt = `Right: ${caption(right, b)}`;
  const blocked = [a, b].find((m) => !m.src);
  if (blocked) {
    summary.textContent =
      `The image from ${blocked.blockedHost ?? 'its host'} may not be loaded here: allow its host in the ` +
      'playground (Show media from this host, or the fal.mediaHosts setting), then compare again.';
    return;
  }
  leftImage.src = a.src!;
  rightImage.src = b.src!;
  summary.textContent = 'Comparing…';
  try {
    const {
      diff,
      left: pa,
      right: pb,
    } = await diffImages(
      { src: a.src!, fallback: () => fetchFromHost(a.url) },
      { src: b.src!, fallback: () => fetchFromHost(b.url) },
      state.threshold,
    );
    if (mine !== run) return;
    drawHeatMap(heatMap, diff);
    heatMap.setAttribute('aria-label', `Heat map of the ${diff.width}×${diff.height} area compared`);
    summary.textContent = describeDiff(diff, pa, pb);
    summary.dataset.percent = String(diff.percent);
    const { percent, differing, total, sameSize, threshold } = diff;
    vscode.postMessage({ type: 'compared', index, percent, differing, total, sameSize, threshold });
  } catch (err) {
    if (mine !== run) return;
    const message = `The images could not be compared: ${(err as Error).message || String(err)}`;
    summary.textContent = message;
    vscode.postMessage({ type: 'failed', index, message });
  }
}

window.addEventListener('message', (event: MessageEvent<ImageCompareHostMessage>) => {
  const message = event.data;
  if (message.type === 'compare') show(message);
  else if (message.type === 'imageData') {
    const wait = waiting.get(message.url);
    waiting.delete(message.url);
    if (message.dataUrl) wait?.resolve(message.dataUrl);
    else wait?.reject(new Error(message.error ?? 'the image could not be fetched'));
  }
});

vscode.postMessage({ type: 'ready' });
