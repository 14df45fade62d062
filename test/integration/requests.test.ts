// Calls made from the palette commands go to the embedded sandbox for real, land in the request store
// and the Requests tree with their live state, logs, metrics and output, and every failure is kept
// with what went wrong and what to do.
import * as assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { checkJsonInput } from '../../src/common/callForm';
import type { FalPlaygroundApi } from '../../src/extension';
import type { RequestRecord } from '../../src/common/callModel';
import { DOCUMENT_REFRESH_MS, requestDocumentUri } from '../../src/views/requestDocuments';
import { describeState } from '../../src/common/recordText';
import {
  activateExtension,
  eventually,
  falConfig,
  keys,
  recordOutput,
  resetFalSettings,
  until,
} from './extensionApi';
import { LIST_PAGE, type RequestNode } from '../../src/views/requestsTree';
import { DEFAULT_MAX_RECORDS } from '../../src/requests/requestStore';
import { randomUUID } from 'node:crypto';

const call = (
  command: string,
  endpointId: string,
  input: unknown,
  extra: { webhookUrl?: string; headers?: Record<string, string> } = {},
) => vscode.commands.executeCommand<RequestRecord | undefined>(command, { endpointId, input, ...extra });

describe('requests', () => {
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(async () => {
    await resetFalSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('refreshes a hidden Requests view only as it shows: the list when a row came, else the rows that changed', async () => {
    const template = await call('fal.run', 'sandbox/echo', { hidden: 'view' });
    assert.ok(template);
    const tree = api.requestsTree;
    const refreshed: Array<RequestNode | undefined> = [];
    const listening = tree.onDidChangeTreeData((node) => refreshed.push(node ?? undefined));
    const record: RequestRecord = {
      ...structuredClone(template),
      id: randomUUID(),
      state: 'SUBMITTING',
      createdAt: Date.now(),
    };
    const hide = async () => {
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await eventually(() => !tree.isVisible, 'the Requests view is hidden');
      refreshed.length = 0;
    };
    const show = async () => {
      await vscode.commands.executeCommand('fal.requests.focus');
      await eventually(() => refreshed.length > 0, 'the view is refreshed as it shows');
    };
    try {
      await hide();
      api.store.add(record);
      api.store.update(record.id, { state: 'IN_QUEUE', requestId: 'hidden-view' });
      assert.deepEqual(refreshed, [], 'nothing is refreshed while the view is hidden');
      await show();
      assert.equal(refreshed[0], undefined, 'a row came: the list');
      // A row changed while hidden: that row as it shows (told in one go here, so no refresh from
      // elsewhere, a price learnt, comes in between).
      tree.getChildren(); // listed, as VS Code does when the view shows: the row has its node
      const node = tree.nodeOf(record.id);
      tree.setVisible(false);
      refreshed.length = 0;
      api.store.update(record.id, { state: 'IN_PROGRESS' });
      assert.deepEqual(refreshed, []);
      tree.setVisible(true);
      assert.equal(refreshed[0], node, 'a row changed: that row');
      assert.ok(
        refreshed.every((n) => n !== undefined),
        'not the list',
      );
    } finally {
      listening.dispose();
      api.store.remove(record.id);
    }
  });

  it('lists the newest 500 records, the older ones folded in groups of 500 (each record’s parent its group, for reveal)', async () => {
    const template = await call('fal.run', 'sandbox/echo', { paged: 'list' });
    assert.ok(template);
    const tree = api.requestsTree;
    const added = new Set<string>();
    const maxBefore = falConfig().get<number>('history.maxRecords', DEFAULT_MAX_RECORDS);
    api.store.setMaxRecords(4 * LIST_PAGE);
    try {
      for (let i = 0; i < 2 * LIST_PAGE + 10; i++) {
        const id = randomUUID();
        added.add(id);
        api.store.add({ ...structuredClone(template), id, createdAt: Date.now() + 1 + i });
      }
      const all = api.store.all();
      const top = tree.getChildren();
      assert.deepEqual(
        top.slice(0, LIST_PAGE).map((n) => n.id),
        all.slice(0, LIST_PAGE).map((r) => r.id),
        'the newest 500 first',
      );
      const groups = top.slice(LIST_PAGE);
      assert.deepEqual(
        groups.map((g) => [tree.getTreeItem(g).label, tree.getTreeItem(g).description]),
        Array.from({ length: Math.ceil(all.length / LIST_PAGE) - 1 }, (_, i) => [
          'Older requests',
          `${((i + 1) * LIST_PAGE + 1).toLocaleString('en-US')}–${Math.min((i + 2) * LIST_PAGE, all.length).toLocaleString('en-US')}`,
        ]),
      );
      const second = tree.getChildren(groups[1]);
      assert.deepEqual(
        second.map((n) => n.id),
        all.slice(2 * LIST_PAGE, 3 * LIST_PAGE).map((r) => r.id),
      );
      assert.equal(tree.getParent(second[0]), groups[1], 'an older record is found in its group');
      assert.equal(tree.getParent(top[0]), undefined);
      assert.equal(tree.getChildren()[LIST_PAGE + 1], groups[1], 'the same group node each listing');
      // With the view shown: a change to a record folded in a group nobody opened redraws nothing; one
      // at the top redraws its row.
      await vscode.commands.executeCommand('fal.requests.focus');
      await eventually(() => tree.isVisible, 'the Requests view shows');
      tree.getChildren();
      const refreshed: Array<RequestNode | undefined> = [];
      const listening = tree.onDidChangeTreeData((node) => refreshed.push(node ?? undefined));
      try {
        api.store.update(all[LIST_PAGE + 1].id, { requestId: 'folded' });
        assert.deepEqual(refreshed, [], 'nothing to redraw for a folded record');
        api.store.update(all[1].id, { requestId: 'at-the-top' });
        assert.deepEqual(refreshed, [tree.nodeOf(all[1].id)]);
      } finally {
        listening.dispose();
      }
    } finally {
      api.store.removeWhere((r) => added.has(r.id));
      api.store.setMaxRecords(maxBefore);
    }
  });

  it('fal.run calls the endpoint directly and keeps the output', async () => {
    const record = await call('fal.run', 'sandbox/echo', { hello: 'run' });
    assert.ok(record);
    assert.equal(record.state, 'COMPLETED');
    assert.deepEqual(record.output, { hello: 'run' });
    assert.ok(record.requestId, 'the x-fal-request-id of the reply is kept');
    assert.equal(api.store.all()[0].id, record.id, 'newest first');
  });

  it('fal.subscribe follows the queue with logs and metrics, then opens the output', async () => {
    const record = await call('fal.subscribe', 'sandbox/image', {
      prompt: 'a red fox',
      num_inference_steps: 3,
    });
    assert.ok(record);
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
    assert.ok(record.logs.length >= 3, `logs: ${JSON.stringify(record.logs)}`);
    assert.equal(typeof record.metrics?.inference_time, 'number');
    const output = record.output as { images: Array<{ url: string }> };
    assert.match(output.images[0].url, /^http:\/\/127\.0\.0\.1:\d+\/files\//);
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.uri.toString(), requestDocumentUri(record, 'output').toString());
    assert.equal(shown?.languageId, 'json');
    assert.deepEqual(JSON.parse(shown!.getText()), record.output);
  });

  it('fal.submit returns at once; the tree follows each request through queue position, progress and completion, the state and its time first', async () => {
    const labels = new Map<string, Set<string>>();
    const watch = api.store.onDidChange((r) => {
      if (!r) return;
      const item = api.requestsTree.getTreeItem(api.requestsTree.nodeOf(r.id));
      assert.equal(item.description, `${r.method} ${r.endpointId}`);
      const seen = labels.get(r.id) ?? new Set<string>();
      seen.add(String(item.label));
      labels.set(r.id, seen);
    });
    try {
      const submitted: RequestRecord[] = [];
      for (let i = 0; i < 3; i++) {
        const record = await call('fal.submit', 'sandbox/slow', { duration_ms: 600 });
        assert.ok(record);
        assert.ok(record.state === 'SUBMITTING' || record.state === 'IN_QUEUE', record.state);
        submitted.push(record);
      }
      const ended = await Promise.all(submitted.map((r) => until(api, r.id, (x) => x.state === 'COMPLETED')));
      for (const r of ended) assert.ok(r.requestId);
      const third = [...(labels.get(submitted[2].id) ?? [])];
      assert.ok(
        third.some((d) => /^queued \d+ s · position 1, (unchanged for \d+ s|moving \(from \d+\))$/.test(d)),
        `third request was shown as: ${third.join(', ')}`,
      );
      assert.ok(third.includes('in progress'), `third request was shown as: ${third.join(', ')}`);
      assert.ok(
        third.some((d) => /^completed · \d+\.\d\d s$/.test(d)),
        third.join(', '),
      );
      const children = api.requestsTree.getChildren(api.requestsTree.nodeOf(submitted[0].id));
      const childLabels = children.map((c) => String(api.requestsTree.getTreeItem(c).label));
      assert.ok(
        childLabels.includes('Request ID') &&
          childLabels.includes('Output') &&
          childLabels.some((l) => /^Logs/.test(l)),
        childLabels.join(),
      );
    } finally {
      watch.dispose();
    }
  });

  it('shows the estimated cost of a completed sandbox/image call in the tree, and the playground knows the price', async () => {
    const record = await call('fal.subscribe', 'sandbox/image', {
      prompt: 'two foxes',
      num_images: 2,
      num_inference_steps: 1,
    });
    assert.ok(record);
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
    const node = api.requestsTree.nodeOf(record.id);
    const costLine = () =>
      api.requestsTree
        .getChildren(node)
        .map((c) => api.requestsTree.getTreeItem(c))
        .find((item) => item.label === 'Estimated cost');
    // The first look asks the sandbox for the price; the tree is told when it is known.
    for (let i = 0; i < 100 && !costLine(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(costLine()?.description, '$0.05 (2 images × $0.025)');
    const shown = String(api.requestsTree.getTreeItem(node).tooltip);
    assert.match(shown, /Estimated cost: \$0\.05 \(2 images × \$0\.025\)/);

    await vscode.commands.executeCommand('fal.openInPlayground', record.id);
    const price = () => api.playground()?.price;
    for (let i = 0; i < 100 && !price()?.price; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(price(), { type: 'price', endpointId: 'sandbox/image', price: '$0.025 / image' });
  });

  it("keeps a failed request with fal's field errors and what to do", async () => {
    const record = await call('fal.subscribe', 'sandbox/image', { prompt: 'x', num_images: 9 });
    assert.ok(record);
    assert.equal(record.state, 'FAILED');
    assert.equal(record.error?.status, 422);
    assert.match(
      record.error!.message,
      /did not validate: num_images: ensure this value is less than or equal to 4/,
    );
    assert.match(record.error!.hint ?? '', /Fix the fields/);
    assert.ok(api.store.get(record.id), 'the record is kept');
    assert.deepEqual(record.input, { prompt: 'x', num_images: 9 }, 'and so is the input');
    const doc = await vscode.workspace.openTextDocument(requestDocumentUri(record, 'output'));
    assert.equal(JSON.parse(doc.getText()).error.status, 422);
  });

  it('names an unknown endpoint and says to check the id', async () => {
    const record = await call('fal.run', 'sandbox/nope', {});
    assert.ok(record);
    assert.equal(record.state, 'FAILED');
    assert.equal(record.error?.status, 404);
    assert.match(record.error!.message, /sandbox\/nope/);
    assert.match(record.error!.hint ?? '', /endpoint id/);
  });

  it('refuses a malformed endpoint id, or a URL, before sending anything', async () => {
    const before = api.store.all().length;
    for (const id of ['not-an-id', 'https://evilfal.ai/steal', 'a//b', 'acme/`touch x`', 'a/b c']) {
      for (const method of ['fal.run', 'fal.submit']) {
        assert.equal(await call(method, id, {}), undefined, `${method} ${id} was sent`);
      }
    }
    assert.equal(api.store.all().length, before);
  });

  it('cancels a running queue request: the record ends CANCELLED', async () => {
    const record = await call('fal.submit', 'sandbox/slow', { duration_ms: 10_000 });
    assert.ok(record);
    await until(api, record.id, (r) => r.state === 'IN_PROGRESS');
    await vscode.commands.executeCommand('fal.cancelRequest', record.id);
    const ended = await until(api, record.id, (r) => r.state === 'CANCELLED' || r.state === 'FAILED');
    assert.equal(ended.state, 'CANCELLED', JSON.stringify(ended.error));
    assert.equal(describeState(ended), 'cancelled');
  });

  it('fal.stream shows each event in the output channel as it arrives', async () => {
    let record: RequestRecord | undefined;
    const lines = await recordOutput(api, async () => {
      record = await call('fal.stream', 'sandbox/text', { prompt: 'hello stream', max_tokens: 4 });
    });
    assert.ok(record);
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
    assert.equal(typeof (record.output as { output: unknown }).output, 'string');
    const events = lines.filter((l) => /sandbox\/text event \d+: /.test(l));
    assert.ok(events.length >= 2, `stream events logged: ${lines.join(' | ')}`);
    assert.ok(events.some((l) => l.includes('"partial":true')));
  });

  /** Resolves once `doc` shows the record's output (as its output document does). */
  const showsOutput = (doc: vscode.TextDocument, ended: RequestRecord) => {
    const expected = JSON.stringify(ended.output, null, 2).trim();
    return eventually(
      () => doc.getText().trim() === expected,
      `the document shows the output of ${ended.id}`,
      5000,
    );
  };

  it('keeps an open output document and the status bar with a fast stream: its last event, then its output', async () => {
    const { record, done } = await api.runner.start({
      method: 'stream',
      endpointId: 'sandbox/echo',
      input: keys(2000),
    });
    // Counted as running from its start (asserted before any await: a fast stream may end soon after).
    assert.match(api.statusBar.item.text, /· 1$/);
    // Opened while the events pour in: its refreshes are spaced out, none is lost at the end.
    const doc = await vscode.workspace.openTextDocument(requestDocumentUri(record, 'output'));
    const ended = await done;
    assert.equal(ended.state, 'COMPLETED', JSON.stringify(ended.error));
    await showsOutput(doc, ended);
    assert.doesNotMatch(api.statusBar.item.text, /·/);
  });

  it('an output document that opens as its request completes shows the output, not "No output yet"', async () => {
    const { record, done } = await api.runner.start({
      method: 'subscribe',
      endpointId: 'sandbox/slow',
      input: { duration_ms: 1500 },
    });
    // VS Code asks for the document's content while the request runs and gets it once the request
    // has completed and its changes have all been told (DOCUMENT_REFRESH_MS apart at most): told
    // while the document was still opening, they were all dropped by VS Code. The document must be
    // told again once it is open. Only this first answer for this document is held back.
    const uri = requestDocumentUri(record, 'output');
    const documents = api.requestDocuments;
    const provide = documents.provideTextDocumentContent.bind(documents);
    let asked: string | undefined;
    documents.provideTextDocumentContent = async (asking) => {
      const text = await provide(asking);
      if (asked !== undefined || asking.toString() !== uri.toString()) return text;
      asked = text;
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await new Promise((resolve) => setTimeout(resolve, 10 * DOCUMENT_REFRESH_MS));
      return text;
    };
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(uri);
    } finally {
      delete (documents as Partial<typeof documents>).provideTextDocumentContent;
    }
    assert.match(asked ?? '', /No output yet/, 'the content was made while the request ran');
    const ended = await done;
    assert.equal(ended.state, 'COMPLETED', JSON.stringify(ended.error));
    await showsOutput(doc, ended);
  });

  it('does not send anything to fal.ai without a key', async () => {
    const before = api.store.all().length;
    await falConfig().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
    const record = await call('fal.run', 'fal-ai/flux/dev', { prompt: 'x' });
    assert.equal(record, undefined);
    assert.equal(api.store.all().length, before);
  });

  it('shows server text in tooltips as text, never as HTML or trusted markdown', async () => {
    const record = await call('fal.run', 'sandbox/error', {
      status: 500,
      detail: '<img src=x onerror=alert(1)> [x](command:fal.clearApiKey)',
    });
    assert.ok(record);
    const item = api.requestsTree.getTreeItem(api.requestsTree.nodeOf(record.id));
    // A plain string: VS Code shows it as text, never as Markdown (no link) or HTML.
    assert.equal(typeof item.tooltip, 'string');
    assert.ok(
      String(item.tooltip).includes('<img src=x onerror=alert(1)> [x](command:'),
      String(item.tooltip),
    );
  });

  it('a queue request fal fails with an error type: the tree says what it means and what to do', async () => {
    const record = await call(
      'fal.submit',
      'sandbox/echo',
      { a: 1 },
      { headers: { 'x-sandbox-fault': 'runner_scheduling_failure' } },
    );
    assert.ok(record);
    const failed = await until(api, record.id, (r) => r.state === 'FAILED');
    assert.equal(failed.error?.errorType, 'runner_scheduling_failure');
    const item = api.requestsTree.getTreeItem(api.requestsTree.nodeOf(record.id));
    assert.equal(item.label, 'failed · 503');
    assert.equal(item.description, 'submit sandbox/echo');
    const tooltip = String(item.tooltip);
    assert.ok(
      tooltip.includes('Error: fal found no runner to serve the request (503 runner_scheduling_failure).'),
      tooltip,
    );
    assert.ok(tooltip.includes('not in your input: call again.'), tooltip);
  });

  it('checks JSON input and says where it is wrong', () => {
    assert.match(checkJsonInput('{"prompt": "a cat",}') ?? '', /^Not valid JSON: /);
    assert.match(checkJsonInput('[1, 2]') ?? '', /must be a JSON object/);
    assert.equal(checkJsonInput('{"prompt": "a cat"}'), undefined);
  });

  it('fal.submit with a webhook URL: fal POSTs the result there when the request ends', async () => {
    const received = new Promise<{ status: string; payload: unknown }>((resolve) => {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          res.end('ok');
          server.close();
          resolve(JSON.parse(body));
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as AddressInfo).port;
        void call(
          'fal.submit',
          'sandbox/echo',
          { hook: 'yes' },
          { webhookUrl: `http://127.0.0.1:${port}/hook` },
        );
      });
    });
    const delivery = await received;
    assert.equal(delivery.status, 'OK');
    assert.deepEqual(delivery.payload, { hook: 'yes' });
  });

  it('keeps a call to a sandbox that is not there, saying none runs there and how to start it', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await falConfig().update('sandboxUrl', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    const record = await call('fal.run', 'sandbox/echo', { lost: false });
    assert.ok(record);
    assert.equal(record.state, 'FAILED');
    assert.match(
      record.error!.message,
      new RegExp(`No fal sandbox is running at http://127\\.0\\.0\\.1:${port}`),
    );
    assert.match(record.error!.hint ?? '', /npm run sandbox -- --port \d+.*"fal\.sandboxUrl"/);
    assert.deepEqual(api.store.get(record.id)?.input, { lost: false });
  });

  it('a request cancelled while its submit is on the way stays cancelled, and is cancelled at fal too', async () => {
    const record = await call('fal.submit', 'sandbox/slow', { duration_ms: 5000 });
    assert.ok(record);
    assert.equal(record.state, 'SUBMITTING');
    await vscode.commands.executeCommand('fal.cancelRequest', record.id);
    // Either way (cancelled before or after fal answered the submit) it ends CANCELLED with fal's id.
    const withId = await until(api, record.id, (r) => r.state === 'CANCELLED' && !!r.requestId);
    const connection = await api.connection.get();
    const status = await connection.client.queue.subscribeToStatus('sandbox/slow', {
      requestId: withId.requestId!,
    });
    assert.equal(status.status, 'COMPLETED');
    await assert.rejects(
      connection.client.queue.result('sandbox/slow', { requestId: withId.requestId! }),
      /499|cancel/i,
    );
    assert.equal(api.store.get(record.id)?.state, 'CANCELLED');
  });

  it('sends the platform headers a call asks for (the sandbox logs what reached it)', async () => {
    const record = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.subscribe', {
      endpointId: 'sandbox/echo',
      input: { platform: true },
      headers: { 'x-custom': 'kept' },
      platform: { noRetry: true, startTimeout: 30, priority: 'low', hint: 'runner-7', storeIo: false },
    });
    assert.ok(record);
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
    assert.equal(
      record.logs[0]?.message,
      'Platform headers: x-fal-queue-priority=low, x-fal-runner-hint=runner-7, x-fal-no-retry=1, x-fal-request-timeout=30, x-fal-store-io=0',
    );
  });

  it('copies a request as code to the clipboard, with its headers and without any key', async () => {
    await api.keys.set('copy-key-id:copy-key-secret');
    const record = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.run', {
      endpointId: 'sandbox/echo',
      input: { copy: 'me' },
      headers: { 'x-custom': 'kept' },
    });
    assert.ok(record);
    const snippet = await vscode.commands.executeCommand<string>('fal.copyAsCode', record.id, 'curl');
    assert.equal(await vscode.env.clipboard.readText(), snippet);
    assert.match(snippet, /https:\/\/fal\.run\/sandbox\/echo/);
    assert.match(snippet, /x-custom: kept/);
    assert.match(snippet, /"copy":"me"/);
    assert.ok(!snippet.includes('copy-key-secret'));
    await api.keys.clear();
  });

  it('clears finished requests but keeps running ones', async () => {
    const running = await call('fal.submit', 'sandbox/slow', { duration_ms: 3000 });
    assert.ok(running);
    await vscode.commands.executeCommand('fal.clearFinishedRequests');
    assert.deepEqual(
      api.store.all().map((r) => r.id),
      [running.id],
    );
    await vscode.commands.executeCommand('fal.cancelRequest', running.id);
    await until(api, running.id, (r) => r.state === 'CANCELLED');
  });
});
