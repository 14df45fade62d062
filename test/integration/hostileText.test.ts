// Server text never becomes a link in a notification, in a real VS Code: sandbox/hostile fails with an
// error whose text holds `[click](command:fal.clearApiKey)` (and markup); the failure notification of
// a palette run and of a submit nobody watches, and the progress notification's log lines, reach
// VS Code with that link syntax broken up (VS Code's own link pattern finds nothing), the words kept.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { isFinal, type RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import { HOSTILE_PAYLOADS } from '../../src/sandbox/endpoints/hostile';
import { activateExtension, recordToasts, resetFalSettings, until } from './extensionApi';

/** VS Code's pattern for links in notification text (vs/base/common/linkedText.ts, 1.100). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

describe('hostile server text in notifications', () => {
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
    await resetFalSettings();
  });

  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a failed palette run: its error notification has no link, and says what the server said', async () => {
    const progress: string[] = [];
    const window = vscode.window as unknown as { withProgress: typeof vscode.window.withProgress };
    const original = window.withProgress;
    window.withProgress = ((options, task) =>
      original.call(vscode.window, options, (p, token) =>
        task(
          {
            report: (value) => {
              if (value.message) progress.push(value.message);
              p.report(value);
            },
          },
          token,
        ),
      )) as typeof original;
    let run;
    try {
      run = await recordToasts(() =>
        vscode.commands.executeCommand<RequestRecord | undefined>('fal.run', {
          endpointId: 'sandbox/hostile',
          input: { fail: true },
        }),
      );
    } finally {
      window.withProgress = original;
    }
    assert.equal(run.result?.state, 'FAILED');
    assert.ok(run.result?.error?.message.includes(HOSTILE_PAYLOADS.commandLink), 'the record keeps the text');
    const errors = run.toasts.filter((t) => t.level === 'error');
    assert.equal(errors.length, 1, JSON.stringify(run.toasts));
    assert.match(errors[0].text, /click/);
    assert.match(errors[0].text, /command:fal\.clearApiKey/);
    for (const text of [...run.toasts.map((t) => t.text), ...progress]) {
      assert.equal(VSCODE_LINK.exec(text), null, text);
    }
  });

  it('a failed submit nobody watches: its notification has no link either', async () => {
    const ended = await recordToasts(async () => {
      const submitted = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.submit', {
        endpointId: 'sandbox/hostile',
        input: { fail: true },
      });
      assert.ok(submitted);
      return until(api, submitted.id, isFinal);
    });
    assert.equal(ended.result.state, 'FAILED');
    assert.equal(ended.toasts.length, 1, JSON.stringify(ended.toasts));
    assert.match(ended.toasts[0].text, /click/);
    assert.equal(VSCODE_LINK.exec(ended.toasts[0].text), null, ended.toasts[0].text);
  });
});
