// Why a request waits, and "fal: Diagnose Request", in a real VS Code on the embedded sandbox (one
// request per endpoint at a time): a request queued behind another says in the Requests tree how
// long it has waited, whether its position moves and how long its start timeout leaves; its
// diagnosis document follows it live to its failure, with its state history, the error and hint,
// and its custom headers redacted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FalPlaygroundApi } from '../../src/extension';
import type { RequestRecord } from '../../src/common/callModel';
import { requestDocumentUri } from '../../src/views/requestDocuments';
import { activateExtension, resetFalSettings, until } from './extensionApi';

/** Resolves once the open document's text satisfies `check`. */
function untilText(doc: vscode.TextDocument, check: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    if (check(doc.getText())) return resolve(doc.getText());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the document never got there:\n${doc.getText()}`));
    }, 20_000);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || !check(doc.getText())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(doc.getText());
    });
  });
}

const submit = (args: Record<string, unknown>) =>
  vscode.commands.executeCommand<RequestRecord | undefined>('fal.submit', {
    endpointId: 'sandbox/slow',
    ...args,
  });

describe('why a request waits, and Diagnose Request', () => {
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(async () => {
    await resetFalSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('a request queued behind another shows its wait; its diagnosis follows it to its start-timeout failure', async () => {
    const blocker = await submit({ input: { duration_ms: 8000 } });
    assert.ok(blocker);
    try {
      await until(api, blocker.id, (r) => r.state === 'IN_PROGRESS');
      const queued = await submit({
        input: { duration_ms: 100 },
        headers: { 'x-api-token': 'secret-value', 'x-custom': 'one' },
        platform: { startTimeout: 3 },
      });
      assert.ok(queued);
      const waiting = await until(api, queued.id, (r) => r.state === 'IN_QUEUE');
      const item = api.requestsTree.getTreeItem(api.requestsTree.nodeOf(waiting.id));
      assert.match(
        String(item.label),
        /^queued \d+ s · position \d+, unchanged for \d+ s · starts within \d s or fails$/,
      );

      await vscode.commands.executeCommand('fal.diagnoseRequest', queued.id);
      const doc = vscode.window.activeTextEditor?.document;
      assert.ok(doc);
      assert.equal(doc.uri.toString(), requestDocumentUri(queued, 'diagnosis').toString());
      assert.match(doc.getText(), /IN_QUEUE {4}for \d+\.\d{3} s so far/);

      const failed = await until(api, queued.id, (r) => r.state === 'FAILED');
      assert.equal(failed.error?.status, 504);
      const text = await untilText(doc, (t) => /FAILED +final/.test(t));
      assert.match(text, /SUBMITTING +for \d+\.\d{3} s\n.*IN_QUEUE +for \d+\.\d{3} s\n.*FAILED +final/);
      assert.ok(text.includes(queued.id) && text.includes(failed.requestId!), text);
      assert.match(text, /x-api-token: <redacted>/);
      assert.match(text, /x-custom: one/);
      assert.ok(!text.includes('secret-value'), text);
      assert.match(text, /HTTP status: 504/);
      assert.ok(text.includes(failed.error!.message.split('\n')[0]), text);
      assert.ok(failed.error?.hint && text.includes(failed.error.hint.split('\n')[0]), text);
      assert.match(text, /Time in queue: \d+ s/);
      assert.ok(
        !JSON.stringify(api.store.get(queued.id)).includes('secret-value'),
        'the record keeps the secret',
      );
    } finally {
      await vscode.commands.executeCommand('fal.cancelRequest', blocker.id);
      await until(api, blocker.id, (r) => r.state !== 'IN_PROGRESS' && r.state !== 'IN_QUEUE');
    }
  });
});
