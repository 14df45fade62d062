// Hostile server text in the playground page, in a real Chromium under the extension's own CSP: the
// payloads of sandbox/hostile (`<img onerror>`, `<script>`, `"><svg onload>`, `javascript:` and
// `data:text/html` URLs, a `[click](command:…)` link) in logs, output text, file names, media URLs,
// the endpoint id, the error and its fields, and catalogue names and descriptions. Each is shown as
// the text it is: no script ran (`window.__pwned`), no element came from a payload (`[data-pwned]`,
// `<script>`/`<svg>`/`<iframe>` in the page), no link or source with a `javascript:` or `data:text/html`
// URL, and the page's CSP reported nothing.
import * as assert from 'node:assert/strict';
import type { CallView, MediaView } from '../../src/common/playgroundProtocol';
import { outputView } from '../../src/common/outputPreview';
import { findOutputMedia } from '../../src/common/outputMedia';
import { HOSTILE_PAYLOADS, HOSTILE_TEXT, hostileEndpoint } from '../../src/sandbox/endpoints/hostile';
import { createContext } from '../../src/sandbox/context';
import { PlaygroundPage } from './playgroundPage';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** What a payload would leave behind in the page if it had become HTML or run. */
async function traces(playground: PlaygroundPage): Promise<Record<string, unknown>> {
  return playground.page.evaluate(() => {
    /** Every element, shadow roots included (the vscode-elements controls have their own). */
    const all: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    const bad = (value: string | null) => !!value && /^\s*(javascript:|data:text\/html)/i.test(value);
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      marked: all.filter((el) => el.hasAttribute('data-pwned')).length,
      scripts: all.filter((el) => el.tagName === 'SCRIPT' && !el.hasAttribute('nonce')).length,
      frames: all.filter((el) => ['IFRAME', 'OBJECT', 'EMBED', 'FRAME'].includes(el.tagName)).length,
      badUrls: all
        .filter((el) => ['href', 'src', 'action', 'formaction', 'data'].some((a) => bad(el.getAttribute(a))))
        .map((el) => el.outerHTML.slice(0, 120)),
    };
  });
}

const clean = { pwned: undefined, marked: 0, scripts: 0, frames: 0, badUrls: [] };

describe('playground webview: hostile server content stays inert', function () {
  let playground: PlaygroundPage;
  const page = () => playground.page;

  beforeEach(async () => {
    playground = await PlaygroundPage.open();
    await playground.post({ type: 'init', target: `the sandbox ${HOSTILE_TEXT}` });
  });

  afterEach(async () => {
    await playground?.close();
  });

  it('a result: logs, output text, file names, media URLs, endpoint id and error as text', async () => {
    const ctx = createContext({});
    ctx.baseUrl = 'http://127.0.0.1:1';
    const logs: string[] = [];
    const output = await hostileEndpoint.run(
      {},
      { ctx, signal: new AbortController().signal, subPath: '', log: (m) => logs.push(m) },
    );
    await ctx.scratch.remove();
    // The media as the host finds them: the javascript: and data:text/html "images" are none.
    const found = findOutputMedia(output);
    assert.deepEqual(
      found.map((m) => m.url.slice(0, 22)),
      ['http://127.0.0.1:1/fil'],
      'only the real file is media',
    );
    const media: MediaView[] = found.map((m) => ({ ...m, src: PNG }));
    const call: CallView = {
      recordId: 'rec-hostile',
      method: 'run',
      endpointId: HOSTILE_TEXT,
      status: `failed · ${HOSTILE_PAYLOADS.svg}`,
      running: false,
      requestId: HOSTILE_PAYLOADS.img,
      logs: logs.map((message) => ({ level: 'INFO', message })),
      output: outputView(output),
      media,
      error: {
        message: `The endpoint failed: ${HOSTILE_TEXT}`,
        hint: HOSTILE_PAYLOADS.script,
        fields: [{ field: HOSTILE_PAYLOADS.svg, message: HOSTILE_PAYLOADS.img }],
      },
    };
    await playground.post({ type: 'call', call });
    await page().locator('#gallery img').first().waitFor();
    await page().locator('#error .message').waitFor();

    assert.equal(
      await page().locator('#error .message').textContent(),
      `The endpoint failed: ${HOSTILE_TEXT}`,
    );
    const text = await page().locator('main').innerText();
    for (const payload of Object.values(HOSTILE_PAYLOADS)) {
      assert.ok(text.includes(payload), `shown as text: ${payload}`);
    }
    // The file's name is the picture's alt text and label, and the gallery loads only the mapped source.
    const name = `${HOSTILE_PAYLOADS.img}.png`;
    assert.equal(await page().locator('#gallery img').first().getAttribute('alt'), name);
    assert.equal(
      await page().locator('#gallery button.thumb').first().getAttribute('aria-label'),
      `Enlarge ${name}`,
    );
    assert.deepEqual(
      await page()
        .locator('#gallery img')
        .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src'))),
      [PNG],
    );
    // The hostile URLs are in the JSON tree as strings, and clicking one only selects it.
    const link = page().locator('#output [data-path="$.link"]');
    await link.click();
    assert.equal(await page().locator('#json-selected').innerText(), '$.link');
    assert.deepEqual(await traces(playground), clean);
    assert.deepEqual(playground.violations, []);
    // Open Externally is offered for http(s) only; nothing else asked the host to open anything.
    const posted = await playground.posted();
    assert.deepEqual(
      posted.filter((m) => m.type === 'openExternal'),
      [],
    );
  });

  it('catalogue names, descriptions and tags, and a typed endpoint id, as text', async () => {
    const m = hostileEndpoint.metadata;
    await playground.post({
      type: 'endpoints',
      recent: [],
      catalogue: [
        {
          endpointId: 'sandbox/hostile',
          displayName: m.display_name,
          category: HOSTILE_PAYLOADS.script,
          description: m.description,
          tags: m.tags,
          thumbnailUrl: HOSTILE_PAYLOADS.htmlDataUrl,
        },
      ],
    });
    await page().locator('#endpoint').fill('hostile');
    const option = page().locator('#endpoint-options li', { hasText: 'sandbox/hostile' });
    await option.waitFor();
    assert.equal(await option.locator('.name').textContent(), m.display_name);
    assert.equal(await option.locator('.description').textContent(), m.description);
    await option.click();
    await page().locator('#endpoint').fill(HOSTILE_TEXT);
    await page().keyboard.press('Escape');
    assert.equal(await page().locator('#endpoint').inputValue(), HOSTILE_TEXT);
    assert.deepEqual(await traces(playground), clean);
  });
});
