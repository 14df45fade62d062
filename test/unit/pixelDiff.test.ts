// The one pixel comparison (src/common/pixelDiff.ts): the share of pixels that differ by more than
// the per-channel threshold, the overlap of images of different sizes, and the heat map.
import * as assert from 'node:assert/strict';
import { describeDiff, diffPixels, type Pixels } from '../../src/common/pixelDiff';

function solid(width: number, height: number, rgba: [number, number, number, number]): Pixels {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

function paint(
  p: Pixels,
  x0: number,
  y0: number,
  w: number,
  h: number,
  rgba: [number, number, number, number],
) {
  for (let y = y0; y < y0 + h; y++)
    for (let x = x0; x < x0 + w; x++) (p.data as Uint8ClampedArray).set(rgba, (y * p.width + x) * 4);
}

describe('pixelDiff', () => {
  it('counts the pixels whose channels differ by more than the threshold', () => {
    const a = solid(10, 10, [100, 100, 100, 255]);
    const b = solid(10, 10, [100, 100, 100, 255]);
    paint(b, 0, 0, 5, 5, [200, 100, 100, 255]); // 25 pixels, by 100
    paint(b, 5, 5, 2, 2, [110, 100, 100, 255]); // 4 pixels, by 10
    const diff = diffPixels(a, b, 16);
    assert.equal(diff.total, 100);
    assert.equal(diff.differing, 25);
    assert.equal(diff.percent, 25);
    assert.equal(diffPixels(a, b, 8).differing, 29, 'a lower threshold sees the small change too');
    assert.equal(diffPixels(a, b, 0).differing, 29);
    assert.equal(diffPixels(a, a, 0).differing, 0);
    // The heat map: red where they differ, grey elsewhere.
    assert.deepEqual([...diff.heat.slice(0, 4)], [128 + 50, 0, 0, 255]);
    const grey = diff.heat.slice(99 * 4, 100 * 4);
    assert.ok(grey[0] === grey[1] && grey[1] === grey[2] && grey[3] === 255);
    assert.match(
      describeDiff(diff, a, b),
      /^25\.00 % of pixels differ \(25 of 100\); a pixel differs when any of its channels \(R, G, B, A\) differs by more than 16 of 255\.$/,
    );
  });

  it('compares the overlapping area of images of different sizes, from the top-left, and says so', () => {
    const a = solid(8, 4, [0, 0, 0, 255]);
    const b = solid(4, 6, [0, 0, 0, 255]);
    paint(b, 0, 0, 4, 1, [255, 255, 255, 255]);
    const diff = diffPixels(a, b);
    assert.equal(diff.sameSize, false);
    assert.equal(`${diff.width}×${diff.height}`, '4×4');
    assert.equal(diff.differing, 4);
    assert.equal(diff.percent, 25);
    assert.match(
      describeDiff(diff, a, b),
      /The images differ in size \(8×4 and 4×6\): only their overlapping 4×4 area, from the top-left corner, is compared, without scaling\./,
    );
  });

  it('counts a change of transparency alone', () => {
    const a = solid(2, 1, [0, 0, 0, 255]);
    const b = solid(2, 1, [0, 0, 0, 0]);
    assert.equal(diffPixels(a, b).differing, 2);
  });
});
