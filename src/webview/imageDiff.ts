// The canvas glue of the image comparison (the pixel comparison itself is src/common/pixelDiff.ts):
// decodes an image in the browser (so PNG, JPEG and WebP all work) onto a canvas and reads its
// pixels back, and draws a comparison's heat map on a canvas. An image from another origin that
// sends no CORS header cannot be read back (the canvas is tainted): `loadPixels` then asks
// `fallback` for the same image as a data URL (the host fetches its bytes) and reads that.
import { diffPixels, type PixelDiff, type Pixels } from '../common/pixelDiff';

/** Decodes `src` and returns its pixels; rejects when it cannot be loaded or decoded. */
export async function pixelsOf(src: string, crossOrigin = true): Promise<Pixels> {
  const image = new Image();
  if (crossOrigin && !/^(data|blob):/i.test(src)) image.crossOrigin = 'anonymous';
  image.src = src;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('This page has no 2D canvas to compare images on.');
  context.drawImage(image, 0, 0);
  // Throws a SecurityError for a cross-origin image the server did not allow.
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** `src`'s pixels, or, when they cannot be read from it, those of the data URL `fallback` gives. */
export async function loadPixels(src: string, fallback?: () => Promise<string>): Promise<Pixels> {
  try {
    return await pixelsOf(src);
  } catch (err) {
    if (!fallback || /^data:/i.test(src)) throw err;
    return pixelsOf(await fallback(), false);
  }
}

/** Compares two images by their URLs (see pixelDiff.ts for the rule). */
export async function diffImages(
  left: { src: string; fallback?: () => Promise<string> },
  right: { src: string; fallback?: () => Promise<string> },
  threshold?: number,
): Promise<{ diff: PixelDiff; left: Pixels; right: Pixels }> {
  const [a, b] = await Promise.all([
    loadPixels(left.src, left.fallback),
    loadPixels(right.src, right.fallback),
  ]);
  return { diff: diffPixels(a, b, threshold), left: a, right: b };
}

/** Draws the heat map of `diff` on `canvas` (sized to the compared area). */
export function drawHeatMap(canvas: HTMLCanvasElement, diff: PixelDiff): void {
  canvas.width = diff.width;
  canvas.height = diff.height;
  const context = canvas.getContext('2d');
  if (!context || diff.width === 0 || diff.height === 0) return;
  context.putImageData(new ImageData(new Uint8ClampedArray(diff.heat), diff.width, diff.height), 0, 0);
}
