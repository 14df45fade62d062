// The playground's file fields, host side of the page's `placeFile`: a workspace file dropped on a
// field (its URI) is uploaded to the sandbox and the page is told its progress, then its URL and
// type; a file that cannot be read leaves the field as it was, with why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension } from './extensionApi';

describe('playground file fields (host messages)', function () {
  this.timeout(20_000);

  it('uploads a dropped workspace file, telling progress and then the URL', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('fal.openPlayground');
    const panel = api.playground();
    assert.ok(panel, 'the playground is open');
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'note.txt');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('a note for the field'));
    const before = panel.fileMessages.length;
    await panel.placeFileInto(['image_url'], uri);
    const messages = panel.fileMessages.slice(before);
    assert.deepEqual(
      messages.map((m) => m.type),
      ['fileProgress', 'filePlaced'],
    );
    const placed = messages[1];
    assert.ok(placed.type === 'filePlaced');
    assert.deepEqual(placed.path, ['image_url']);
    assert.equal(placed.file.name, 'note.txt');
    assert.equal(placed.file.contentType, 'text/plain');
    const res = await fetch(placed.file.url);
    assert.equal(await res.text(), 'a note for the field');
  });

  it('leaves the field as it was when the file cannot be read, saying why', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('fal.openPlayground');
    const panel = api.playground()!;
    const missing = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'no-such-file.png');
    const before = panel.fileMessages.length;
    await panel.placeFileInto(['loras', 0, 'path'], missing);
    const [failed] = panel.fileMessages.slice(before);
    assert.equal(failed?.type, 'fileFailed');
    assert.ok(failed.type === 'fileFailed');
    assert.deepEqual(failed.path, ['loras', 0, 'path']);
    assert.match(failed.message, /could not be put in/);
  });
});
