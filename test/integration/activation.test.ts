// The extension activates in a real VS Code (its main loading the bundle through the code cache) and
// contributes its view container, view and commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hasCodeCache } from '../../src/boot/codeCache';
import {
  activateExtension,
  codeCacheState,
  eventually,
  extensionBundle,
  EXTENSION_ID,
  falConfig as config,
  resetFalSettings,
} from './extensionApi';

describe('activation', () => {
  it('runs inside VS Code 1.100', () => {
    assert.match(vscode.version, /^1\.100\./);
  });

  it('is not active before anything it contributes is used', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const events: string[] = extension.packageJSON.activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), `eager activation: ${events}`);
  });

  it('activates and returns its API with the "fal" log channel', async () => {
    const api = await activateExtension();
    assert.equal(api.output.name, 'fal');
  });

  it('loads its bundle through its main, which writes the code cache beside it for the next window', async () => {
    await activateExtension();
    // The tier's window is a first one (runIntegration.ts removes the cache before it starts).
    assert.equal(codeCacheState(), 'missing');
    // Written 5 s after an activation that found none, for the bundle as it is.
    await eventually(() => hasCodeCache(extensionBundle()), 'the code cache is written', 15_000);
  });

  it('registers every command it contributes', async () => {
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command);
    assert.ok(contributed.includes('fal.showOutput') && contributed.includes('fal.setApiKey'));
    for (const id of contributed) assert.ok(commands.includes(id), `${id} is not registered`);
  });

  it('contributes the fal container with the Requests view and its welcome content', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const container = pkg.contributes.viewsContainers.activitybar.find((c: { id: string }) => c.id === 'fal');
    assert.ok(container, 'no activity-bar container "fal"');
    assert.ok(container.icon, 'the container has no icon');
    const view = pkg.contributes.views.fal.find((v: { id: string }) => v.id === 'fal.requests');
    assert.equal(view.name, 'Requests');
    assert.ok(pkg.contributes.viewsWelcome.some((w: { view: string }) => w.view === 'fal.requests'));
  });
});

describe('target status bar', () => {
  afterEach(resetFalSettings);

  it('says where calls go, and follows the setting', async () => {
    const api = await activateExtension();
    assert.match(api.statusBar.item.text, /fal: sandbox$/);
    assert.equal(api.statusBar.item.command, 'fal.selectTarget');
    await config().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
    assert.match(api.statusBar.item.text, /fal: fal\.ai$/);
    assert.match(String(api.statusBar.item.tooltip), /Calls go to fal\.ai/);
  });

  it('"fal: Select Target" saves where it takes effect: the workspace when it sets the target', async () => {
    await activateExtension();
    await config().update('target', 'sandbox', vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('fal.selectTarget', 'fal.ai');
      assert.equal(config().inspect('target')?.workspaceValue, 'fal.ai');
      assert.equal(config().inspect('target')?.globalValue, undefined);
      assert.equal(config().get('target'), 'fal.ai');
    } finally {
      await config().update('target', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await vscode.commands.executeCommand('fal.selectTarget', 'fal.ai');
    assert.equal(config().inspect('target')?.globalValue, 'fal.ai');
  });

  it('counts the requests running', async () => {
    const api = await activateExtension();
    const record = await vscode.commands.executeCommand<{ id: string }>('fal.submit', {
      endpointId: 'sandbox/slow',
      input: { duration_ms: 2000 },
    });
    assert.match(api.statusBar.item.text, /sync~spin\) fal: sandbox · 1$/);
    await vscode.commands.executeCommand('fal.cancelRequest', record.id);
  });
});

describe('fal.showOutput', () => {
  it('reveals the "fal" output channel', async () => {
    const api = await activateExtension();
    let shown = false;
    const original = api.output.show.bind(api.output);
    // Observe the real channel: the command must reach this very channel's show().
    api.output.show = ((...args: Parameters<typeof original>) => {
      shown = true;
      return original(...args);
    }) as typeof api.output.show;
    try {
      await vscode.commands.executeCommand('fal.showOutput');
    } finally {
      api.output.show = original;
    }
    assert.ok(shown, 'fal.showOutput did not show the channel');
  });
});

describe('target setting', () => {
  afterEach(resetFalSettings);

  it('defaults to the embedded sandbox', async () => {
    const api = await activateExtension();
    assert.equal(api.target().kind, 'embedded-sandbox');
  });

  it('uses the sandbox at fal.sandboxUrl, with every fal host mapped onto it', async () => {
    const api = await activateExtension();
    await config().update('sandboxUrl', 'http://127.0.0.1:8787', vscode.ConfigurationTarget.Global);
    const target = api.target();
    assert.equal(target.kind, 'sandbox');
    assert.ok(target.kind === 'sandbox' && target.hosts.queue === 'http://127.0.0.1:8787/queue');
  });

  it('uses fal.ai hosts when fal.target is fal.ai', async () => {
    const api = await activateExtension();
    await config().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
    const target = api.target();
    assert.ok(target.kind === 'fal.ai' && target.hosts.run === 'https://fal.run');
  });
});
