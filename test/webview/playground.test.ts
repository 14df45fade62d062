// The playground's browser code in a real Chromium, under the extension's own CSP: the form posts
// well-formed calls and refuses malformed ones in place, keeps what was typed across a reload, and
// shows results, errors and media from the host, server text always as text.
import * as assert from 'node:assert/strict';
import { eventText } from '../../src/common/eventText';
import type { CallView, InputSchema } from '../../src/common/playgroundProtocol';
import { outputView } from '../../src/common/outputPreview';
import { PlaygroundPage } from './playgroundPage';
import { chooseOption } from './vscodeControls';

describe('playground webview', function () {
  let playground: PlaygroundPage;

  beforeEach(async () => {
    playground = await PlaygroundPage.open();
    await playground.post({ type: 'init', target: 'the embedded fal sandbox at http://127.0.0.1:1' });
    await playground.post({ type: 'endpoints', recent: ['sandbox/echo', 'sandbox/image'] });
  });

  afterEach(async () => {
    await playground?.close();
  });

  const page = () => playground.page;

  it('loads under its CSP with no violation and says where calls go', async () => {
    await page().locator('.target', { hasText: 'Calls go to the embedded fal sandbox' }).waitFor();
    assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/image');
    assert.deepEqual(playground.violations, []);
  });

  describe('endpoint picker', () => {
    const thumbnail = (colour: string) =>
      `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="${colour}"/></svg>`)}`;
    const catalogue = [
      {
        endpointId: 'sandbox/image',
        displayName: 'Sandbox Image',
        category: 'text-to-image',
        description: 'Draws a picture from a prompt.',
        thumbnailUrl: thumbnail('red'),
      },
      {
        endpointId: 'sandbox/image-to-image',
        displayName: 'Sandbox Image to Image',
        category: 'image-to-image',
        description: 'Inverts a PNG image <img src=x onerror="window.pwned=1">',
        thumbnailUrl: thumbnail('blue'),
      },
      { endpointId: 'sandbox/echo', displayName: 'Sandbox Echo', category: 'llm', tags: ['debug'] },
    ];
    const options = () =>
      page()
        .locator('#endpoint-options li')
        .evaluateAll((lis) =>
          lis.map((li) => ({
            id: (li as HTMLElement).dataset.endpointId,
            name: li.querySelector('.name')?.textContent,
            meta: li.querySelector('.meta')?.textContent,
            thumbnail: !!li.querySelector('.thumb img'),
          })),
        );

    beforeEach(async () => {
      await playground.post({ type: 'endpoints', recent: ['sandbox/echo'], catalogue });
    });

    it('shows the catalogue that arrives while the box is being typed in', async () => {
      await playground.post({ type: 'endpoints', recent: [] });
      await page().locator('#endpoint').fill('invert');
      assert.equal(await page().locator('#endpoint-options').isHidden(), true);
      await playground.post({ type: 'endpoints', recent: [], catalogue });
      await page().locator('#endpoint-options li', { hasText: 'sandbox/image-to-image' }).waitFor();
    });

    it('searches the catalogue as typed (name, id, category, description), recent first', async () => {
      await page().locator('#endpoint').fill('');
      await page().locator('#endpoint').focus();
      assert.deepEqual(
        (await options()).map((o) => o.id),
        ['sandbox/echo', 'sandbox/image', 'sandbox/image-to-image'],
      );
      assert.equal((await options())[0]?.meta, 'recent · llm');
      await page().locator('#endpoint').fill('invert');
      assert.deepEqual(await options(), [
        {
          id: 'sandbox/image-to-image',
          name: 'Sandbox Image to Image',
          meta: 'image-to-image',
          thumbnail: true,
        },
      ]);
      assert.equal(await page().locator('#endpoint').getAttribute('aria-expanded'), 'true');
      // The description is server text: shown as text, its markup inert.
      assert.equal(
        await page().locator('#endpoint-options li .description').textContent(),
        'Inverts a PNG image <img src=x onerror="window.pwned=1">',
      );
      assert.equal(await page().evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
      await page().locator('#endpoint').fill('image llm');
      assert.deepEqual(
        (await options()).map((o) => o.id),
        [],
        'every word must match',
      );
      await page().locator('#endpoint').fill('text-to-image');
      assert.deepEqual(
        (await options()).map((o) => o.id),
        ['sandbox/image'],
      );
      await page().locator('#endpoint').fill('my-org/my-app');
      assert.deepEqual(await options(), [
        { id: 'my-org/my-app', name: 'my-org/my-app', meta: 'as typed', thumbnail: false },
      ]);
      assert.deepEqual(playground.violations, []);
    });

    it('chooses with the keyboard or the mouse: the id goes in the box, the host hears the form', async () => {
      await page().locator('#endpoint').fill('image');
      await page().keyboard.press('ArrowDown');
      assert.equal(
        await page().locator('#endpoint').getAttribute('aria-activedescendant'),
        'endpoint-option-1',
      );
      assert.equal(await page().locator('#endpoint-option-1').getAttribute('aria-selected'), 'true');
      await page().keyboard.press('Enter');
      assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/image-to-image');
      assert.equal(await page().locator('#endpoint-options').isHidden(), true);
      assert.equal(await page().locator('#endpoint').getAttribute('aria-expanded'), 'false');
      await page().waitForFunction(() =>
        (window as unknown as { posted: Array<{ type: string; form?: { endpointId: string } }> }).posted.some(
          (m) => m.type === 'form' && m.form?.endpointId === 'sandbox/image-to-image',
        ),
      );
      assert.equal((await playground.savedState())?.endpointId, 'sandbox/image-to-image');
      // Escape closes the list and keeps what is typed.
      await page().locator('#endpoint').fill('echo');
      await page().keyboard.press('Escape');
      assert.equal(await page().locator('#endpoint-options').isHidden(), true);
      assert.equal(await page().locator('#endpoint').inputValue(), 'echo');
      await page().keyboard.press('ArrowDown');
      await page().locator('#endpoint-options li', { hasText: 'Sandbox Echo' }).click();
      // With an id chosen, the list opened again marks that id: Enter alone, or Ctrl+Enter (Call), keeps it.
      await page().locator('#endpoint').blur();
      await page().locator('#endpoint').focus();
      assert.equal(await page().locator('#endpoint-options').isVisible(), true);
      await page().keyboard.press('Control+Enter');
      assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/echo');
      await page().keyboard.press('Enter');
      assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/echo');
      assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/echo');
      assert.equal(await page().locator('#endpoint-problem').textContent(), '');
    });
  });

  it('runs no script but its own: an inline script without the nonce is blocked', async () => {
    await page()
      .addScriptTag({ content: 'window.injected = 1;' })
      .catch(() => {});
    assert.equal(
      await page().evaluate(() => (window as unknown as { injected?: number }).injected),
      undefined,
    );
    await page().waitForFunction(() => true);
    assert.ok(
      playground.violations.some((v) => v.startsWith('script-src')),
      playground.violations.join(),
    );
  });

  it('posts a call with the endpoint, method, input text, platform options and custom headers', async () => {
    await playground.setEndpoint('sandbox/echo');
    await page().locator('vscode-radio.method[data-method="stream"]').click();
    await playground.typeInput('{"hello": "webview"}');
    await page()
      .locator('#headers-box')
      .evaluate((e) => ((e as HTMLElement & { open: boolean }).open = true));
    await page().locator('#no-retry').click();
    await page().locator('#store-io').click();
    await page().locator('#start-timeout input').fill('30');
    await chooseOption(page().locator('#priority'), 'low');
    await page().locator('#hint input').fill('runner-7');
    await page().locator('#headers textarea').fill('x-custom: one\nX-Other: two');
    await page().locator('#call').click();
    const call = await playground.nextMessage('call');
    assert.deepEqual(call.form, {
      endpointId: 'sandbox/echo',
      method: 'stream',
      inputText: '{"hello": "webview"}',
      headersText: 'x-custom: one\nX-Other: two',
      platform: { noRetry: true, storeIo: false, startTimeout: 30, priority: 'low', hint: 'runner-7' },
    });
  });

  it("refuses malformed JSON in place, with the parser's words, and keeps the text", async () => {
    await playground.typeInput('{"prompt": "a fox",}');
    await page().locator('#input-problem', { hasText: 'Not valid JSON' }).waitFor();
    assert.equal(await page().locator('#call').isDisabled(), true);
    await page().keyboard.press('Control+Enter');
    assert.equal((await playground.posted()).filter((m) => m.type === 'call').length, 0);
    assert.equal(await playground.inputText(), '{"prompt": "a fox",}');
    await playground.typeInput('[1]');
    await page().locator('#input-problem', { hasText: 'must be a JSON object' }).waitFor();
    await playground.typeInput('{"prompt": "a fox"}');
    await page().locator('#input-problem:empty').waitFor({ state: 'attached' });
    assert.equal(await page().locator('#call').isDisabled(), false);
  });

  it('asks for a webhook URL only for submit, checks it, and sends it with the call', async () => {
    assert.equal(await page().locator('#webhook').isVisible(), false);
    await page().locator('vscode-radio.method[data-method="submit"]').click();
    await page().locator('#webhook input').fill('ftp://nope');
    await page().locator('#webhook-problem', { hasText: 'must be an http(s) URL' }).waitFor();
    assert.equal(await page().locator('#call').isDisabled(), true);
    await page().locator('#webhook input').fill('https://example.com/hook');
    await page().locator('#call').click();
    const call = await playground.nextMessage('call');
    assert.equal(call.form.method, 'submit');
    assert.equal(call.form.webhookUrl, 'https://example.com/hook');
  });

  it("asks the host to copy the form's call as code", async () => {
    await playground.setEndpoint('sandbox/echo');
    await playground.typeInput('{"copy": true}');
    await page().locator('#copy-code').click();
    const message = await playground.nextMessage('copyAsCode');
    assert.equal(message.form.endpointId, 'sandbox/echo');
    assert.equal(message.form.inputText, '{"copy": true}');
  });

  it("asks the host to save the form's call as a request file, and refuses a malformed form in place", async () => {
    await playground.setEndpoint('sandbox/echo');
    await playground.typeInput('{"save": true}');
    await page().locator('#save-request-file').click();
    const message = await playground.nextMessage('saveAsRequestFile');
    assert.equal(message.form.endpointId, 'sandbox/echo');
    assert.equal(message.form.inputText, '{"save": true}');
    await playground.typeInput('{"save": ');
    await page().locator('#save-request-file').click();
    await page().locator('#input-problem', { hasText: 'Not valid JSON' }).waitFor();
    assert.equal((await playground.posted()).filter((m) => m.type === 'saveAsRequestFile').length, 0);
  });

  it('takes a whole form from the host ("Open in Playground") and saves it', async () => {
    await playground.post({
      type: 'form',
      form: {
        endpointId: 'sandbox/text',
        method: 'stream',
        inputText: '{"prompt": "again"}',
        platform: { hint: 'r1' },
        headersText: 'x-a: 1',
      },
    });
    assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/text');
    assert.equal(await playground.method(), 'stream');
    assert.equal(await page().locator('#hint input').inputValue(), 'r1');
    const saved = await playground.nextMessage('form');
    assert.equal(saved.form.inputText, '{"prompt": "again"}');
  });

  it('refuses malformed header lines and an Authorization header', async () => {
    await page()
      .locator('#headers-box')
      .evaluate((e) => ((e as HTMLElement & { open: boolean }).open = true));
    await page().locator('#headers textarea').fill('not a header line');
    await page().locator('#headers-problem', { hasText: 'Header line 1 should be "Name: value"' }).waitFor();
    await page().locator('#headers textarea').fill('Authorization: Key abc');
    await page().locator('#headers-problem', { hasText: 'comes from your fal key' }).waitFor();
    await page().locator('#start-timeout input').fill('0.5');
    await page().locator('#headers textarea').fill('');
    await page().locator('#headers-problem', { hasText: 'more than 1 second' }).waitFor();
    assert.equal(await page().locator('#call').isDisabled(), true);
  });

  it('sends every change to the host and keeps everything typed across a reload (webview state)', async () => {
    await playground.setEndpoint('sandbox/text');
    await page().locator('vscode-radio.method[data-method="realtime"]').click();
    await playground.typeInput('{"prompt": "half-typed",');
    const sent = (await playground.posted()).filter((m) => m.type === 'form');
    const last = sent[sent.length - 1];
    assert.ok(
      last?.type === 'form' && last.form.inputText === '{"prompt": "half-typed",',
      'the host is sent every change',
    );
    await playground.reload();
    await playground.post({ type: 'init', target: 'x' });
    assert.equal(await page().locator('#endpoint').inputValue(), 'sandbox/text');
    assert.equal(await playground.inputText(), '{"prompt": "half-typed",');
    assert.equal(await playground.method(), 'realtime');
    await page().locator('#input-problem', { hasText: 'Not valid JSON' }).waitFor();
  });

  it('asks the host for an example input and fills it in', async () => {
    await playground.setEndpoint('sandbox/image');
    await page().locator('#example').click();
    assert.deepEqual(await playground.nextMessage('example'), {
      type: 'example',
      endpointId: 'sandbox/image',
    });
    await playground.post({
      type: 'example',
      endpointId: 'sandbox/image',
      inputText: '{\n  "prompt": ""\n}\n',
      fields: ['prompt*', 'seed'],
    });
    assert.equal(await playground.inputText(), '{\n  "prompt": ""\n}\n');
    await page().locator('#fields', { hasText: 'Fields: prompt*, seed' }).waitFor();
  });

  it('adds each stream event once, as the host sends only new ones, and starts afresh when told', async () => {
    const base: CallView = {
      recordId: 'rec-1',
      method: 'stream',
      endpointId: 'sandbox/text',
      status: 'in progress',
      running: true,
      logs: [],
    };
    // One line per event (the page writes each batch as a block of lines).
    const lines = async () =>
      (await page().locator('#events > .event-block').allTextContents()).flatMap((block) =>
        block.split('\n'),
      );
    await playground.post({
      type: 'call',
      call: { ...base, events: [{ t: 'a' }, { t: 'b' }].map(eventText), eventsFrom: 0, eventCount: 2 },
    });
    await page().locator('#events', { hasText: '2: {"t":"b"}' }).waitFor({ state: 'attached' });
    // A post with no new event (a log line, say) adds nothing; the next one adds only its own.
    await playground.post({ type: 'call', call: { ...base, events: [], eventsFrom: 2, eventCount: 2 } });
    await playground.post({
      type: 'call',
      call: { ...base, events: [{ t: 'c' }].map(eventText), eventsFrom: 2, eventCount: 3 },
    });
    await page().locator('#events', { hasText: '3: {"t":"c"}' }).waitFor({ state: 'attached' });
    assert.deepEqual(await lines(), ['1: {"t":"a"}', '2: {"t":"b"}', '3: {"t":"c"}']);
    // After a gap (the page missed events) the list is replaced by what the host holds.
    await playground.post({
      type: 'call',
      call: { ...base, events: [{ t: 'y' }, { t: 'z' }].map(eventText), eventsFrom: 1500, eventCount: 1502 },
    });
    await page().locator('#events', { hasText: '1502: {"t":"z"}' }).waitFor({ state: 'attached' });
    assert.deepEqual(await lines(), ['1501: {"t":"y"}', '1502: {"t":"z"}']);
    assert.equal(await page().locator('#events').getAttribute('title'), 'The newest 1000 of 1502 events');
    // Batches as a burst sends them (the host posts all events since its last post): the newest
    // 1,000 lines are kept, in order, whether a batch overflows the list or the list fills up.
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => eventText({ i: from + i }));
    await playground.post({
      type: 'call',
      call: { ...base, events: batch(1502, 700), eventsFrom: 1502, eventCount: 2202 },
    });
    await playground.post({
      type: 'call',
      call: { ...base, events: batch(2202, 1200), eventsFrom: 2202, eventCount: 3402 },
    });
    await page().locator('#events', { hasText: '3402: {"i":3401}' }).waitFor({ state: 'attached' });
    const kept = await lines();
    assert.equal(kept.length, 1000);
    assert.deepEqual(
      kept,
      Array.from({ length: 1000 }, (_, i) => `${2403 + i}: {"i":${2402 + i}}`),
    );
    // A small batch then cuts the oldest block at a line.
    await playground.post({
      type: 'call',
      call: { ...base, events: batch(3402, 3), eventsFrom: 3402, eventCount: 3405 },
    });
    await page().locator('#events', { hasText: '3405: {"i":3404}' }).waitFor({ state: 'attached' });
    assert.deepEqual(
      await lines(),
      Array.from({ length: 1000 }, (_, i) => `${2406 + i}: {"i":${2405 + i}}`),
    );
  });

  it('says why a queued call waits, by its own clock: time in queue, position, start-timeout time left', async () => {
    const now = Date.now();
    const queued: CallView = {
      recordId: 'rec-q',
      method: 'submit',
      endpointId: 'sandbox/slow',
      status: 'queued · position 3',
      running: true,
      requestId: 'req-q',
      logs: [],
      queueWait: {
        state: 'IN_QUEUE',
        createdAt: now - 40_000,
        queuePosition: 3,
        platform: { startTimeout: 60 },
        queue: {
          enteredAt: now - 40_000,
          firstPosition: 3,
          lastPosition: 3,
          positionChangedAt: now - 40_000,
          positionChanges: 0,
        },
      },
    };
    await playground.post({ type: 'call', call: queued });
    const status = page().locator('#status');
    await status
      .filter({ hasText: /position 3, unchanged for \d+ s · starts within \d+ s or fails · req-q$/ })
      .waitFor();
    const first = (await status.textContent()) ?? '';
    assert.match(first, /^submit sandbox\/slow: queued 4\d s · /);
    // The page redraws it as time passes, with no message from the host.
    await page().waitForFunction(
      (before) => document.getElementById('status')?.textContent !== before,
      first,
    );
    // Once it runs, the host's status is shown and no longer redrawn.
    await playground.post({ type: 'call', call: { ...queued, status: 'in progress', queueWait: undefined } });
    await status.filter({ hasText: 'submit sandbox/slow: in progress · req-q' }).waitFor();
  });

  it('shows a running call with its logs, then the output with its images', async () => {
    const base: CallView = {
      method: 'subscribe',
      endpointId: 'sandbox/image',
      status: 'in progress',
      running: true,
      requestId: 'req-1',
      logs: [{ level: 'INFO', message: 'Step 1/2' }],
    };
    await playground.post({ type: 'call', call: base });
    await page().locator('#status', { hasText: 'subscribe sandbox/image: in progress · req-1' }).waitFor();
    assert.equal(await page().locator('#cancel').isVisible(), true);
    await page().locator('#logs', { hasText: 'INFO Step 1/2' }).waitFor({ state: 'attached' });
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await playground.post({
      type: 'call',
      call: {
        ...base,
        status: 'completed · 0.50 s',
        running: false,
        output: outputView({
          images: [{ url: png, content_type: 'image/png', width: 1, height: 1 }],
        }),
        media: [
          {
            path: ['images', 0],
            kind: 'image',
            url: png,
            src: png,
            contentType: 'image/png',
            name: 'output',
          },
        ],
      },
    });
    await page().locator('#status', { hasText: 'completed · 0.50 s' }).waitFor();
    assert.equal(await page().locator('#cancel').isVisible(), false);
    assert.equal(await page().locator('#gallery img').getAttribute('src'), png);
    await page().locator('#output', { hasText: '"content_type": "image/png"' }).waitFor();
    assert.deepEqual(playground.violations, []);
  });

  it("shows the endpoint's price as text beside its id, for that id only, and a result's cost", async () => {
    const evil = '<b>$1</b> / image';
    await playground.post({ type: 'price', endpointId: 'sandbox/image', price: evil });
    await page().locator('#price', { hasText: evil }).waitFor();
    assert.equal(await page().locator('#price').textContent(), evil);
    assert.equal(await page().locator('main b').count(), 0, 'no element was made from the price text');
    await playground.post({ type: 'price', endpointId: 'sandbox/echo', price: '$0.001 / request' });
    await playground.post({ type: 'price', endpointId: 'sandbox/image', price: '$0.025 / image' });
    await page().locator('#price', { hasText: '$0.025 / image' }).waitFor();
    await playground.setEndpoint('sandbox/echo');
    await page().locator('#price:empty').waitFor({ state: 'attached' });
    await playground.post({ type: 'price', endpointId: 'sandbox/echo' });
    assert.equal(await page().locator('#price').textContent(), '');

    const call: CallView = {
      method: 'subscribe',
      endpointId: 'sandbox/image',
      status: 'completed · 0.20 s',
      running: false,
      logs: [],
      output: outputView({ images: [] }),
      cost: '$0.05 (2 images × $0.025)',
    };
    await playground.post({ type: 'call', call });
    await page().locator('#cost', { hasText: 'Estimated cost: $0.05 (2 images × $0.025)' }).waitFor();
    await playground.post({ type: 'call', call: { ...call, cost: undefined } });
    await page().locator('#cost').waitFor({ state: 'hidden' });
    assert.deepEqual(playground.violations, []);
  });

  it('shows server text as text: markup in an error or output never becomes HTML', async () => {
    const evil = '<img src=x onerror="window.pwned=1"><b>bold</b>';
    await playground.post({
      type: 'call',
      call: {
        method: 'run',
        endpointId: 'sandbox/error',
        status: 'failed · 422',
        running: false,
        logs: [{ level: 'ERROR', message: evil }],
        output: outputView({ text: evil }),
        error: {
          message: evil,
          hint: 'Fix the fields named and call again.',
          fields: [{ field: evil, message: evil }],
        },
      },
    });
    await page().locator('#error .message').waitFor();
    assert.equal(await page().locator('#error .message').textContent(), evil);
    assert.equal(await page().locator('#error li code').textContent(), evil);
    assert.equal(await page().locator('main b, main img').count(), 0, 'no element was made from server text');
    assert.equal(await page().evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
  });

  it('shows a problem from the host, with a Set API Key button when the key is missing', async () => {
    await playground.post({
      type: 'problem',
      message: 'No fal key. Run "fal: Set API Key" (or set FAL_KEY) to call fal.ai.',
    });
    await page().locator('#set-key').waitFor();
    await page().locator('#set-key').click();
    await playground.nextMessage('setApiKey');
  });

  describe('the form from the schema, beside the JSON', () => {
    const schema = {
      type: 'object',
      'x-fal-order-properties': ['prompt', 'num_images', 'image_url'],
      properties: {
        prompt: { type: 'string', title: 'Prompt', description: 'What to draw' },
        num_images: { type: 'integer', title: 'Num images', minimum: 1, maximum: 4, default: 1 },
        image_url: { type: 'string', title: 'Image url', description: 'An image' },
      },
      required: ['prompt'],
    };

    async function withSchema(inputText: string) {
      await playground.setEndpoint('sandbox/form');
      await playground.typeInput(inputText);
      await playground.post({ type: 'schema', endpointId: 'sandbox/form', schema });
      await page().locator('#schema-form vscode-textarea, #schema-form vscode-textfield').first().waitFor();
    }

    it('shows the same value as the JSON: an edit in either shows in the other, unknown keys kept', async () => {
      await withSchema('{"prompt": "a fox", "extra": {"kept": true}}');
      const prompt = page().getByRole('textbox', { name: 'Prompt' });
      assert.equal(await prompt.inputValue(), 'a fox');
      await prompt.fill('a red fox');
      await page().waitForFunction(() =>
        document.querySelector('#json-input')?.textContent?.includes('a red fox'),
      );
      const json = JSON.parse(await playground.inputText()) as Record<string, unknown>;
      assert.deepEqual(json, { prompt: 'a red fox', extra: { kept: true } });
      await playground.typeInput('{"prompt": "typed in JSON", "num_images": 3, "extra": 1}');
      for (let tries = 0; tries < 50 && (await prompt.inputValue()) !== 'typed in JSON'; tries++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await prompt.inputValue(), 'typed in JSON');
      assert.deepEqual(playground.violations, []);
    });

    it('resets the fields to their defaults, keeping unknown keys; says so when there is no schema', async () => {
      await withSchema('{"prompt": "p", "num_images": 3, "extra": 1}');
      await page().locator('#reset').click();
      await page().waitForFunction(
        () => !document.querySelector('#json-input')?.textContent?.includes('"p"'),
      );
      assert.deepEqual(JSON.parse(await playground.inputText()), { num_images: 1, extra: 1 });
      await playground.post({ type: 'schema', endpointId: 'sandbox/form' });
      await page().locator('#fields', { hasText: 'sandbox/form has no input schema here' }).waitFor();
      assert.equal(await page().locator('#schema-form').isHidden(), true);
      assert.equal(await page().locator('#reset').isHidden(), true);
    });

    it('never writes over JSON that does not parse (work in progress), and says why', async () => {
      await withSchema('{"prompt": "p"}');
      await playground.typeInput('{"prompt": "half typed"');
      await page().getByRole('textbox', { name: 'Prompt' }).fill('from the form');
      await page().locator('#input-problem', { hasText: 'Fix the JSON to edit the form' }).waitFor();
      assert.equal(await playground.inputText(), '{"prompt": "half typed"');
    });

    it('asks the host for a file for a media field, and puts the placed URL in the value', async () => {
      await withSchema('{"prompt": "p"}');
      await page()
        .getByRole('button', { name: /Choose file/ })
        .first()
        .click();
      const asked = await playground.nextMessage('placeFile');
      assert.deepEqual(asked.path, ['image_url']);
      await playground.post({
        type: 'filePlaced',
        path: ['image_url'],
        file: {
          url: 'http://127.0.0.1:1/files/x/cat.png',
          name: 'cat.png',
          contentType: 'image/png',
          size: 3,
        },
      });
      await page().waitForFunction(() =>
        document.querySelector('#json-input')?.textContent?.includes('cat.png'),
      );
      const json = JSON.parse(await playground.inputText()) as Record<string, unknown>;
      assert.equal(json.image_url, 'http://127.0.0.1:1/files/x/cat.png');
      assert.equal(json.prompt, 'p');
    });
  });

  describe('the JSON editor', () => {
    const evil = 'What to draw <img src=x onerror="window.pwned=1">';
    const schema: InputSchema = {
      type: 'object',
      required: ['prompt'],
      additionalProperties: false,
      properties: {
        prompt: { type: 'string', description: evil, default: '' },
        num_images: { type: 'integer', minimum: 1, maximum: 4, default: 1, description: 'How many images' },
        guidance: { type: 'number', description: 'How closely to follow the prompt' },
        image_size: { enum: ['square', 'landscape_4_3'], default: 'square', description: 'Size preset' },
      },
    };
    const withSchema = () => playground.post({ type: 'schema', endpointId: 'sandbox/image', schema });

    it('loads its styles under the CSP by nonce, with no violation, and has an accessible name', async () => {
      await page().locator('.cm-editor').waitFor();
      assert.equal(
        await page()
          .locator('.cm-editor')
          .evaluate((e) => getComputedStyle(e).display),
        'flex',
      );
      assert.ok((await page().locator('style[nonce]').count()) > 0, "CodeMirror's styles carry the nonce");
      assert.equal(await page().locator('#json-input').getAttribute('aria-label'), 'Input (JSON)');
      assert.deepEqual(playground.violations, []);
    });

    it("keeps the form's tab order through the editor (Tab leaves it), every control named", async () => {
      await page().locator('#endpoint').focus();
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        await page().keyboard.press('Tab');
        order.push(
          await page().evaluate(() => {
            const e = document.activeElement as HTMLElement;
            return e.dataset.method ?? (e.id || e.tagName.toLowerCase());
          }),
        );
      }
      // The methods are one radio group: one tab stop, the arrow keys move the choice.
      assert.deepEqual(order, ['example', 'run', 'json-input', 'headers-box', 'call', 'copy-code']);
      await page().locator('vscode-radio.method[data-method="run"]').focus();
      await page().keyboard.press('ArrowRight');
      assert.equal(await playground.method(), 'subscribe');
      await page().locator('#headers-box').click(); // open it: a closed section's controls are hidden
      for (const [role, name] of [
        ['combobox', 'Endpoint'],
        ['textbox', 'Input (JSON)'],
        ['radiogroup', 'Method'],
        ['radio', 'stream'],
        ['checkbox', `No retry (x-fal-no-retry)`],
        ['combobox', 'Queue priority (x-fal-queue-priority)'],
        ['button', 'Example input'],
        ['button', 'Call'],
        ['button', 'Copy as code'],
        ['button', 'Save as Request File'],
      ] as const) {
        assert.equal(await page().getByRole(role, { name, exact: true }).count(), 1, `${role} ${name}`);
      }
    });

    it('saves the form on every key typed', async () => {
      await playground.typeInput('{"prompt": "fox"}');
      await page().keyboard.press('ArrowLeft');
      await page().keyboard.type(', "n": 2');
      const saved = await playground.savedState();
      assert.equal(saved?.inputText, '{"prompt": "fox", "n": 2}');
      const sent = (await playground.posted()).filter((m) => m.type === 'form');
      const last = sent[sent.length - 1];
      assert.ok(last?.type === 'form' && last.form.inputText === '{"prompt": "fox", "n": 2}');
    });

    it('shows schema errors at their path: missing required, out of range, wrong type, enum, unknown key', async () => {
      await withSchema();
      await playground.typeInput(
        '{\n  "num_images": 9,\n  "guidance": "high",\n  "image_size": "huge",\n  "extra": 1\n}',
      );
      await page().locator('.cm-lintRange-error').nth(4).waitFor();
      const marks = await page()
        .locator('#json-input .cm-line')
        .evaluateAll((lines) =>
          lines.flatMap((line, i) =>
            Array.from(line.querySelectorAll('.cm-lintRange-error')).map((m) => `${i + 1}:${m.textContent}`),
          ),
        );
      assert.deepEqual(marks, ['1:{', '2:9', '3:"high"', '4:"huge"', '5:"extra"']);
      // Each mark's own message, as hovering it shows.
      const expected = [
        'Missing required property "prompt".',
        '9 is greater than 4.',
        'Value type "string" is invalid. Expected "number".',
        'Value does not match any of ["square","landscape_4_3"].',
        'Unknown property "extra": the schema allows no others.',
      ];
      for (const [i, message] of expected.entries()) {
        const box = (await page().locator('.cm-lintRange-error').nth(i).boundingBox())!;
        await page().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page().locator('.cm-tooltip-lint .cm-diagnostic-error', { hasText: message }).waitFor();
        await page().mouse.move(0, 0);
        await page().locator('.cm-tooltip-lint').waitFor({ state: 'detached' });
      }
      // Fixed, the marks go.
      await playground.typeInput('{"prompt": "fox", "num_images": 2}');
      await page().locator('.cm-lintRange-error').waitFor({ state: 'detached' });
    });

    it("offers the schema's property names with their descriptions as text, and an enum's values", async () => {
      await withSchema();
      await playground.typeInput('{}');
      await page().keyboard.press('ArrowLeft');
      await page().keyboard.type('"');
      const labels = () =>
        page().locator('.cm-tooltip-autocomplete li .cm-completionLabel').allTextContents();
      await page().locator('.cm-tooltip-autocomplete li').nth(3).waitFor();
      assert.deepEqual((await labels()).sort(), ['"guidance"', '"image_size"', '"num_images"', '"prompt"']);
      await page().keyboard.type('pro');
      // The list narrowed to the one match, selected, with its info.
      await page().waitForFunction(
        () => document.querySelectorAll('.cm-tooltip-autocomplete li').length === 1,
      );
      await page()
        .locator('.cm-tooltip-autocomplete li[aria-selected="true"]', { hasText: 'prompt' })
        .waitFor();
      await page().locator('.cm-completionInfo').waitFor();
      // CodeMirror ignores Enter for `interactionDelay` (75 ms) after the list changes, so a fast Enter is not
      // taken for a choice made before the list was seen.
      await page().waitForTimeout(150);
      assert.equal(await page().locator('.cm-completionInfo').textContent(), evil);
      assert.equal(await page().locator('.cm-tooltip img').count(), 0, 'the description made no element');
      await page().keyboard.press('Enter');
      assert.equal(await playground.inputText(), '{"prompt": }');

      await playground.typeInput('{"image_size": }');
      await page().keyboard.press('ArrowLeft');
      await page().keyboard.press('Control+Space');
      await page().locator('.cm-tooltip-autocomplete li').nth(1).waitFor();
      assert.deepEqual(await labels(), ['"landscape_4_3"', '"square"'].sort());
      assert.equal(await page().evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    });

    it("hovers a key with the field's description, as text, and default", async () => {
      await withSchema();
      await playground.typeInput('{"prompt": "fox", "num_images": 2}');
      const key = page().locator('#json-input .cm-line span', { hasText: '"prompt"' }).first();
      const box = (await key.boundingBox())!;
      await page().mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const hover = page().locator('.cm-tooltip-hover .cm-schema-hover');
      await hover.waitFor();
      assert.deepEqual(await hover.locator('div').allTextContents(), ['prompt: string', evil, 'Default: ""']);
      assert.equal(await page().locator('.cm-tooltip img').count(), 0, 'the description made no element');
      assert.equal(await page().evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    });

    it("leaves Ctrl+Enter to VS Code's keybinding, and calls once when the host asks (callRequested)", async () => {
      await playground.typeInput('{"prompt": "fox"}');
      await page().keyboard.press('Control+Enter');
      await page().keyboard.press('Meta+Enter');
      assert.equal(await playground.inputText(), '{"prompt": "fox"}', 'no line inserted');
      assert.equal((await playground.posted()).filter((m) => m.type === 'call').length, 0, 'no call posted');
      // Two requests before the host answers: one call, as a double click makes one.
      await playground.post({ type: 'callRequested' });
      await playground.post({ type: 'callRequested' });
      const calls = (await playground.posted()).filter((m) => m.type === 'call');
      assert.equal(calls.length, 1);
      assert.equal(calls[0]?.type === 'call' && calls[0].form.inputText, '{"prompt": "fox"}');
    });

    it('drops a schema of another endpoint id, and the schema when the id changes', async () => {
      await playground.post({ type: 'schema', endpointId: 'sandbox/echo', schema });
      await playground.typeInput('{"extra": 1}');
      await playground.post({ type: 'schema', endpointId: 'sandbox/image', schema });
      await page().locator('.cm-lintRange-error').first().waitFor();
      await playground.setEndpoint('sandbox/echo');
      await page().locator('.cm-lintRange-error').waitFor({ state: 'detached' });
    });
  });
});
