// Files into arguments, host side, in the real extension host: a workspace file read through
// workspace.fs is uploaded with the client's storage to the embedded sandbox (its URL serves the same
// bytes and type, progress told), and for realtime it goes inline as a data URL.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { placeFile } from '../../src/playground/playgroundFiles';
import { activateExtension } from './extensionApi';

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('playground files (host side)', function () {
  this.timeout(20_000);

  async function workspacePng(): Promise<vscode.Uri> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the test workspace has a folder');
    const uri = vscode.Uri.joinPath(folder, 'pixel.png');
    await vscode.workspace.fs.writeFile(uri, PNG_1x1);
    return uri;
  }

  it('uploads a workspace file with the client, telling progress, and its URL serves the bytes', async () => {
    const api = await activateExtension();
    const connection = await api.connection.get();
    const progress: number[] = [];
    const placed = await placeFile(connection, await workspacePng(), {
      onProgress: (sent) => progress.push(sent),
    });
    assert.equal(placed.name, 'pixel.png');
    assert.equal(placed.contentType, 'image/png');
    assert.equal(placed.size, PNG_1x1.length);
    assert.deepEqual(progress, [PNG_1x1.length]);
    const res = await fetch(placed.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(PNG_1x1));
  });

  it('puts the bytes inline as a data URL for realtime', async () => {
    const api = await activateExtension();
    const placed = await placeFile(await api.connection.get(), await workspacePng(), { inline: true });
    assert.equal(placed.url, `data:image/png;base64,${PNG_1x1.toString('base64')}`);
  });
});
