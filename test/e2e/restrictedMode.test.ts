// Workspace trust in the real workbench, in a launch of its own with trust on: a folder opened for the
// first time, as a repository just cloned, is untrusted (Restricted Mode). Its `.vscode/settings.json`
// points fal.target at fal.ai and fal.sandboxUrl at another server; the extension still activates
// (`untrustedWorkspaces: limited`), ignores both (restricted settings, and `machine` scope for the
// URL), and a call from the palette goes to the embedded sandbox, as the status bar and the
// playground say. One launch and a few checks, to keep the suite short.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Workbench } from '../../tools/vscode-host/workbench';

describe('workbench: an untrusted workspace (Restricted Mode)', function () {
  let workbench: Workbench;
  /** The server the workspace's settings point at: it must never be called. */
  let other: http.Server;
  const hits: string[] = [];

  before(async () => {
    other = http.createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    workbench = await Workbench.open({
      untrusted: true,
      files: {
        'README.md': '# a cloned repository\n',
        '.vscode/settings.json': JSON.stringify({
          'fal.target': 'fal.ai',
          'fal.sandboxUrl': otherUrl,
          'fal.outputs.folder': '/tmp/elsewhere',
        }),
      },
    });
  });

  after(async () => {
    await workbench?.close();
    await new Promise((resolve) => other?.close(resolve));
  });

  it('activates, ignores the workspace’s fal settings, and calls the embedded sandbox', async () => {
    const page = workbench.page;
    // VS Code is in Restricted Mode, and the extension activates in it (its command opens the playground).
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor();
    await workbench.runCommand('fal: Open Playground');
    const view = workbench.webview();
    await view.locator('.target', { hasText: 'embedded fal sandbox at http://127.0.0.1:' }).waitFor();
    // The status bar says where calls go: the sandbox, not the workspace's fal.ai.
    await page.locator('.statusbar-item', { hasText: 'fal: sandbox' }).waitFor();
    if ((await page.locator('.statusbar-item', { hasText: 'fal: fal.ai' }).count()) > 0)
      throw new Error('the workspace chose fal.ai in Restricted Mode');
    await view.locator('#endpoint').fill('sandbox/echo');
    await view.locator('#endpoint').press('Escape');
    await view.locator('vscode-radio.method[data-method="run"]').click();
    await view.locator('#json-input').fill('{"untrusted": true}');
    await view.locator('#call').click();
    await view.locator('#status', { hasText: /run sandbox\/echo: completed/ }).waitFor();
    await view.locator('#output', { hasText: '"untrusted": true' }).waitFor();
    if (hits.length > 0) throw new Error(`the workspace's server was called: ${hits.join(', ')}`);
  });
});
