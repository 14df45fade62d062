// The playground panel's host side in a real VS Code: the command opens one panel (a second call
// reveals it), whose page carries a strict CSP with a fresh nonce and loads only its own bundle.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { toCallView } from '../../src/playground/playgroundPanel';
import { activateExtension, eventually } from './extensionApi';

describe('playground panel', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens one panel with a strict CSP and a nonce on its only script', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('fal.openPlayground');
    await vscode.commands.executeCommand('fal.openPlayground');
    const webviewTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview);
    for (let i = 0; i < 50 && webviewTabs().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      webviewTabs().map((t) => t.label),
      ['fal Playground'],
      'a second "Open Playground" reveals the first panel',
    );
    const panel = api.playground()?.panel;
    assert.ok(panel, 'the panel is tracked');
    const html = panel.webview.html;
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, `no nonce in ${csp}`);
    assert.ok(!/unsafe-inline|unsafe-eval/.test(csp), csp);
    assert.ok(csp.includes(`style-src ${panel.webview.cspSource} 'nonce-${nonce}'`), csp);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
    assert.match(scripts[0], /playground\.js"/);
  });

  it('gives the page the input schema of the endpoint id it is set to, for its JSON editor', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('fal.openPlayground');
    const record = await vscode.commands.executeCommand<{ id: string } | undefined>('fal.run', {
      endpointId: 'sandbox/text',
      input: { prompt: 'x', max_tokens: 1 },
    });
    assert.ok(record);
    await vscode.commands.executeCommand('fal.openInPlayground', record.id);
    const schema = () => api.playground()?.schema;
    for (let i = 0; i < 100 && schema()?.endpointId !== 'sandbox/text'; i++)
      await new Promise((r) => setTimeout(r, 100));
    const connection = await api.connection.get();
    assert.deepEqual(schema(), {
      type: 'schema',
      endpointId: 'sandbox/text',
      schema: (await connection.client.schema('sandbox/text')).input,
    });
  });

  it('turns a failed record into field errors the webview lists', async () => {
    const api = await activateExtension();
    const record = await vscode.commands.executeCommand<{ id: string } | undefined>('fal.run', {
      endpointId: 'sandbox/image',
      input: { num_images: 9 },
    });
    assert.ok(record);
    const view = toCallView(api.store.get(record.id)!);
    assert.equal(view.running, false);
    assert.deepEqual(
      view.error?.fields?.map((f) => f.field),
      ['prompt', 'num_images'],
    );
  });

  it('"Open in Playground" puts a request\'s call in the playground form, with its result', async () => {
    const api = await activateExtension();
    const record = await vscode.commands.executeCommand<{ id: string } | undefined>('fal.run', {
      endpointId: 'sandbox/echo',
      input: { again: 1 },
      headers: { 'x-custom': 'one' },
      platform: { noRetry: true },
    });
    assert.ok(record);
    await vscode.commands.executeCommand('fal.openInPlayground', record.id);
    assert.deepEqual(api.playground()?.form, {
      endpointId: 'sandbox/echo',
      method: 'run',
      inputText: '{\n  "again": 1\n}\n',
      platform: { noRetry: true },
      headersText: 'x-custom: one',
    });
    // The result beside the form is that request's, in an open playground too.
    const panel = api.playground()!;
    await eventually(() => panel.shownCall?.recordId === record.id, 'the playground shows the request');
    assert.equal(panel.shownCall?.recordId, record.id);
    assert.equal(panel.shownCall?.output?.texts.length, 0);
    assert.match(panel.shownCall?.output?.previewJson ?? '', /"again"/);
    const other = await vscode.commands.executeCommand<{ id: string } | undefined>('fal.run', {
      endpointId: 'sandbox/echo',
      input: { again: 'once more' },
    });
    assert.ok(other);
    await vscode.commands.executeCommand('fal.openInPlayground', other.id);
    await eventually(() => panel.shownCall?.recordId === other.id, 'the playground shows the other request');
    assert.equal(api.playground(), panel, 'the same panel');
    assert.equal(panel.shownCall?.recordId, other.id);
    assert.deepEqual(panel.shownCall?.output?.texts, [{ key: 'again', text: 'once more' }]);
  });

  it('"Call Again" makes the same call once more, as a new request', async () => {
    const api = await activateExtension();
    const first = await vscode.commands.executeCommand<{ id: string } | undefined>('fal.subscribe', {
      endpointId: 'sandbox/echo',
      input: { again: 2 },
    });
    assert.ok(first);
    const second = await vscode.commands.executeCommand<{ id: string } | undefined>(
      'fal.callAgain',
      first.id,
    );
    assert.ok(second && second.id !== first.id);
    const record = api.store.get(second.id)!;
    assert.equal(record.method, 'subscribe');
    assert.equal(record.state, 'COMPLETED');
    assert.deepEqual(record.output, { again: 2 });
  });
});
