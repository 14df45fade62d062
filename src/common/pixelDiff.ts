// The one pixel comparison of two images (the image comparison of Compare Outputs, and any later
// comparison): over RGBA pixel buffers as a canvas's ImageData holds them, so whatever the browser can
// decode (PNG, JPEG, WebP, GIF) is compared the same way. A pixel differs when any of its four
// channels differs by more than `threshold` (0 to 255). Images of different sizes are compared on
// their overlapping area, aligned at the top-left corner (no scaling), and the result says so.
// Also builds the heat map: differing pixels in red, brighter the larger the difference, the others
// as a dim grey copy of the first image. Pure: no DOM, no Node.

/** RGBA pixels, four bytes per pixel, row by row (the shape of a canvas's ImageData). */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

export interface PixelDiff {
  /** The area compared (the overlap of both images). */
  readonly width: number;
  readonly height: number;
  /** Pixels compared, and those that differ. */
  readonly total: number;
  readonly differing: number;
  /** `differing / total` as a percentage (0 when nothing was compared). */
  readonly percent: number;
  readonly threshold: number;
  /** False when the images' sizes differ (only the overlap was compared). */
  readonly sameSize: boolean;
  /** The heat map of the compared area, RGBA. */
  readonly heat: Uint8ClampedArray;
}

/** The default per-channel threshold: small enough to see real changes, large enough for JPEG noise. */
export const DEFAULT_THRESHOLD = 16;
/** The thresholds the page offers. */
export const THRESHOLDS: readonly number[] = [0, 8, 16, 32, 64];

export function diffPixels(a: Pixels, b: Pixels, threshold = DEFAULT_THRESHOLD): PixelDiff {
  const limit = Math.min(255, Math.max(0, Math.floor(threshold)));
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const heat = new Uint8ClampedArray(width * height * 4);
  let differing = 0;
  for (let y = 0; y < height; y++) {
    let pa = y * a.width * 4;
    let pb = y * b.width * 4;
    let ph = y * width * 4;
    for (let x = 0; x < width; x++, pa += 4, pb += 4, ph += 4) {
      const delta = Math.max(
        Math.abs(a.data[pa] - b.data[pb]),
        Math.abs(a.data[pa + 1] - b.data[pb + 1]),
        Math.abs(a.data[pa + 2] - b.data[pb + 2]),
        Math.abs(a.data[pa + 3] - b.data[pb + 3]),
      );
      if (delta > limit) {
        differing++;
        heat[ph] = 128 + (delta >> 1);
        heat[ph + 1] = 0;
        heat[ph + 2] = 0;
      } else {
        const grey = (a.data[pa] * 77 + a.data[pa + 1] * 150 + a.data[pa + 2] * 29) >> 10;
        heat[ph] = heat[ph + 1] = heat[ph + 2] = grey;
      }
      heat[ph + 3] = 255;
    }
  }
  const total = width * height;
  return {
    width,
    height,
    total,
    differing,
    percent: total === 0 ? 0 : (differing / total) * 100,
    threshold: limit,
    sameSize: a.width === b.width && a.height === b.height,
    heat,
  };
}

/** The result in words: "12.50 % of pixels differ (1,250 of 10,000), …", sizes said when they differ. */
export function describeDiff(diff: PixelDiff, a: Pixels, b: Pixels): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const share = `${diff.percent.toFixed(2)} % of pixels differ (${n(diff.differing)} of ${n(diff.total)})`;
  const rule = `a pixel differs when any of its channels (R, G, B, A) differs by more than ${diff.threshold} of 255`;
  const sizes = diff.sameSize
    ? ''
    : ` The images differ in size (${a.width}×${a.height} and ${b.width}×${b.height}): only their overlapping ` +
      `${diff.width}×${diff.height} area, from the top-left corner, is compared, without scaling.`;
  return `${share}; ${rule}.${sizes}`;
}
