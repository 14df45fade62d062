// The realtime session's page side in a real Chromium, under the playground's own CSP, with this test
// as the host: with the method realtime the session takes the result's place and Call (and
// Ctrl/Cmd+Enter) sends; the frame inspector shows each frame the host posts decoded from msgpack
// (binary values as "<N bytes>") or JSON text, with direction, size and pairing, fal's control
// frames marked, server text as text; results show latency and size; Connect and the options post.
import * as assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import type { RealtimeFrameView } from '../../src/common/playgroundProtocol';
import { PlaygroundPage } from './playgroundPage';

const b64 = (value: unknown) => Buffer.from(encode(value)).toString('base64');
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('realtime session webview', function () {
  let playground: PlaygroundPage;

  beforeEach(async () => {
    playground = await PlaygroundPage.open();
    await playground.post({ type: 'init', target: 'the embedded fal sandbox at http://127.0.0.1:1' });
    await playground.setEndpoint('sandbox/echo');
    await playground.page.locator('vscode-radio.method[data-method="realtime"]').click();
  });

  afterEach(async () => {
    await playground?.close();
  });

  const page = () => playground.page;
  /** The host says the session is connected to sandbox/echo, since T0. */
  const connected = () =>
    playground.post({
      type: 'realtimeSession',
      state: 'connected',
      endpointId: 'sandbox/echo',
      options: { throttleMs: 0 },
      startedAt: T0,
    });

  it("takes the result's place, and Call and Ctrl+Enter send on the session", async () => {
    await page().locator('#realtime-session').waitFor();
    assert.equal(await page().locator('section.result').isVisible(), false);
    assert.equal(await page().locator('#call').textContent(), 'Send');
    await playground.typeInput('{"n": 1}');
    await page().locator('#call').click();
    await page().locator('#call').click();
    const first = await playground.nextMessage('realtimeSend');
    const second = await playground.nextMessage('realtimeSend');
    assert.equal(first.form.method, 'realtime');
    assert.equal(first.form.endpointId, 'sandbox/echo');
    assert.equal(second.form.inputText, '{"n": 1}');
    await playground.post({ type: 'callRequested' });
    assert.equal((await playground.nextMessage('realtimeSend')).form.inputText, '{"n": 1}');
    assert.equal((await playground.posted()).filter((m) => m.type === 'call').length, 0, 'no ordinary call');
    await page().locator('vscode-radio.method[data-method="run"]').click();
    assert.equal(await page().locator('#realtime-session').isVisible(), false);
    assert.equal(await page().locator('section.result').isVisible(), true);
  });

  it('shows every frame decoded from msgpack or JSON text, with direction, size and pairing; control frames marked, server text as text', async () => {
    const sentValue = { prompt: 'a fox', image: new Uint8Array([9, 8, 7]) };
    const frames: RealtimeFrameView[] = [
      {
        id: 1,
        direction: 'sent',
        at: T0 + 5,
        size: encode(sentValue).byteLength,
        base64: b64(sentValue),
        ordinal: 1,
      },
      {
        id: 2,
        direction: 'received',
        at: T0 + 17,
        size: 40,
        base64: b64({ images: [{ content: new Uint8Array(1234), content_type: 'image/png' }], seq: 1 }),
        ordinal: 1,
      },
      {
        id: 3,
        direction: 'received',
        at: T0 + 20,
        size: 52,
        text: '{"type":"x-fal-message","action":"timings","timing":0.01}',
      },
      {
        id: 4,
        direction: 'received',
        at: T0 + 30,
        size: 90,
        text: JSON.stringify({
          type: 'x-fal-error',
          error: 'INTERNAL_ERROR',
          reason: '<img src=x onerror="window.pwned=1">',
        }),
        ordinal: 2,
      },
      {
        id: 5,
        direction: 'received',
        at: T0 + 40,
        size: 12,
        base64: b64({ seq: 3 }),
        ordinal: 3,
        dropped: true,
      },
      {
        id: 6,
        direction: 'received',
        at: T0 + 41,
        size: 3,
        base64: Buffer.from([0xc1, 0xc1, 0xc1]).toString('base64'),
      },
    ];
    await connected();
    await playground.post({ type: 'realtimeBatch', frames, sends: [], events: [] });
    const rows = page().locator('#rt-frames > li');
    await rows.nth(5).waitFor();

    const sent = rows.nth(0);
    assert.equal(await sent.getAttribute('data-direction'), 'sent');
    assert.match(await sent.locator('.rt-dir').innerText(), /sent/);
    assert.match(
      await sent.locator('.rt-size').innerText(),
      new RegExp(`^${encode(sentValue).byteLength} B$`),
    );
    assert.match(await sent.locator('.rt-encoding').innerText(), /msgpack/);
    assert.match(await sent.locator('.rt-time').innerText(), /\+0\.005 s/);
    assert.match(await sent.locator('.rt-pair').innerText(), /input 1/);
    assert.deepEqual(JSON.parse(await sent.locator('.rt-frame-json').innerText()), {
      prompt: 'a fox',
      image: '<3 bytes>',
    });
    assert.equal(await sent.getAttribute('data-control'), null);

    const answer = rows.nth(1);
    assert.equal(await answer.getAttribute('data-direction'), 'received');
    assert.match(await answer.locator('.rt-pair').innerText(), /answers input 1/);
    assert.deepEqual(JSON.parse(await answer.locator('.rt-frame-json').innerText()), {
      images: [{ content: '<1234 bytes>', content_type: 'image/png' }],
      seq: 1,
    });

    const message = rows.nth(2);
    assert.equal(await message.getAttribute('data-control'), 'x-fal-message');
    assert.equal(await message.locator('.rt-control').innerText(), 'x-fal-message');
    assert.match(await message.locator('.rt-encoding').innerText(), /text/);
    assert.equal(await message.locator('.rt-pair').count(), 0, 'a control frame answers no input');

    const error = rows.nth(3);
    assert.equal(await error.getAttribute('data-control'), 'x-fal-error');
    assert.equal(await error.locator('.rt-control').innerText(), 'x-fal-error');
    assert.match(
      await error.locator('.rt-frame-json').innerText(),
      /"reason": "<img src=x onerror=\\"window.pwned=1\\">"/,
    );
    assert.equal(await page().locator('#rt-frames img').count(), 0, 'server text never becomes HTML');

    assert.equal(await rows.nth(4).getAttribute('data-dropped'), 'true');
    assert.match(await rows.nth(4).locator('.rt-pair').innerText(), /dropped/);
    assert.match(await rows.nth(5).locator('.rt-frame-json').innerText(), /Not msgpack/);

    const heading = await page()
      .locator('vscode-collapsible', { has: page().locator('#rt-frames') })
      .evaluate((box) => (box as HTMLElement & { heading: string }).heading);
    assert.equal(heading, 'Frames (1 sent, 5 received)');
    assert.equal(await page().evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    assert.deepEqual(playground.violations, []);
  });

  it('lists each send with its state, latency and size, Cancel while it waits; the timeline; a reset replaces all', async () => {
    await connected();
    await playground.post({
      type: 'realtimeBatch',
      frames: [],
      sends: [
        { id: 1, state: 'answered', at: T0, ordinal: 1, latencyMs: 12.34, size: 40, output: { seq: 1 } },
        { id: 2, state: 'sent', at: T0, ordinal: 2 },
        { id: 3, state: 'failed', at: T0, error: 'INTERNAL_ERROR: <b>boom</b>' },
      ],
      events: [
        { at: T0, kind: 'state', text: 'connected to sandbox/echo' },
        { at: T0 + 1, kind: 'token', text: 'token fetched (lives 120 s)' },
        { at: T0 + 1500, kind: 'token', text: 'token refreshed (lives 120 s)' },
      ],
    });
    const results = page().locator('#rt-results > li');
    await results.nth(2).waitFor();
    assert.match(await results.nth(0).innerText(), /#1 · answered · 12 ms · 40 B · input 1/);
    assert.deepEqual(JSON.parse(await results.nth(0).locator('.rt-result-output').innerText()), { seq: 1 });
    assert.equal(await results.nth(0).locator('.rt-cancel').count(), 0);
    await results.nth(1).locator('.rt-cancel').click();
    assert.deepEqual(await playground.nextMessage('realtimeCancel'), { type: 'realtimeCancel', id: 2 });
    assert.equal(await results.nth(2).locator('.rt-result-error').innerText(), 'INTERNAL_ERROR: <b>boom</b>');
    assert.deepEqual(await page().locator('#rt-timeline > li .rt-event-text').allInnerTexts(), [
      'connected to sandbox/echo',
      'token fetched (lives 120 s)',
      'token refreshed (lives 120 s)',
    ]);
    assert.match(
      await page().locator('#rt-timeline > li').nth(2).locator('.rt-time').innerText(),
      /\+1\.500 s/,
    );
    assert.match(await page().locator('#rt-token').innerText(), /refreshed 1×/);
    // An updated send replaces its row; a reset (the page reloaded on the host's side) starts afresh.
    await playground.post({
      type: 'realtimeBatch',
      frames: [],
      sends: [{ id: 2, state: 'cancelled', at: T0, ordinal: 2 }],
      events: [],
    });
    await page().locator('#rt-results > li[data-id="2"][data-state="cancelled"]').waitFor();
    await playground.post({
      type: 'realtimeBatch',
      reset: true,
      frames: [],
      sends: [{ id: 7, state: 'sent', at: T0 }],
      events: [],
    });
    await page().locator('#rt-results > li[data-id="7"]').waitFor();
    assert.equal(await results.count(), 1);
    assert.equal(await page().locator('#rt-timeline > li').count(), 0);
  });

  it('Connect and Disconnect follow the state; the options post when valid and say what is wrong otherwise', async () => {
    await playground.post({ type: 'realtimeSession', state: 'disconnected', options: { throttleMs: 0 } });
    await page().locator('#rt-state[data-state="disconnected"]').waitFor();
    await page().locator('#rt-connect').click();
    assert.deepEqual(await playground.nextMessage('realtimeConnect'), {
      type: 'realtimeConnect',
      endpointId: 'sandbox/echo',
    });
    await playground.post({
      type: 'realtimeSession',
      state: 'connected',
      endpointId: 'sandbox/echo',
      options: { throttleMs: 0 },
    });
    await page().locator('#rt-state', { hasText: 'Connected · sandbox/echo' }).waitFor();
    assert.equal(await page().locator('#rt-connect').innerText(), 'Disconnect');
    await page().locator('#rt-connect').click();
    await playground.nextMessage('realtimeDisconnect');

    await page().locator('#rt-max-buffering input').fill('2');
    await page().locator('#rt-max-buffering input').press('Tab');
    assert.deepEqual((await playground.nextMessage('realtimeOptions')).options, {
      maxBuffering: 2,
      throttleMs: 0,
    });
    await page().locator('#rt-throttle input').fill('128');
    await page().locator('#rt-throttle input').press('Tab');
    assert.deepEqual((await playground.nextMessage('realtimeOptions')).options, {
      maxBuffering: 2,
      throttleMs: 128,
    });
    await page().locator('#rt-max-buffering input').fill('99');
    await page().locator('#rt-max-buffering input').press('Tab');
    await page().locator('#rt-options-problem', { hasText: 'from 1 to 60' }).waitFor();
  });
});
