// An image enlarged inside the page: a modal overlay over the playground with the image at full size
// (within the window), its name and place ("2 of 4"), previous/next and close. Arrow keys move between
// the images, Escape closes; focus goes into the overlay, stays there while it is open, and returns to
// the thumbnail that opened it. One overlay per page.
import type { VscodeButton } from '@vscode-elements/elements';
import { button as vscodeButton, setDisabled } from './controls';
import { el } from './dom';

export interface LightboxImage {
  readonly src: string;
  readonly name: string;
  /** The element to give focus back to when the overlay closes (the thumbnail). */
  readonly opener?: HTMLElement;
}

const image = el('img', { className: 'lightbox-image', alt: '' });
const caption = el('p', { className: 'lightbox-caption', id: 'lightbox-caption' });
const previous = vscodeButton('‹', { name: 'Previous image', id: 'lightbox-previous' });
const next = vscodeButton('›', { name: 'Next image', id: 'lightbox-next' });
const close = vscodeButton('Close', { name: 'Close (Escape)', id: 'lightbox-close' });
const overlay = el(
  'div',
  { className: 'lightbox', id: 'lightbox', hidden: true, tabIndex: -1 },
  el('div', { className: 'lightbox-bar' }, caption, previous, next, close),
  el('div', { className: 'lightbox-stage' }, image),
);
overlay.setAttribute('role', 'dialog');
overlay.setAttribute('aria-modal', 'true');
overlay.setAttribute('aria-labelledby', 'lightbox-caption');
// In the page from the start (hidden), so its buttons are ready to take focus when it opens.
document.body.append(overlay);

let images: readonly LightboxImage[] = [];
let at = 0;
let returnFocus: HTMLElement | undefined;

function show(index: number): void {
  at = (index + images.length) % images.length;
  const current = images[at];
  image.src = current.src;
  image.alt = current.name;
  caption.textContent = `${current.name} · ${at + 1} of ${images.length}`;
  setDisabled(previous, images.length < 2);
  setDisabled(next, images.length < 2);
}

/** Enlarges `list[index]`; arrow keys and the buttons move through `list`. */
export function openLightbox(list: readonly LightboxImage[], index: number): void {
  if (list.length === 0) return;
  images = list;
  returnFocus = list[index]?.opener ?? (document.activeElement as HTMLElement | null) ?? undefined;
  show(index);
  overlay.hidden = false;
  close.focus();
}

export function closeLightbox(): void {
  if (overlay.hidden) return;
  overlay.hidden = true;
  image.removeAttribute('src');
  const back = returnFocus;
  returnFocus = undefined;
  if (back?.isConnected) back.focus();
}

/** Whether an image is enlarged now (for the gallery, when its images change). */
export function lightboxOpen(): boolean {
  return !overlay.hidden;
}

previous.addEventListener('click', () => show(at - 1));
next.addEventListener('click', () => show(at + 1));
close.addEventListener('click', closeLightbox);
// A click on the dark backdrop (not on the image or the bar) closes, as in most viewers.
overlay.addEventListener('click', (e) => {
  if (e.target === overlay || (e.target as HTMLElement).classList.contains('lightbox-stage')) closeLightbox();
});
overlay.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.preventDefault();
    e.stopPropagation();
    closeLightbox();
  } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    e.preventDefault();
    show(at + (e.key === 'ArrowRight' ? 1 : -1));
  } else if (e.key === 'Tab') {
    // Focus stays in the dialog: Tab cycles through its buttons.
    const order = [previous, next, close].filter((b) => !b.disabled);
    const here = order.indexOf(document.activeElement as VscodeButton);
    e.preventDefault();
    order[(here + (e.shiftKey ? -1 : 1) + order.length) % order.length]?.focus();
  }
});
