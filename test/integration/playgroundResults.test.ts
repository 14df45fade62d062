// The playground's results in a real VS Code: Save All Outputs downloads every file of a call's output
// into a folder with names from the endpoint and request id, byte for byte as the sandbox served them;
// and the page loads the sandbox's media through the URL VS Code maps its origin to
// (`env.asExternalUri`: code-server's /proxy/<port>/ here), never the loopback one, with that mapped
// source in its CSP.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../src/common/callModel';
import { MAX_SHOWN_CHILDREN, type PreviewNode } from '../../src/common/outputPreview';
import { RequestStore } from '../../src/requests/requestStore';
import { activateExtension, eventually } from './extensionApi';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `input` on `endpointId` from the palette, opens that call in the playground, and has the page call
 * it again with its form, as Ctrl+Enter does, until its result (with media, unless told otherwise) is shown. A page still loading
 * (a loaded machine) does not hear the first ask, so it is asked again until it calls.
 */
async function callFromPlayground(endpointId: string, input: unknown, { withMedia = true } = {}) {
  const api = await activateExtension();
  const first = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.run', {
    endpointId,
    input,
  });
  assert.ok(first);
  await vscode.commands.executeCommand('fal.openInPlayground', first.id);
  const panel = api.playground();
  assert.ok(panel);
  const before = new Set(api.store.all().map((r) => r.id));
  const isNew = (id: string | undefined) => id !== undefined && !before.has(id);
  // The page is up (and will not be built again for the sandbox's media) once it has been given the
  // endpoint's schema: a call asked for before that is lost with the page it went to.
  await eventually(() => panel.schema?.endpointId === endpointId, 'the page is given the schema', 60_000);
  let shown = panel.shownCall;
  const done = () => isNew(shown?.recordId) && !shown?.running && (!withMedia || !!shown?.media?.length);
  for (let i = 0; i < 600 && !done(); i++) {
    if (i % 50 === 0 && !api.store.all().some((r) => isNew(r.id))) panel.requestCall();
    await sleep(100);
    shown = panel.shownCall;
  }
  return { api, panel, shown, isNew };
}

describe('playground results (host side)', function () {
  this.timeout(120_000);

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Save All Outputs writes each output file with the bytes the sandbox served, named by endpoint and request id', async () => {
    await activateExtension();
    const record = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.subscribe', {
      endpointId: 'sandbox/image',
      input: { prompt: 'two foxes', num_images: 2, num_inference_steps: 1 },
    });
    assert.ok(record?.requestId, 'the call completed');
    const images = (record.output as { images: Array<{ url: string }> }).images;
    assert.equal(images.length, 2);
    const folder = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'saved-outputs');
    // The folder argument answers the folder picker, as a person choosing that folder would.
    const saved = await vscode.commands.executeCommand<Array<{ uri: vscode.Uri; bytes: number }>>(
      'fal.saveOutputs',
      record.id,
      folder,
    );
    assert.deepEqual(
      saved.map((s) => s.uri.path.split('/').pop()),
      [`sandbox-image-${record.requestId}-1.png`, `sandbox-image-${record.requestId}-2.png`],
    );
    for (const [i, image] of images.entries()) {
      const served = Buffer.from(await (await fetch(image.url)).arrayBuffer());
      const written = Buffer.from(await vscode.workspace.fs.readFile(saved[i].uri));
      assert.ok(served.length > 100, 'a real PNG was served');
      assert.ok(written.equals(served), `file ${i + 1} has the bytes the sandbox served`);
      assert.equal(saved[i].bytes, served.length);
    }
  });

  it("gives the page the sandbox's media through asExternalUri's mapping, never the loopback URL, and lists it in the CSP", async () => {
    const { api, panel, shown, isNew } = await callFromPlayground('sandbox/image', {
      prompt: 'a mapped fox',
      num_inference_steps: 1,
    });
    assert.ok(
      api.store.all().some((r) => isNew(r.id) && r.endpointId === 'sandbox/image'),
      'the page made the call',
    );
    const media = shown?.media?.[0];
    assert.ok(media?.src, `the page was sent an image to load: ${JSON.stringify(shown)}`);
    const url = new URL(media.url);
    assert.match(url.hostname, /^(127\.0\.0\.1|localhost)$/, 'the output names the local sandbox');
    const mapped = await vscode.env.asExternalUri(vscode.Uri.parse(`${url.origin}/`));
    const base = mapped.toString(true).replace(/\/?$/, '/');
    assert.equal(media.src, base + media.url.slice(url.origin.length + 1));
    // code-server maps a local port through its proxy: the page never gets the loopback URL to load.
    assert.notEqual(new URL(media.src).origin, url.origin, `${media.src} is still the loopback URL`);
    assert.match(media.src, /\/proxy\/\d+\/files\//);
    const served = await fetch(media.src);
    assert.equal(served.status, 200, `the mapped URL serves the file (${media.src})`);
    assert.equal(served.headers.get('content-type'), 'image/png');

    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(panel.panel.webview.html)?.[1] ?? '';
    const imgSrc = /img-src ([^;]+)/.exec(csp)?.[1].split(' ') ?? [];
    assert.ok(imgSrc.includes(base), `img-src lists ${base}: ${imgSrc.join(' ')}`);
    assert.ok(!imgSrc.includes('https:') && !imgSrc.some((s) => /:\*$/.test(s)), imgSrc.join(' '));
  });

  it("loads no loopback media but the sandbox's, and offers no wildcard host: an output cannot widen the CSP", async () => {
    // sandbox/echo answers its input: an output naming another local port and a wildcard https host.
    const input = {
      local: { url: 'http://127.0.0.1:6379/x.png', content_type: 'image/png' },
      wild: { url: 'https://*.com/a.png', content_type: 'image/png' },
    };
    const { panel, shown } = await callFromPlayground('sandbox/echo', input);
    const media = shown?.media ?? [];
    const local = media.find((m) => m.url === input.local.url);
    const wild = media.find((m) => m.url === input.wild.url);
    assert.ok(local && wild, JSON.stringify(media));
    assert.equal(local.src, undefined, 'another local port is not loaded');
    assert.equal(local.blockedHost, '127.0.0.1:6379');
    assert.equal(local.canAllow, false);
    assert.equal(wild.src, undefined);
    assert.equal(wild.canAllow, false, 'a wildcard host is never offered');
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(panel.panel.webview.html)?.[1] ?? '';
    assert.ok(!csp.includes(':6379'), csp);
    assert.ok(!csp.includes('*.com'), csp);
  });

  it('sends the page a bounded preview of a large output; Copy Value copies the whole value from the host', async () => {
    // sandbox/echo answers its input: 2,500 keys and a list of 5,000 numbers.
    const input = {
      ...Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i])),
      list: Array.from({ length: 5000 }, (_, i) => i),
    };
    const { panel, shown } = await callFromPlayground('sandbox/echo', input, { withMedia: false });
    assert.equal(shown?.status.startsWith('completed'), true, shown?.status);
    const view = shown?.output;
    assert.ok(view, 'the page was sent the output');
    const preview = JSON.parse(view.previewJson) as PreviewNode;
    assert.ok(!('leaf' in preview));
    assert.equal(preview.size, 2501, 'the whole size is said');
    assert.equal(preview.children.length, MAX_SHOWN_CHILDREN, 'only the first children are sent');
    assert.ok(view.previewJson.length < 20_000, `${view.previewJson.length} characters sent`);
    assert.equal(await panel.copyOutputValue(shown!.recordId!, ['list']), true);
    assert.equal(await vscode.env.clipboard.readText(), JSON.stringify(input.list, null, 2));
    assert.equal(await panel.copyOutputValue(shown!.recordId!, ['k7']), true);
    assert.equal(await vscode.env.clipboard.readText(), '7');
    assert.equal(await panel.copyOutputValue(shown!.recordId!, ['no such key']), false);
  });

  it('shows an output over 16 KB read back from disk (the window reloaded), kept in its own file', async () => {
    const api = await activateExtension();
    const output = { text: 'x'.repeat(40_000), seed: 7 };
    // A call of a window before the reload, in the shared list: its output in a file of its own.
    const before = new RequestStore(api.store.file, { windowId: 'the-window-before-the-reload' });
    before.add({
      id: 'large-output-read-back',
      endpointId: 'sandbox/echo',
      method: 'run',
      input: output,
      target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
      createdAt: Date.now(),
      updatedAt: Date.now(),
      state: 'COMPLETED',
      output,
      logs: [],
    });
    before.dispose();
    api.store.refresh();
    const record = api.store.get('large-output-read-back');
    assert.ok(record?.outputFile, 'read back with its output in its own file');
    assert.equal(record.output, undefined);
    // The playground the window had open showed that call: it opens again (as after a reload) on it.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const state = path.join(api.storageUris[0].fsPath, 'playground.json');
    fs.writeFileSync(state, JSON.stringify({ recordId: record.id }));
    await vscode.commands.executeCommand('fal.openPlayground');
    const panel = api.playground();
    assert.ok(panel);
    await eventually(() => !!panel.shownCall?.output, 'the playground shows the output');
    assert.equal(panel.shownCall?.recordId, record.id);
    assert.equal(
      panel.shownCall?.output?.texts[0]?.text,
      output.text,
      'the page is sent the output from its file',
    );
    assert.equal(await panel.copyOutputValue(record.id, ['seed']), true);
    assert.equal(await vscode.env.clipboard.readText(), '7');
    api.store.remove(record.id);
  });
});
