// The extension activates in a real VS Code and contributes its view container, view and commands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FalPlaygroundApi } from '../../src/extension';

const EXTENSION_ID = 'fal-playground.fal-playground';

async function activateExtension(): Promise<FalPlaygroundApi> {
  const extension = vscode.extensions.getExtension<FalPlaygroundApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

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

  it('registers fal.showOutput', async () => {
    await activateExtension();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('fal.showOutput'));
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
  const config = () => vscode.workspace.getConfiguration('fal');

  afterEach(async () => {
    await config().update('target', undefined, vscode.ConfigurationTarget.Global);
    await config().update('sandboxUrl', undefined, vscode.ConfigurationTarget.Global);
  });

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
