// The image comparison page in a real Chromium, under the extension's own CSP, with this test as its
// host: pairs of images made in the page with a canvas (PNG, JPEG, WebP), 100×100 with one solid
// 32×32 block changed (10.24 % of the pixels), compared on the page's canvas; JPEG and WebP are
// lossy, so their share is checked within 2 points. Also images of different sizes (the overlap
// compared, and said), several images per output (a select picks the pair), and an image whose
// pixels the page may not read from its URL (another origin without CORS): the page asks the host
// for its bytes and compares those.
import * as assert from 'node:assert/strict';
import type { CompareSide, ImageCompareWebviewMessage } from '../../src/common/imageCompareProtocol';
import type { MediaView } from '../../src/common/playgroundProtocol';
import { PlaygroundPage } from './playgroundPage';

type Compared = Extract<ImageCompareWebviewMessage, { type: 'compared' }>;

/** A 100×100 image of one grey with, if `changed`, a 32×32 block at (16,16) in another colour, as a data URL. */
function makeImage(
  page: PlaygroundPage,
  type: string,
  changed: boolean,
  size = { width: 100, height: 100 },
): Promise<string> {
  return page.page.evaluate(
    ({ type, changed, size }) => {
      const canvas = document.createElement('canvas');
      canvas.width = size.width;
      canvas.height = size.height;
      const c = canvas.getContext('2d')!;
      c.fillStyle = 'rgb(90, 120, 150)';
      c.fillRect(0, 0, size.width, size.height);
      if (changed) {
        c.fillStyle = 'rgb(240, 200, 40)';
        c.fillRect(16, 16, 32, 32);
      }
      return canvas.toDataURL(type, 0.92);
    },
    { type, changed, size },
  );
}

const media = (url: string, name: string, src: string | undefined = url): MediaView => ({
  path: ['images', 0],
  kind: 'image',
  url,
  src,
  name,
});

describe('image comparison webview', function () {
  let page: PlaygroundPage;

  beforeEach(async () => {
    page = await PlaygroundPage.open('imageCompare');
  });
  afterEach(async () => {
    await page?.close();
  });

  const compare = (left: CompareSide, right: CompareSide) =>
    page.page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: m })), {
      type: 'compare',
      left,
      right,
    });

  /** The next `compared` (or `failed`) message the page posts. */
  async function result(): Promise<Compared> {
    const handle = await page.page.waitForFunction(() => {
      const w = window as unknown as { posted: Array<{ type: string }> };
      const at = w.posted.findIndex((m) => m.type === 'compared' || m.type === 'failed');
      return at >= 0 ? w.posted.splice(0, at + 1)[at] : undefined;
    });
    const message = (await handle.jsonValue()) as ImageCompareWebviewMessage;
    assert.equal(message.type, 'compared', JSON.stringify(message));
    return message as Compared;
  }

  for (const [format, type, tolerance] of [
    ['PNG', 'image/png', 0],
    // Lossy: the block's edges blur by a pixel or so (34×34 is 11.56 %).
    ['JPEG', 'image/jpeg', 2],
    ['WebP', 'image/webp', 2],
  ] as const) {
    it(`compares a ${format} pair with a known share of changed pixels and draws the heat map`, async () => {
      const before = await makeImage(page, type, false);
      const after = await makeImage(page, type, true);
      assert.ok(before.startsWith(`data:${type};`), `the browser made a ${format}`);
      await compare(
        { label: 'run sandbox/image 10:00:00', images: [media(before, `before.${format.toLowerCase()}`)] },
        { label: 'run sandbox/image 10:00:05', images: [media(after, `after.${format.toLowerCase()}`)] },
      );
      const compared = await result();
      assert.equal(compared.total, 10_000);
      assert.ok(
        Math.abs(compared.percent - 10.24) <= tolerance,
        `${format}: ${compared.percent} % differ, expected 10.24 ± ${tolerance}`,
      );
      assert.equal(compared.threshold, 16);
      const summary = await page.page.locator('#summary').innerText();
      assert.match(
        summary,
        /^\d+\.\d\d % of pixels differ \([\d,]+ of 10,000\); a pixel differs when any of its channels \(R, G, B, A\) differs by more than 16 of 255\.$/,
      );
      // The heat map: red inside the block, grey outside.
      const [inside, outside, size] = await page.page.evaluate(() => {
        const canvas = document.getElementById('heat-map') as HTMLCanvasElement;
        const c = canvas.getContext('2d')!;
        return [
          [...c.getImageData(32, 32, 1, 1).data],
          [...c.getImageData(80, 80, 1, 1).data],
          `${canvas.width}×${canvas.height}`,
        ];
      });
      assert.equal(size, '100×100');
      assert.ok(inside[0] > 128 && inside[1] === 0 && inside[2] === 0, `inside: ${inside.join()}`);
      assert.ok(outside[0] === outside[1] && outside[1] === outside[2], `outside: ${outside.join()}`);
      assert.equal(
        await page.page.locator('#left-caption').innerText(),
        `run sandbox/image 10:00:00 · before.${format.toLowerCase()}`,
      );
      assert.deepEqual(page.violations, []);
    });
  }

  it('compares the overlap of images of different sizes and says so; a threshold of 0 is offered', async () => {
    const small = await makeImage(page, 'image/png', true, { width: 64, height: 64 });
    const large = await makeImage(page, 'image/png', false);
    await compare(
      { label: 'A', images: [media(small, 'small.png')] },
      { label: 'B', images: [media(large, 'large.png')] },
    );
    const compared = await result();
    assert.equal(compared.sameSize, false);
    assert.equal(compared.total, 64 * 64);
    assert.equal(compared.differing, 32 * 32);
    assert.match(
      await page.page.locator('#summary').innerText(),
      /The images differ in size \(64×64 and 100×100\): only their overlapping 64×64 area, from the top-left corner, is compared, without scaling\./,
    );
  });

  it('pairs several images by position, with a select for the pair', async () => {
    const plain = await makeImage(page, 'image/png', false);
    const changed = await makeImage(page, 'image/png', true);
    await compare(
      { label: 'A', images: [media(plain, 'a1.png'), media(plain, 'a2.png')] },
      { label: 'B', images: [media(plain, 'b1.png'), media(changed, 'b2.png'), media(plain, 'b3.png')] },
    );
    assert.equal((await result()).differing, 0, 'the first pair is the same');
    assert.match(await page.page.locator('#note').innerText(), /left output has 2 image\(s\), the right 3/);
    await page.page.evaluate(() => {
      const pair = document.getElementById('pair') as HTMLElement & { value: string };
      pair.value = '1';
      pair.dispatchEvent(new Event('change'));
    });
    const second = await result();
    assert.equal(second.index, 1);
    assert.equal(second.differing, 32 * 32);
    assert.equal(await page.page.locator('#right-caption').innerText(), 'B · b2.png');
  });

  it('asks the host for the bytes of an image it may not read back (another origin without CORS)', async () => {
    const plain = await makeImage(page, 'image/png', false);
    const changed = await makeImage(page, 'image/png', true);
    // The page's own server under another name: an origin the page may not read pixels from (its
    // CSP and the lack of CORS both refuse it), so the page falls back to asking the host.
    const foreign = page.url.replace('127.0.0.1', 'localhost') + 'no-such-image.png';
    await compare(
      { label: 'A', images: [media(plain, 'a.png')] },
      { label: 'B', images: [media('http://media.example/b.png', 'b.png', foreign)] },
    );
    const asked = await page.page.waitForFunction(() => {
      const w = window as unknown as { posted: Array<{ type: string; url?: string }> };
      const at = w.posted.findIndex((m) => m.type === 'fetchImage');
      return at >= 0 ? w.posted.splice(0, at + 1)[at] : undefined;
    });
    assert.deepEqual(await asked.jsonValue(), { type: 'fetchImage', url: 'http://media.example/b.png' });
    await page.page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: m })), {
      type: 'imageData',
      url: 'http://media.example/b.png',
      dataUrl: changed,
    });
    const compared = await result();
    assert.equal(compared.differing, 32 * 32);
  });
});
