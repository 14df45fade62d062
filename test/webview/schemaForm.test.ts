// The schema form in a real Chromium under the playground's CSP, for schemas fetched from a real
// sandbox over loopback: every field kind of sandbox/compose draws as its vscode-elements control;
// edits report the whole value (slider and number box agreeing, LoRA rows added and removed,
// `image_size` preset then custom); `setValue` updates controls in place, focus kept; unknown keys
// survive edits; a value a control cannot show goes in the field's JSON box; server text stays text.
import * as assert from 'node:assert/strict';
import type { JsonSchema } from '../../src/common/schemaForm';
import { useSandboxClient } from '../unit/clientSandbox';
import { SchemaFormPage } from './schemaFormPage';
import { chooseOption } from './vscodeControls';

describe('schema form webview', function () {
  const h = useSandboxClient();
  let form: SchemaFormPage;
  let compose: JsonSchema;

  before(async () => {
    compose = (await h.client.schema('sandbox/compose')).input as JsonSchema;
    form = await SchemaFormPage.open([new URL(h.sandbox.url).origin]);
  });
  after(async () => {
    await form?.close();
  });
  beforeEach(async () => {
    await form.mount(compose, {});
  });

  const page = () => form.page;
  /** The tag of the control drawn in a field, and its accessible name. */
  const control = (path: string, selector: string) => form.field(path).locator(selector).first();

  it('draws each field kind of sandbox/compose as its control, with no CSP violation', async () => {
    const expect: Array<[string, string]> = [
      ['prompt', 'vscode-textarea'],
      ['title', 'vscode-textfield'],
      ['image_size', 'vscode-single-select'],
      ['num_inference_steps', 'input[type=range]'],
      ['num_inference_steps', 'vscode-textfield[type=number]'],
      ['guidance_scale', 'input[type=range]'],
      ['seed', 'vscode-textfield[type=number]'],
      ['enable_safety_checker', 'vscode-checkbox'],
      ['output_format', 'vscode-single-select'],
      ['style', 'vscode-collapsible'],
      ['loras', 'vscode-button[aria-label="Add to Loras"]'],
      ['tags', 'vscode-button[aria-label="Add to Tags"]'],
      ['image_url', 'vscode-button[aria-label="Choose file for Image Url"]'],
      ['audio_url', 'vscode-textfield'],
      ['video_url', 'vscode-textfield'],
    ];
    for (const [path, selector] of expect) {
      assert.equal(await control(path, selector).isVisible(), true, `${path}: ${selector}`);
    }
    assert.equal(await form.field('sync_mode').count(), 0, 'the hidden field is skipped');
    assert.equal(await control('seed', 'input[type=range]').count(), 0, 'no slider without a maximum');
    // The fields are in fal's order, and so is the tab order (no tabindex reorders them).
    const order = await page()
      .locator('.sf-form > .sf-field')
      .evaluateAll((fs) => fs.map((f) => (f as HTMLElement).dataset.path));
    assert.deepEqual(order.slice(0, 4), ['prompt', 'title', 'image_size', 'num_inference_steps']);
    assert.equal(
      await page().locator('.sf-form [tabindex]:not([tabindex="0"]):not([tabindex="-1"])').count(),
      0,
    );
    // The elements rendered (Lit's constructable stylesheets applied): a textfield has its inner input, styled.
    const inner = await control('title', 'vscode-textfield').evaluate((e) => {
      const input = e.shadowRoot?.querySelector('input');
      return {
        input: !!input,
        sheets: e.shadowRoot?.adoptedStyleSheets.length ?? 0,
        height: e.getBoundingClientRect().height,
      };
    });
    assert.ok(inner.input && inner.sheets > 0 && inner.height > 10, JSON.stringify(inner));
    assert.deepEqual(form.violations, []);
  });

  it('marks required fields, names every control, shows defaults as placeholders', async () => {
    assert.equal(await control('prompt', '.sf-required').isVisible(), true);
    assert.equal(await control('prompt', 'vscode-textarea').getAttribute('aria-required'), 'true');
    assert.equal(await control('title', '.sf-required').count(), 0);
    assert.equal(
      await control('num_inference_steps', 'vscode-textfield').evaluate(
        (e) => (e as HTMLInputElement).placeholder,
      ),
      '8',
    );
    const unnamed = await page()
      .locator(
        '.sf-form vscode-textfield, .sf-form vscode-textarea, .sf-form vscode-single-select, .sf-form vscode-checkbox, .sf-form vscode-button, .sf-form input.sf-slider',
      )
      .evaluateAll((es) => es.filter((e) => !e.getAttribute('aria-label')).map((e) => e.outerHTML));
    assert.deepEqual(unnamed, []);
  });

  it('reports the whole value on each edit; slider and number box agree', async () => {
    await control('prompt', 'vscode-textarea').locator('textarea').fill('a harbour');
    assert.deepEqual(await form.lastChange(), { prompt: 'a harbour' });
    const slider = control('num_inference_steps', 'input[type=range]');
    await slider.fill('20');
    assert.deepEqual(await form.lastChange(), { prompt: 'a harbour', num_inference_steps: 20 });
    const box = control('num_inference_steps', 'vscode-textfield');
    assert.equal(await box.evaluate((e) => (e as HTMLInputElement).value), '20');
    await box.locator('input').fill('33');
    assert.deepEqual(await form.lastChange(), { prompt: 'a harbour', num_inference_steps: 33 });
    assert.equal(await slider.inputValue(), '33');
    await control('enable_safety_checker', 'vscode-checkbox').click();
    assert.equal(((await form.lastChange()) as Record<string, unknown>).enable_safety_checker, false);
  });

  it('adds and removes LoRA rows, each drawing its own fields', async () => {
    await control('loras', 'vscode-button[aria-label="Add to Loras"]').click();
    const [row] = ((await form.lastChange()) as { loras: unknown[] }).loras;
    assert.deepEqual(await form.lastChange(), { loras: [row] });
    await form
      .field('loras.0.path')
      .locator('vscode-textfield input')
      .fill('https://example.com/a.safetensors');
    await control('loras', 'vscode-button[aria-label="Add to Loras"]').click();
    await form
      .field('loras.1.path')
      .locator('vscode-textfield input')
      .fill('https://example.com/b.safetensors');
    let loras = ((await form.lastChange()) as { loras: Array<Record<string, unknown>> }).loras;
    assert.deepEqual(
      loras.map((l) => l.path),
      ['https://example.com/a.safetensors', 'https://example.com/b.safetensors'],
    );
    await control('loras', 'vscode-button[aria-label="Remove Loras 1"]').click();
    loras = ((await form.lastChange()) as { loras: Array<Record<string, unknown>> }).loras;
    assert.deepEqual(
      loras.map((l) => l.path),
      ['https://example.com/b.safetensors'],
    );
    assert.equal(await form.field('loras.1.path').count(), 0);
  });

  it('takes an image_size preset, then custom width and height', async () => {
    const select = control('image_size', 'vscode-single-select');
    await chooseOption(select, 'landscape_16_9');
    assert.deepEqual(await form.lastChange(), { image_size: 'landscape_16_9' });
    assert.equal(await form.field('image_size.width').isVisible(), false);
    await chooseOption(select, 'custom');
    assert.deepEqual(await form.lastChange(), { image_size: { width: 512, height: 512 } });
    await form.field('image_size.width').locator('vscode-textfield input').fill('640');
    assert.deepEqual(await form.lastChange(), { image_size: { width: 640, height: 512 } });
  });

  it('shows setValue in the controls in place: the focused element stays focused, no rebuild', async () => {
    const title = control('title', 'vscode-textfield');
    await title.locator('input').fill('first');
    await title.evaluate((e) => ((window as unknown as { marked: Element }).marked = e));
    await form.setValue({ title: 'first', prompt: 'from JSON', num_inference_steps: 12, tags: ['x'] });
    assert.equal(
      await control('prompt', 'vscode-textarea').evaluate((e) => (e as HTMLTextAreaElement).value),
      'from JSON',
    );
    assert.equal(await control('num_inference_steps', 'input[type=range]').inputValue(), '12');
    assert.equal(
      await form
        .field('tags')
        .locator('vscode-textfield')
        .evaluate((e) => (e as HTMLInputElement).value),
      'x',
    );
    const same = await title.evaluate(
      (e) => e === (window as unknown as { marked: Element }).marked && document.activeElement === e,
    );
    assert.equal(same, true, 'the title field is the same element and still focused');
  });

  it('keeps keys the form does not know through edits, and says they are there', async () => {
    await form.mount(compose, { prompt: 'p', sync_mode: true, extra: { a: 1 } });
    await control('title', 'vscode-textfield').locator('input').fill('t');
    assert.deepEqual(await form.lastChange(), { prompt: 'p', sync_mode: true, extra: { a: 1 }, title: 't' });
    assert.match(await page().locator('.sf-unknown').innerText(), /sync_mode, extra/);
  });

  it("shows a value that does not fit its control in that field's JSON box", async () => {
    await form.setValue({ num_inference_steps: 'many', style: 'odd' });
    const box = form.field('num_inference_steps').locator('.sf-json vscode-textarea');
    assert.equal(await box.isVisible(), true);
    assert.equal(await box.evaluate((e) => (e as HTMLTextAreaElement).value), '"many"');
    assert.equal(await control('num_inference_steps', 'input[type=range]').isVisible(), false);
    assert.equal(await form.field('style').locator(':scope > .sf-json').isVisible(), true);
    // Typed JSON is kept as typed until it parses; then it is the value.
    await box.locator('textarea').fill('{"bad":');
    assert.match(
      await form.field('num_inference_steps').locator('.sf-json-problem').innerText(),
      /Not valid JSON/,
    );
    assert.equal(await box.evaluate((e) => (e as HTMLTextAreaElement).value), '{"bad":');
    await box.locator('textarea').fill('9');
    assert.deepEqual(await form.lastChange(), { num_inference_steps: 9, style: 'odd' });
  });

  it('shows a description with HTML in it as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await form.mount({
      type: 'object',
      properties: { note: { type: 'string', title: '<b>Note</b>', description: hostile } },
    });
    assert.equal(await form.field('note').locator('.sf-help').innerText(), hostile);
    assert.equal(await form.field('note').locator('.sf-label').innerText(), '<b>Note</b>');
    assert.equal(await page().locator('.sf-form img, .sf-form b').count(), 0);
  });

  it('Choose file… asks the host with the field path and media kind; the URL then shows a preview', async () => {
    await control('image_url', 'vscode-button[aria-label="Choose file for Image Url"]').click();
    await control('video_url', 'vscode-button[aria-label="Choose file for Video Url"]').click();
    assert.deepEqual(await form.fileRequests(), [
      { path: ['image_url'], media: 'image' },
      { path: ['video_url'], media: 'video' },
    ]);
    assert.match(await control('image_url', '.sf-hint').innerText(), /Shift\+drop a file here/);
    const png = `${h.sandbox.url}/missing.png`;
    await form.setValue({
      image_url: png,
      audio_url: `${h.sandbox.url}/a.mp3`,
      video_url: 'file:///clip.mp4',
    });
    assert.equal(await control('image_url', '.sf-preview img').getAttribute('src'), png);
    assert.equal(await control('audio_url', '.sf-preview audio[controls]').count(), 1);
    assert.equal(await control('video_url', '.sf-preview .sf-file-name').innerText(), 'clip.mp4');
  });

  it('hands on a Shift+drop of Explorer URIs and a paste of an image, with the field path', async () => {
    const media = form.field('image_url').locator('.sf-media');
    await media.evaluate((el) => {
      const over = new DragEvent('dragover', { bubbles: true, cancelable: true, shiftKey: true });
      el.dispatchEvent(over);
      const dropped = new DataTransfer();
      dropped.setData('text/uri-list', 'file:///work/a.png\r\n# comment\r\nfile:///work/b.png');
      el.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dropped }));
      const pasted = new DataTransfer();
      pasted.items.add(new File([new Uint8Array([137, 80, 78, 71])], 'pasted.png', { type: 'image/png' }));
      el.dispatchEvent(
        new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: pasted }),
      );
      const text = new DataTransfer();
      text.setData('text/plain', 'just words');
      el.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: text }));
    });
    assert.deepEqual(await form.fileData(), [
      { path: ['image_url'], media: 'image', uris: ['file:///work/a.png', 'file:///work/b.png'], files: [] },
      { path: ['image_url'], media: 'image', uris: [], files: ['pasted.png image/png'] },
    ]);
  });

  it("shows an upload's progress with Cancel, then its error under the field, the value untouched", async () => {
    await form.mount(compose, { image_url: 'https://example.com/before.png' });
    await form.setFileStatus(['image_url'], { progress: 0.4 });
    assert.match(await control('image_url', '.sf-file-status').innerText(), /Uploading… 40%/);
    await control('image_url', 'vscode-button[aria-label="Cancel the upload into Image Url"]').click();
    assert.deepEqual(await form.fileCancels(), [['image_url']]);
    await form.setFileStatus(['image_url'], { error: 'Upload failed: 413 <b>too big</b>' });
    assert.equal(await control('image_url', '.sf-file-status').isVisible(), false);
    assert.equal(
      await control('image_url', '.sf-file-error').innerText(),
      'Upload failed: 413 <b>too big</b>',
    );
    assert.equal(
      await control('image_url', 'vscode-textfield').evaluate((e) => (e as HTMLInputElement).value),
      'https://example.com/before.png',
    );
    assert.deepEqual(await form.changes(), []);
    await form.setFileStatus(['image_url'], undefined);
    assert.equal(await control('image_url', '.sf-file-error').isVisible(), false);
  });

  it('gives each row of a file-URL array its own Choose file…, with the row path', async () => {
    await form.mount({
      type: 'object',
      properties: { image_urls: { type: 'array', items: { type: 'string' }, title: 'Image Urls' } },
    });
    await control('image_urls', 'vscode-button[aria-label="Add to Image Urls"]').click();
    assert.deepEqual(await form.lastChange(), { image_urls: [''] });
    await control('image_urls', 'vscode-button[aria-label="Choose file for Image Urls 1"]').click();
    assert.deepEqual(await form.fileRequests(), [{ path: ['image_urls', 0], media: 'image' }]);
    const url = control('image_urls', '.sf-media vscode-textfield');
    await url.locator('input').fill('https://example.com/a.png');
    await url.locator('input').fill('');
    assert.deepEqual(await form.lastChange(), { image_urls: [''] }, 'emptied, the row stays');
  });

  it("draws sandbox/image's image_size union and sandbox/image-to-image's media field", async () => {
    await form.mount((await h.client.schema('sandbox/image')).input as JsonSchema);
    assert.equal(await control('image_size', 'vscode-single-select').isVisible(), true);
    await form.mount((await h.client.schema('sandbox/image-to-image')).input as JsonSchema);
    assert.equal(
      await control('image_url', 'vscode-button[aria-label="Choose file for Image Url"]').isVisible(),
      true,
    );
    assert.equal(await control('image_url', '.sf-required').isVisible(), true);
    assert.deepEqual(form.violations, []);
  });
});
