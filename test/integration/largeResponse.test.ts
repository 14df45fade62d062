// A 100 MB response in the real extension host: the call goes to the embedded sandbox (its own
// process, so producing the body does not count against this one), and while the reply arrives the
// extension host's event loop never stalls for 200 ms or more (perf_hooks.monitorEventLoopDelay):
// the body is written to the record's output file as it comes, never parsed, and the record keeps a
// capped preview, which the output document shows with where the whole body is.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { FalPlaygroundApi } from '../../src/extension';
import { OUTPUT_PREVIEW_BYTES } from '../../src/requests/outputFiles';
import { requestDocumentUri } from '../../src/views/requestDocuments';
import { activateExtension, resetFalSettings } from './extensionApi';

const MB = 1024 * 1024;

describe('a 100 MB response', function () {
  this.timeout(120_000);
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
    await resetFalSettings();
  });

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it("keeps the extension host's event-loop delay under 200 ms, saves the body to a file and caps the preview", async () => {
    // Started first, so the sandbox is up before the measure begins.
    await api.connection.get();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const { record, done } = await api.runner.start({
      endpointId: 'sandbox/echo',
      method: 'run',
      input: { big: true },
      headers: { 'x-sandbox-fault': 'big-body:100' },
    });
    const ended = await done;
    delay.disable();
    assert.equal(ended.state, 'COMPLETED', JSON.stringify(ended.error));
    const maxMs = delay.max / 1e6;
    assert.ok(maxMs < 200, `the event loop stalled for ${maxMs.toFixed(0)} ms`);

    const kept = api.store.get(record.id)!;
    assert.equal(kept.output, undefined, 'the body was not read into the record');
    assert.equal(Buffer.byteLength(kept.outputPreview ?? ''), OUTPUT_PREVIEW_BYTES);
    assert.ok(kept.outputPreview!.startsWith('{"big":true,"_sandbox_padding":"xxx'));
    const { file } = api.store.outputFileOf(record.id);
    assert.ok(fs.statSync(file).size > 100 * MB, 'the whole body is in the file');
    assert.equal(fs.statSync(file).size, kept.outputBytes);

    const document = await vscode.workspace.openTextDocument(requestDocumentUri(kept, 'output'));
    const shown = JSON.parse(document.getText()) as { note: string; file: string; preview: string };
    assert.match(shown.note, /too large to show here/);
    assert.equal(shown.file, file);
    assert.equal(shown.preview, kept.outputPreview);

    await api.runner.remove(record.id);
    assert.ok(!fs.existsSync(file), 'removing the record removes its file');
  });
});
