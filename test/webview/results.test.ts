// The playground's result view in a real Chromium, under the extension's own CSP, with this test as
// its host: images in a grid that enlarge (arrow keys move, Escape closes, focus comes back) and keep
// their elements across log updates; a <video> for video outputs, and a card (name, type, size, Open
// Externally, Save) for one the page cannot decode; the output as a JSON tree that folds and copies a
// value or its JSONPath; media from a host that is not allowed as a card with its host and
// "Show media from this host"; timings and text outputs.
import * as assert from 'node:assert/strict';
import type { CallView, MediaView } from '../../src/common/playgroundProtocol';
import { outputView } from '../../src/common/outputPreview';
import { PlaygroundPage } from './playgroundPage';

/** A 1×1 PNG of one colour, as a data URL (three different ones to tell the images apart). */
const PNGS = [
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
];

const image = (i: number): MediaView => ({
  path: ['images', i],
  kind: 'image',
  url: PNGS[i],
  src: PNGS[i],
  contentType: 'image/png',
  name: `image-${i + 1}.png`,
});

const base: CallView = {
  recordId: 'rec-1',
  method: 'subscribe',
  endpointId: 'sandbox/image',
  status: 'completed · 0.50 s',
  running: false,
  requestId: 'req-1',
  logs: [{ level: 'INFO', message: 'Step 1/2' }],
};

describe('playground webview: the result view', function () {
  let playground: PlaygroundPage;
  const page = () => playground.page;

  beforeEach(async () => {
    playground = await PlaygroundPage.open();
    await playground.post({ type: 'init', target: 'the embedded fal sandbox at http://127.0.0.1:1' });
  });

  afterEach(async () => {
    await playground?.close();
  });

  it('shows images in a grid that enlarge, with arrow keys between them, Escape to close, focus back', async () => {
    const output = { images: PNGS.map((url) => ({ url, content_type: 'image/png' })) };
    await playground.post({
      type: 'call',
      call: { ...base, output: outputView(output), media: [0, 1, 2].map(image) },
    });
    const thumbs = page().locator('#gallery .image-grid button.thumb');
    await thumbs.nth(2).waitFor();
    assert.equal(await thumbs.count(), 3);
    assert.deepEqual(
      await page()
        .locator('#gallery .image-grid img')
        .evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).getAttribute('src'))),
      PNGS,
    );

    await thumbs.nth(1).click();
    const lightbox = page().locator('#lightbox');
    await lightbox.waitFor();
    const shown = () => page().locator('#lightbox .lightbox-image').getAttribute('src');
    assert.equal(await shown(), PNGS[1]);
    assert.equal(await page().locator('#lightbox-caption').innerText(), 'image-2.png · 2 of 3');
    assert.equal(await lightbox.getAttribute('role'), 'dialog');
    assert.equal(await page().evaluate(() => document.activeElement?.id), 'lightbox-close');
    await page().keyboard.press('ArrowRight');
    assert.equal(await shown(), PNGS[2]);
    await page().keyboard.press('ArrowRight');
    assert.equal(await shown(), PNGS[0], 'past the last, the first');
    await page().keyboard.press('ArrowLeft');
    assert.equal(await shown(), PNGS[2]);
    // Tab stays in the dialog.
    for (let i = 0; i < 4; i++) await page().keyboard.press('Tab');
    assert.equal(
      await page().evaluate(() => !!document.activeElement?.closest('#lightbox')),
      true,
      'focus stays in the overlay',
    );
    await page().keyboard.press('Escape');
    await lightbox.waitFor({ state: 'hidden' });
    assert.equal(
      await page().evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Enlarge image-2.png',
      'focus goes back to the thumbnail that opened it',
    );
    assert.deepEqual(playground.violations, []);
  });

  it('updates in place: an image keeps its element across log updates, the logs change', async () => {
    const running: CallView = { ...base, status: 'in progress', running: true, media: [image(0)] };
    await playground.post({ type: 'call', call: running });
    await page().locator('#gallery img').waitFor();
    await page()
      .locator('#gallery img')
      .evaluate((img) => ((img as HTMLImageElement & { mark?: string }).mark = 'the same element'));
    for (let step = 2; step <= 4; step++) {
      await playground.post({
        type: 'call',
        call: { ...running, logs: [...running.logs, { level: 'INFO', message: `Step ${step}/4` }] },
      });
    }
    await page().locator('#logs', { hasText: 'Step 4/4' }).waitFor({ state: 'attached' });
    assert.equal(
      await page()
        .locator('#gallery img')
        .evaluate((img) => (img as HTMLImageElement & { mark?: string }).mark),
      'the same element',
    );
    // A new image is added beside it; the first keeps its element still.
    await playground.post({ type: 'call', call: { ...running, media: [image(0), image(1)] } });
    await page().locator('#gallery img').nth(1).waitFor();
    assert.equal(
      await page()
        .locator('#gallery img')
        .first()
        .evaluate((img) => (img as HTMLImageElement & { mark?: string }).mark),
      'the same element',
    );
    // Another call's result is drawn afresh.
    await playground.post({ type: 'call', call: { ...running, recordId: 'rec-2', media: [image(0)] } });
    await page().locator('#gallery img').nth(1).waitFor({ state: 'detached' });
    assert.equal(
      await page()
        .locator('#gallery img')
        .evaluate((img) => (img as HTMLImageElement & { mark?: string }).mark),
      undefined,
    );
  });

  it('plays video outputs in a <video>, and shows a card with Open Externally and Save for one it cannot decode', async () => {
    const clip = `${playground.url}clip.webm`;
    const broken = `${playground.url}not-a-video.mp4`;
    const video = (url: string, name: string, contentType: string, i: number): MediaView => ({
      path: ['videos', i],
      kind: 'video',
      url,
      src: url,
      contentType,
      name,
      size: 2_500_000,
    });
    await playground.post({
      type: 'call',
      call: {
        ...base,
        output: outputView({
          videos: [{ url: clip }, { url: broken }, { url: `${playground.url}x.mov` }],
        }),
        media: [
          video(clip, 'clip.webm', 'video/webm', 0),
          video(broken, 'broken.mp4', 'video/mp4', 1),
          video(`${playground.url}x.mov`, 'x.mov', 'video/mp4; codecs="hvc1"', 2),
        ],
      },
    });
    const player = page().locator('#gallery video[src$="clip.webm"]');
    await player.waitFor();
    await player.evaluate(
      (v) =>
        (v as HTMLVideoElement).readyState >= 1 ||
        new Promise((resolve, reject) => {
          v.addEventListener('loadedmetadata', resolve);
          v.addEventListener('error', () => reject(new Error('the clip did not load')));
        }),
    );
    assert.equal(await player.getAttribute('src'), clip);
    assert.equal(await player.evaluate((v) => (v as HTMLVideoElement).controls), true);

    // The bytes that are no video fire `error`; the type the player lacks is refused by canPlayType: both cards.
    const cards = page().locator('#gallery .media-card[data-kind="video"]');
    await cards.nth(1).waitFor();
    assert.equal(await page().locator('#gallery video').count(), 1, 'no black box left behind');
    const brokenCard = cards.filter({ hasText: 'broken.mp4' });
    assert.match(await brokenCard.innerText(), /broken\.mp4 · video\/mp4 · 2\.4 MB/);
    assert.match(await brokenCard.innerText(), /cannot be played here/);
    await brokenCard.locator('vscode-button.open-external').click();
    assert.deepEqual(await playground.nextMessage('openExternal'), { type: 'openExternal', url: broken });
    await brokenCard.locator('vscode-button.save-media').click();
    assert.deepEqual(await playground.nextMessage('saveMedia'), { type: 'saveMedia', index: 1, url: broken });
    await cards.filter({ hasText: 'x.mov' }).locator('vscode-button.copy-url').click();
    assert.deepEqual(await playground.nextMessage('copyText'), {
      type: 'copyText',
      text: `${playground.url}x.mov`,
      what: 'the URL',
    });
    await page().locator('#save-all').click();
    await playground.nextMessage('saveAllOutputs');
    assert.deepEqual(playground.violations, []);
  });

  it('shows the output as a JSON tree that folds, and copies a value or its JSON path', async () => {
    const output = {
      images: [{ url: 'https://v3.fal.media/files/a.png', content_type: 'image/png' }],
      seed: 42,
      'odd key': null,
    };
    await playground.post({ type: 'call', call: { ...base, output: outputView(output) } });
    const tree = page().locator('#output');
    await tree.locator('[data-path="$.images[0].url"]').waitFor();
    assert.match(await tree.innerText(), /"seed": 42/);
    // Fold the images: their rows are hidden, the folded line says how many.
    const images = tree.locator('summary[data-path="$.images"]');
    await images.locator('.json-brace').click();
    await tree.locator('[data-path="$.images[0].url"]').waitFor({ state: 'hidden' });
    assert.match(await images.innerText(), /"images": \[ 1 item \]/);
    await images.locator('.json-brace').click();
    await tree.locator('[data-path="$.images[0].url"]').waitFor();

    await tree.locator('[data-path="$.images[0].url"]').click();
    assert.equal(await page().locator('#json-selected').innerText(), '$.images[0].url');
    await page().locator('#copy-path').click();
    assert.deepEqual(await playground.nextMessage('copyText'), {
      type: 'copyText',
      text: '$.images[0].url',
      what: 'the JSON path',
    });
    // The host holds the whole output: Copy Value asks it for the value at the selected path.
    await page().locator('#copy-value').click();
    assert.deepEqual(await playground.nextMessage('copyOutputValue'), {
      type: 'copyOutputValue',
      recordId: base.recordId,
      path: ['images', 0, 'url'],
    });
    // A folder's key selects it without folding it; Copy Value asks for the folder's value.
    await images.locator('.json-key').click();
    await tree.locator('[data-path="$.images[0].url"]').waitFor();
    await page().locator('#copy-value').click();
    assert.deepEqual((await playground.nextMessage('copyOutputValue')).path, ['images']);
    await tree.locator(`[data-path="$['odd key']"]`).click();
    await page().locator('#copy-path').click();
    assert.equal((await playground.nextMessage('copyText')).text, "$['odd key']");

    // The same output again (a log line) keeps the tree and what is folded; another value redraws it.
    await images.locator('.json-brace').click();
    await playground.post({
      type: 'call',
      call: { ...base, output: outputView(output), logs: [{ level: 'INFO', message: 'more' }] },
    });
    await page().locator('#logs', { hasText: 'more' }).waitFor({ state: 'attached' });
    assert.equal(await images.evaluate((s) => (s.parentElement as HTMLDetailsElement).open), false);
    await playground.post({
      type: 'call',
      call: { ...base, output: outputView({ ...output, seed: 7 }) },
    });
    await tree.locator('[data-path="$.seed"]', { hasText: '7' }).waitFor();
    assert.equal(
      await tree
        .locator('summary[data-path="$.images"]')
        .evaluate((s) => (s.parentElement as HTMLDetailsElement).open),
      false,
      'what was folded stays folded',
    );
  });

  it('draws a large output as the host cut it: the first entries, a comma before "… N more", each value coloured by type', async () => {
    const output = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i % 2 ? `s${i}` : i]));
    await playground.post({
      type: 'call',
      call: { ...base, recordId: 'rec-big', output: outputView(output) },
    });
    const tree = page().locator('#output');
    await tree.locator('.json-more').waitFor();
    assert.equal(await tree.locator('.json-more').innerText(), '… 300 more (Copy Value copies them all)');
    assert.match((await tree.locator(`summary[data-path="$"] .json-count`).textContent()) ?? '', /500 keys/);
    assert.equal(await tree.locator('.json-leaf').count(), 200);
    // Rows out of view are not laid out (content-visibility), so their text is read as text.
    assert.equal(await tree.locator('[data-path="$.k199"]').textContent(), '"k199": "s199",');
    assert.equal(
      await tree.locator('[data-path="$.k198"] .json-value').getAttribute('class'),
      'json-value json-number',
    );
    assert.equal(
      await tree.locator('[data-path="$.k199"] .json-value').getAttribute('class'),
      'json-value json-string',
    );
  });

  it('shows media from a host that is not allowed as a card with its host and "Show media from this host"', async () => {
    const url = 'https://media.example.org/out/cat.png';
    await playground.post({
      type: 'call',
      call: {
        ...base,
        output: outputView({ image: { url, content_type: 'image/png' } }),
        media: [
          {
            path: ['image'],
            kind: 'image',
            url,
            blockedHost: 'media.example.org',
            canAllow: true,
            contentType: 'image/png',
            name: 'cat.png',
          },
        ],
      },
    });
    const card = page().locator('#gallery .media-card');
    await card.waitFor();
    assert.match(await card.innerText(), /Media from media\.example\.org is not shown/);
    assert.equal(await page().locator('#gallery img').count(), 0, 'nothing is loaded from it');
    await card.locator('vscode-button.allow-host').click();
    assert.deepEqual(await playground.nextMessage('allowMediaHost'), {
      type: 'allowMediaHost',
      host: 'media.example.org',
    });
    // Under this CSP an image from that host is refused: the card is not just politeness.
    await page().evaluate((src) => {
      const img = document.createElement('img');
      img.src = src;
      document.body.append(img);
    }, url);
    await page().waitForFunction(() => true);
    for (let i = 0; i < 50 && playground.violations.length === 0; i++) await page().waitForTimeout(50);
    assert.deepEqual(playground.violations, [`img-src ${url}`]);
  });

  it('shows text outputs as text and the timings of a finished call', async () => {
    const answer = 'A fox <b>jumps</b>\nover the dog.';
    await playground.post({
      type: 'call',
      call: {
        ...base,
        output: outputView({ output: answer, partial: false }),
        timings: { roundTripMs: 1234, queueMs: 100, inferenceSeconds: 0.98 },
      },
    });
    await page().locator('.text-output', { hasText: 'output' }).waitFor();
    assert.equal(await page().locator('.text-output .text-body').textContent(), answer);
    assert.equal(await page().locator('main b').count(), 0);
    assert.equal(
      await page().locator('#timings').innerText(),
      'Round trip 1.23 s · In queue 0.10 s · Inference 0.98 s',
    );
    await playground.post({ type: 'call', call: { ...base, running: true, timings: { roundTripMs: 5 } } });
    await page().locator('#timings').waitFor({ state: 'hidden' });
  });
});
