// History and comparison in the real extension host: two calls to sandbox/echo, then Compare Outputs
// (by record ids, and as the tree's context menu calls it with two rows selected) opens VS Code's diff
// editor with both outputs pretty-printed with sorted keys; Compare Inputs likewise; and the Requests
// view filtered by endpoint, state and text lists only the matching rows, and says so. A request
// compared with a request file's last run (the newest record made from that file's request).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import { sortedJson } from '../../src/common/sortedJson';
import { activateExtension, resetFalSettings } from './extensionApi';

const run = (endpointId: string, input: unknown) =>
  vscode.commands.executeCommand<RequestRecord | undefined>('fal.run', { endpointId, input });

/** The two sides of the diff editor in front, as their documents' texts. */
async function activeDiff(): Promise<{ left: string; right: string; label: string }> {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  assert.ok(tab?.input instanceof vscode.TabInputTextDiff, `the active tab is ${JSON.stringify(tab?.input)}`);
  const left = await vscode.workspace.openTextDocument(tab.input.original);
  const right = await vscode.workspace.openTextDocument(tab.input.modified);
  return { left: left.getText(), right: right.getText(), label: tab.label };
}

describe('compare and filter requests', () => {
  let api: FalPlaygroundApi;
  let a: RequestRecord;
  let b: RequestRecord;

  before(async () => {
    api = await activateExtension();
    a = (await run('sandbox/echo', { prompt: 'a red fox', steps: 2, z: { b: 1, a: 2 } }))!;
    b = (await run('sandbox/echo', { steps: 3, prompt: 'a red fox', z: { a: 2, b: 1 } }))!;
    assert.equal(a?.state, 'COMPLETED');
    assert.equal(b?.state, 'COMPLETED');
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('fal.clearRequestsFilter');
    await resetFalSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Compare Outputs by record ids opens the diff editor on both outputs, keys sorted', async () => {
    await vscode.commands.executeCommand('fal.compareOutputs', a.id, b.id);
    const diff = await activeDiff();
    assert.equal(diff.left, sortedJson(a.output));
    assert.equal(diff.right, sortedJson(b.output));
    assert.equal(
      diff.left,
      '{\n  "prompt": "a red fox",\n  "steps": 2,\n  "z": {\n    "a": 2,\n    "b": 1\n  }\n}\n',
    );
    assert.match(diff.right, /"steps": 3/);
    assert.match(diff.label, /sandbox\/echo .* ↔ .*sandbox\/echo .*outputs, keys sorted/);
  });

  it("Compare Output with a Request File's Last Run: a request against the newest run of a file's request", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-compare-file-'));
    try {
      const file = vscode.Uri.file(path.join(dir, 'fox.fal.json'));
      const requests = [
        { name: 'fox', endpoint: 'sandbox/echo', method: 'run', input: { prompt: 'a file fox' } },
      ];
      fs.writeFileSync(file.fsPath, JSON.stringify(requests));
      const older = await vscode.commands.executeCommand<RequestRecord>('fal.requestFile.call', file, 0);
      const newest = await vscode.commands.executeCommand<RequestRecord>('fal.requestFile.call', file, 0);
      assert.equal(newest?.state, 'COMPLETED');
      const source = api.store.get(newest.id)?.requestFile;
      assert.equal(source?.uri, file.toString());
      assert.equal(source?.index, 0);
      assert.match(source?.label ?? '', /^fox\.fal\.json · request "fox"/);
      assert.notEqual(older.id, newest.id);
      await vscode.commands.executeCommand('fal.compareWithRequestFileRun', a.id, file.toString(), 0);
      const diff = await activeDiff();
      assert.equal(diff.left, sortedJson(newest.output), "the file's newest run on the left");
      assert.equal(diff.right, sortedJson(a.output));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Compare Inputs from two selected rows of the tree (the older on the left)', async () => {
    const tree = api.requestsTree;
    // As the context menu calls it: the clicked row, then the selection.
    await vscode.commands.executeCommand('fal.compareInputs', tree.nodeOf(b.id), [
      tree.nodeOf(b.id),
      tree.nodeOf(a.id),
    ]);
    const diff = await activeDiff();
    assert.equal(diff.left, sortedJson(a.input));
    assert.equal(diff.right, sortedJson(b.input));
    assert.match(diff.label, /inputs, keys sorted/);
  });

  it('the Requests view filtered by endpoint, state and text shows only the matching rows, and says how many', async () => {
    const failed = await run('sandbox/error', { status: 500 });
    const tree = api.requestsTree;
    const shown = () => tree.getChildren().map((n) => n.id);
    const total = api.store.all().length;

    await vscode.commands.executeCommand('fal.filterRequests', { endpoint: 'sandbox/echo', text: 'fox' });
    const foxes = shown();
    assert.ok(foxes.includes(a.id) && foxes.includes(b.id), foxes.join());
    for (const id of foxes) assert.equal(api.store.get(id)?.endpointId, 'sandbox/echo');
    assert.deepEqual(tree.filterSummary && { ...tree.filterSummary, filter: undefined }, {
      filter: undefined,
      shown: foxes.length,
      total,
    });

    await vscode.commands.executeCommand('fal.filterRequests', { text: `steps 3 ${b.id}` });
    assert.deepEqual(shown(), [b.id], 'words from the input and the record id');

    await vscode.commands.executeCommand('fal.filterRequests', {
      state: 'failed',
      endpoint: 'sandbox/error',
    });
    assert.ok(failed);
    assert.ok(shown().includes(failed.id));
    assert.ok(shown().every((id) => api.store.get(id)?.state === 'FAILED'));

    await vscode.commands.executeCommand('fal.clearRequestsFilter');
    assert.equal(shown().length, api.store.all().length);
    assert.equal(tree.filterSummary, undefined);
  });
});
