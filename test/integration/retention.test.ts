// Result retention after a reload, in the real extension host: a request sent with X-Fal-Store-IO: 0
// whose window closed while it ran, and whose result fal (the sandbox, with its retention scaled
// down) no longer keeps when this window takes it over, ends failed with fal's retention rule and
// what to do, in the record and in the Requests tree.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RESULT_EXPIRED_MESSAGE } from '../../src/common/falErrorTypes';
import { SANDBOX_PLACEHOLDER_KEY } from '../../src/common/hosts';
import { createFalClient } from '../../src/fal/client';
import { sandboxHosts } from '../../src/common/hosts';
import { RequestStore } from '../../src/requests/requestStore';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import { activateExtension, falConfig, resetFalSettings } from './extensionApi';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('result retention after a reload', function () {
  this.timeout(30_000);
  let sandbox: RunningSandbox | undefined;

  afterEach(async () => {
    await resetFalSettings();
    await sandbox?.close();
  });

  it('says fal no longer keeps the result of a store-io 0 request taken over after its window passed', async () => {
    const api = await activateExtension();
    // 1 hour becomes 360 ms: the window passes long before this window takes the request over.
    sandbox = await startSandbox({ port: 0, key: SANDBOX_PLACEHOLDER_KEY, retentionScale: 0.0001 });
    await falConfig().update('sandboxUrl', sandbox.url, vscode.ConfigurationTarget.Global);
    const client = createFalClient({
      credentials: SANDBOX_PLACEHOLDER_KEY,
      hosts: sandboxHosts(sandbox.url),
    });
    const queued = await client.queue.submit('sandbox/echo', {
      input: { kept: 'not for long' },
      headers: { 'x-fal-store-io': '0' },
    });
    // Followed to its end here; under load the window may pass before the stream's last word, which
    // answers that the result expired: the request is over either way.
    await client.queue
      .subscribeToStatus('sandbox/echo', { requestId: queued.request_id })
      .catch((err: Error) => assert.match(err.message, /expired/));
    await sleep(800);

    // The window that sent it closed while it ran: its record, running, in this window's list file.
    const closed = new RequestStore(api.store.file, { windowId: 'a-window-that-closed' });
    closed.add({
      id: 'retention-after-reload',
      endpointId: 'sandbox/echo',
      method: 'submit',
      input: { kept: 'not for long' },
      platform: { storeIo: false },
      target: { kind: 'sandbox', url: sandbox.url },
      createdAt: Date.now() - 1000,
      updatedAt: Date.now() - 1000,
      state: 'IN_PROGRESS',
      requestId: queued.request_id,
      logs: [],
    });
    closed.dispose();
    api.store.refresh();
    await api.runner.resume();

    const deadline = Date.now() + 10_000;
    while (api.store.get('retention-after-reload')?.state !== 'FAILED' && Date.now() < deadline)
      await sleep(50);
    const record = api.store.get('retention-after-reload');
    assert.equal(record?.state, 'FAILED', JSON.stringify(record));
    assert.ok(
      `${record.error?.message} ${record.error?.hint ?? ''}`.includes(RESULT_EXPIRED_MESSAGE),
      JSON.stringify(record.error),
    );
    assert.deepEqual(record.input, { kept: 'not for long' }, 'the record keeps its input');
    const item = api.requestsTree.getTreeItem({ kind: 'request', id: record.id });
    const tooltip = String(item.tooltip);
    assert.match(String(item.label), /^failed/);
    assert.match(tooltip.replace(/&nbsp;/g, ' '), /fal no longer keeps this result/);
    api.store.remove(record.id);
  });
});
