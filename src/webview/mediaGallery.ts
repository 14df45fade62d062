// The media of a call's output, as the host sent them (MediaView: the URL to load, or the host it may
// not be loaded from): images in a grid (click or Enter to enlarge, lightbox.ts), audio and video
// players, other files and media the page cannot show as cards with their name, type and size. Each
// item has Save, Copy URL and, for http(s) URLs, Open Externally. A player whose file the page cannot
// decode (`canPlayType` says no, or the element fires `error`: VS Code ships few codecs) becomes such a
// card, never a black box; media from a host that is not allowed shows its host and
// "Show media from this host". Updated in place: items already shown keep their elements.
import type { MediaView, WebviewMessage } from '../common/playgroundProtocol';
import { formatSize } from '../common/outputMedia';
import { button as vscodeButton } from './controls';
import { el } from './dom';
import { closeLightbox, lightboxOpen, openLightbox } from './lightbox';

export interface MediaGallery {
  /** Shows `media` (of the record `recordId`); items shown already stay as they are. */
  update(recordId: string | undefined, media: readonly MediaView[]): void;
}

type Post = (message: WebviewMessage) => void;

/** What makes an item the same item across updates: its record, place, URL and how it may be loaded. */
const keyOf = (recordId: string | undefined, m: MediaView, index: number) =>
  JSON.stringify([recordId, index, m.path, m.url, m.src, m.blockedHost, m.contentType]);

/** "name · image/png · 1.2 MB · 512×512": what the output says of the file. */
function describe(m: MediaView): string {
  return [
    m.name,
    m.contentType,
    m.size !== undefined ? formatSize(m.size) : undefined,
    m.width && m.height ? `${m.width}×${m.height}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

export function createMediaGallery(container: HTMLElement, post: Post): MediaGallery {
  const grid = el('div', { className: 'image-grid' });
  const list = el('div', { className: 'media-list' });
  container.append(grid, list);
  /** The items shown, by key, in order. */
  let shown = new Map<string, HTMLElement>();
  let images: Array<{ src: string; name: string; opener: HTMLElement }> = [];

  const button = (text: string, className: string, onClick: () => void) =>
    vscodeButton(text, { className, onClick });

  const actions = (m: MediaView, index: number): HTMLElement => {
    const row = el('div', { className: 'media-actions' });
    row.append(
      button('Save', 'save-media', () => post({ type: 'saveMedia', index, url: m.url })),
      button('Copy URL', 'copy-url', () => post({ type: 'copyText', text: m.url, what: 'the URL' })),
    );
    if (/^https?:\/\//i.test(m.url))
      row.append(
        button('Open Externally', 'open-external', () => post({ type: 'openExternal', url: m.url })),
      );
    return row;
  };

  /** A card for a file the page does not show: what it is, why not, and what can be done. */
  const card = (m: MediaView, index: number, why: string): HTMLElement => {
    const item = el(
      'div',
      { className: 'media-item media-card', dataset: { kind: m.kind } },
      el('p', { className: 'media-name', textContent: describe(m) }),
      el('p', { className: 'media-why', textContent: why }),
    );
    if (m.blockedHost && m.canAllow) {
      const host = m.blockedHost;
      item.append(
        button('Show media from this host', 'allow-host', () => post({ type: 'allowMediaHost', host })),
      );
    }
    item.append(actions(m, index));
    return item;
  };

  /** An audio or video player, which turns into a card when the page cannot decode the file. */
  const player = (m: MediaView, index: number, src: string): HTMLElement => {
    const media = el(m.kind === 'video' ? 'video' : 'audio', { controls: true, preload: 'metadata' });
    const item = el(
      'div',
      { className: `media-item media-${m.kind}`, dataset: { kind: m.kind } },
      media,
      el('p', { className: 'media-name', textContent: describe(m) }),
      actions(m, index),
    );
    const fallBack = () => {
      if (!item.isConnected && !item.parentElement) return;
      const replacement = card(
        m,
        index,
        `This ${m.kind} cannot be played here: VS Code's player lacks its format. Open it externally or save it.`,
      );
      item.replaceWith(replacement);
      media.removeAttribute('src');
      for (const [key, node] of shown) if (node === item) shown.set(key, replacement);
    };
    if (m.contentType && media.canPlayType(m.contentType) === '') {
      queueMicrotask(fallBack);
    } else {
      media.addEventListener('error', fallBack, { once: true });
      media.src = src;
    }
    return item;
  };

  const thumbnail = (m: MediaView, src: string): HTMLElement => {
    const img = el('img', { src, alt: m.name, loading: 'lazy' });
    if (m.width && m.height) {
      img.width = m.width;
      img.height = m.height;
    }
    const open = el('button', {
      type: 'button',
      className: 'thumb',
      title: `Enlarge ${m.name}`,
    });
    open.setAttribute('aria-label', `Enlarge ${m.name}`);
    open.append(img);
    const entry = { src, name: m.name, opener: open };
    open.addEventListener('click', () => openLightbox(images, images.indexOf(entry)));
    images.push(entry);
    return el('div', { className: 'media-item media-image', dataset: { kind: 'image' } }, open);
  };

  const make = (m: MediaView, index: number): HTMLElement => {
    if (!m.src)
      return card(
        m,
        index,
        `Media from ${m.blockedHost ?? 'this host'} is not shown: it is not an allowed host.`,
      );
    if (m.kind === 'image') return thumbnail(m, m.src);
    if (m.kind === 'audio' || m.kind === 'video') return player(m, index, m.src);
    return card(m, index, 'A file: save it, or open it externally.');
  };

  return {
    update(recordId, media) {
      const keys = media.map((m, i) => keyOf(recordId, m, i));
      if (keys.length === shown.size && keys.every((k) => shown.has(k))) return;
      const next = new Map<string, HTMLElement>();
      const kept = new Set<HTMLElement>();
      const nextImages: typeof images = [];
      const previousImages = images;
      images = nextImages;
      for (const [i, m] of media.entries()) {
        const old = shown.get(keys[i]);
        if (old) {
          kept.add(old);
          next.set(keys[i], old);
          const entry = previousImages.find((e) => old.contains(e.opener));
          if (entry) nextImages.push(entry);
        } else {
          next.set(keys[i], make(m, i));
        }
      }
      for (const node of shown.values()) if (!kept.has(node)) node.remove();
      shown = next;
      // Images in the grid, the rest in the list, each in document order.
      arrange(
        grid,
        [...next.values()].filter((n) => n.classList.contains('media-image')),
      );
      arrange(
        list,
        [...next.values()].filter((n) => !n.classList.contains('media-image')),
      );
      container.hidden = next.size === 0;
      if (lightboxOpen() && images.length === 0) closeLightbox();
    },
  };
}

/** Puts `nodes` in `parent` in this order, moving only those out of place (a moved player would pause). */
function arrange(parent: HTMLElement, nodes: readonly HTMLElement[]): void {
  nodes.forEach((node, i) => {
    const here = parent.children[i] ?? null;
    if (here !== node) parent.insertBefore(node, here);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild?.remove();
}
