// A request file in the real workbench, as a person meets it: opened from the workspace, its requests
// have CodeLens above them (their own method first), the served schema puts an error squiggle under a
// wrongly typed input field, and clicking a request's Subscribe lens makes the call, which shows in the
// Requests view and completes.
import * as assert from 'node:assert/strict';
import { Workbench } from '../../tools/vscode-host/workbench';

const REQUESTS = [
  {
    name: 'broken',
    endpoint: 'sandbox/image',
    method: 'run',
    input: { prompt: 'a lighthouse', num_images: 'two' },
  },
  {
    name: 'lighthouse',
    endpoint: 'sandbox/image',
    method: 'subscribe',
    input: { prompt: 'a lighthouse at dusk', num_images: 1 },
  },
];

describe('workbench: a request file (CodeLens, schema errors, a call)', function () {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({
      files: { 'requests/lighthouse.fal.json': `${JSON.stringify(REQUESTS, null, 2)}\n` },
    });
  });

  after(async () => {
    await workbench?.close();
  });

  it('shows CodeLens and a schema error, and Subscribe makes the call seen in the Requests view', async () => {
    await workbench.openFile('requests/lighthouse.fal.json');
    const editor = workbench.page.locator('.editor-instance .monaco-editor').first();
    const lenses = editor.locator('.codelens-decoration');
    await lenses.nth(1).waitFor({ timeout: 30_000 });
    // Each request's lens row starts with its own method.
    assert.match((await lenses.nth(0).innerText()).trim(), /^Run\b/);
    assert.match((await lenses.nth(1).innerText()).trim(), /^Subscribe\b/);
    assert.match(await lenses.nth(1).innerText(), /Open in Playground/);
    // The served schema: "two" is not an integer, a squiggle under it (JSON schema problems are warnings).
    await workbench.orScreenshot(
      'request-file-no-squiggle',
      editor
        .locator('.squiggly-warning, .squiggly-error')
        .first()
        .waitFor({ state: 'attached', timeout: 30_000 }),
    );
    // Its hover says what is wrong.
    await editor.locator('.view-line span', { hasText: '"two"' }).last().hover();
    await workbench.page
      .locator('.monaco-hover', { hasText: /integer/i })
      .first()
      .waitFor();
    await workbench.screenshot('request-file');

    await workbench.showContainer('fal');
    await lenses
      .nth(1)
      .locator('a', { hasText: /^Subscribe$/ })
      .click();
    const row = workbench.page.locator('.part.sidebar .monaco-list-row', {
      hasText: 'subscribe sandbox/image',
    });
    await row.first().waitFor({ timeout: 30_000 });
    await workbench.page
      .locator('.part.sidebar .monaco-list-row', { hasText: /completed.*subscribe sandbox\/image/ })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.equal(await row.count(), 1, 'one call');
  });
});
