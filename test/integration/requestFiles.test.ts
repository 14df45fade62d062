// Request files (`*.fal.json`) in the real extension host: the CodeLens above each request (listed by
// VS Code's own executeCodeLensProvider), each of its commands executed (the calls reach the embedded
// sandbox and the request store; Open in Playground fills the playground; Copy as Code copies), the
// variables (`${env:FAL_KEY}` refused; another asked for once, then read), a `$file` uploaded (the
// sandbox serves the same bytes), New Request File, and the Requests view's exports (the files written).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../src/common/callModel';
import { callOf, parseRequestFile } from '../../src/common/requestFile';
import type { FalPlaygroundApi } from '../../src/extension';
import { exampleInput } from '../../src/playground/exampleInput';
import { activateExtension, answerModals, recordToasts, until } from './extensionApi';

const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const folder = () => vscode.workspace.workspaceFolders![0].uri;

async function writeFile(relative: string, content: string | Uint8Array): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder(), 'reqfiles', relative);
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? Buffer.from(content) : content);
  return uri;
}

const readText = async (uri: vscode.Uri) =>
  Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');

/** The lenses VS Code shows for the file, as [title, command, arguments]. */
async function lensesOf(uri: vscode.Uri): Promise<vscode.Command[]> {
  await vscode.workspace.openTextDocument(uri);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>(
    'vscode.executeCodeLensProvider',
    uri,
  );
  return lenses.map((lens) => lens.command!).filter(Boolean);
}

/** Runs a lens's command (with extra arguments appended) as VS Code would on a click. */
function runLens<T>(lens: vscode.Command, ...extra: unknown[]): Thenable<T> {
  return vscode.commands.executeCommand<T>(lens.command, ...(lens.arguments ?? []), ...extra);
}

describe('request files', function () {
  this.timeout(60_000);
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the CodeLens above each request, its own method first, and every lens command works', async () => {
    const uri = await writeFile(
      'echo.fal.json',
      JSON.stringify(
        [
          { name: 'direct', endpoint: 'sandbox/echo', method: 'run', input: { word: 'one' } },
          {
            name: 'queued',
            endpoint: 'sandbox/echo',
            method: 'stream',
            input: { word: 'two', n: 2 },
            headers: { 'x-custom': 'kept' },
          },
        ],
        null,
        2,
      ),
    );
    const lenses = await lensesOf(uri);
    const titles = lenses.map((l) => l.title);
    assert.deepEqual(titles, [
      ...['Run', 'Subscribe', 'Submit', 'Stream', 'Realtime', 'Open in Playground', 'Copy as Code'],
      ...['Stream', 'Run', 'Subscribe', 'Submit', 'Realtime', 'Open in Playground', 'Copy as Code'],
    ]);
    const second = lenses.slice(7);
    assert.ok(second.every((l) => l.arguments?.[1] === 1));

    // The five methods, each through the palette's call path into the store.
    const byTitle = (title: string) => second.find((l) => l.title === title)!;
    for (const title of ['Run', 'Subscribe', 'Stream'] as const) {
      const record = await runLens<RequestRecord | undefined>(byTitle(title));
      assert.ok(record, title);
      assert.equal(record.method, title.toLowerCase());
      assert.equal(record.state, 'COMPLETED', `${title}: ${JSON.stringify(record.error)}`);
      assert.deepEqual(await api.store.output(record.id), { word: 'two', n: 2 });
      assert.deepEqual(record.headers, { 'x-custom': 'kept' });
      assert.equal(api.store.get(record.id)?.id, record.id, `${title} is in the store`);
    }
    const submitted = await runLens<RequestRecord | undefined>(byTitle('Submit'));
    assert.ok(submitted && submitted.method === 'submit');
    await until(api, submitted.id, (r) => r.state === 'COMPLETED');

    const before = new Set(api.store.all().map((r) => r.id));
    await runLens(byTitle('Realtime'));
    const realtime = await new Promise<RequestRecord>((resolve, reject) => {
      const find = () =>
        api.store.all().find((r) => !before.has(r.id) && r.method === 'realtime' && r.state === 'COMPLETED');
      const timer = setTimeout(() => reject(new Error('no realtime call completed')), 20_000);
      const check = () => {
        const found = find();
        if (found) {
          clearTimeout(timer);
          sub.dispose();
          resolve(found);
        }
      };
      const sub = api.store.onDidChange(check);
      check();
    });
    assert.equal(realtime.endpointId, 'sandbox/echo');
    // sandbox/echo's realtime answer numbers each input it got.
    assert.deepEqual(realtime.output, { word: 'two', n: 2, seq: 1 });

    await runLens(byTitle('Open in Playground'));
    const form = api.playground()?.form;
    assert.equal(form?.endpointId, 'sandbox/echo');
    assert.equal(form?.method, 'stream');
    assert.deepEqual(JSON.parse(form!.inputText), { word: 'two', n: 2 });
    assert.equal(form?.headersText, 'x-custom: kept');

    const snippet = await runLens<string | undefined>(byTitle('Copy as Code'), 'curl');
    assert.match(snippet ?? '', /sandbox\/echo/);
    assert.equal(await vscode.env.clipboard.readText(), snippet);

    const first = await runLens<RequestRecord | undefined>(lenses[0]);
    assert.equal(first?.method, 'run');
    assert.deepEqual(first?.output, { word: 'one' });
  });

  it('shows why a request cannot be called in its lens, and calling it says so', async () => {
    const uri = await writeFile('broken.fal.json', '{"endpoint": "sandbox/echo", "input": [1]}');
    const [lens, ...rest] = await lensesOf(uri);
    assert.equal(rest.length, 0);
    assert.match(lens.title, /"input" must be a JSON object/);
    const count = api.store.all().length;
    const { result, toasts } = await recordToasts(() =>
      vscode.commands.executeCommand('fal.requestFile.call', uri, 0, 'run'),
    );
    assert.equal(result, undefined);
    assert.match(
      toasts.find((t) => t.level === 'error')?.text ?? '',
      /In the request: "input" must be a JSON object/,
    );
    assert.equal(api.store.all().length, count, 'nothing was sent');
  });

  it('refuses ${env:FAL_KEY} without reading it, naming the variable', async () => {
    process.env.FAL_KEY = 'fal-key-that-must-not-leave';
    try {
      const uri = await writeFile(
        'key.fal.json',
        '{"endpoint": "sandbox/echo", "method": "run", "input": {"prompt": "${env:FAL_KEY}"}}',
      );
      const count = api.store.all().length;
      const { result, toasts } = await recordToasts(() =>
        answerModals(
          () => 'Read Variables',
          () => vscode.commands.executeCommand('fal.requestFile.call', uri, 0),
        ),
      );
      assert.equal(result.result, undefined);
      assert.deepEqual(result.asked, [], 'no question: the key is never read');
      const error = toasts.find((t) => t.level === 'error')?.text ?? '';
      assert.match(error, /\$\{env:FAL_KEY\} is not read: FAL_KEY looks like a secret/);
      assert.doesNotMatch(error, /fal-key-that-must-not-leave/);
      assert.equal(api.store.all().length, count, 'nothing was sent');
    } finally {
      delete process.env.FAL_KEY;
    }
  });

  it('asks once before reading ${env:NAME}, listing the names, then sends their values', async () => {
    process.env.REQFILE_ANIMAL = 'fox';
    process.env.REQFILE_PLACE = 'snow';
    try {
      const text = JSON.stringify({
        endpoint: 'sandbox/echo',
        method: 'run',
        input: {
          prompt: 'a ${env:REQFILE_ANIMAL} in the ${env:REQFILE_PLACE}',
          folder: '${workspaceFolder}',
        },
      });
      const declined = await writeFile('declined.fal.json', text);
      const count = api.store.all().length;
      const no = await recordToasts(() =>
        answerModals(
          () => undefined,
          () => vscode.commands.executeCommand('fal.requestFile.call', declined, 0),
        ),
      );
      assert.equal(no.result.asked.length, 1);
      assert.match(no.toasts.find((t) => t.level === 'error')?.text ?? '', /were not allowed/);
      assert.equal(api.store.all().length, count, 'nothing was sent');

      const uri = await writeFile('vars.fal.json', text);
      const yes = await answerModals(
        () => 'Read Variables',
        () => vscode.commands.executeCommand<RequestRecord>('fal.requestFile.call', uri, 0),
      );
      assert.deepEqual(yes.asked, [
        'vars.fal.json reads environment variables: REQFILE_ANIMAL, REQFILE_PLACE.',
      ]);
      assert.deepEqual(yes.result.output, { prompt: 'a fox in the snow', folder: folder().fsPath });
      const again = await answerModals(
        () => undefined,
        () => vscode.commands.executeCommand<RequestRecord>('fal.requestFile.call', uri, 0),
      );
      assert.deepEqual(again.asked, [], 'asked once per file');
      assert.equal(again.result.state, 'COMPLETED');
    } finally {
      delete process.env.REQFILE_ANIMAL;
      delete process.env.REQFILE_PLACE;
    }
  });

  it('uploads a {"$file": …} next to the request file and sends its URL; the sandbox serves the same bytes', async () => {
    await writeFile('images/pixel.png', PNG_1x1);
    const uri = await writeFile(
      'upload.fal.json',
      '{"endpoint": "sandbox/echo", "method": "run", "input": {"image_url": {"$file": "images/pixel.png"}}}',
    );
    const record = await vscode.commands.executeCommand<RequestRecord>('fal.requestFile.call', uri, 0);
    assert.equal(record.state, 'COMPLETED', JSON.stringify(record.error));
    const url = (record.output as { image_url: string }).image_url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//);
    const res = await fetch(url);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(PNG_1x1));
  });

  it('New Request File writes the endpoint with its example input and opens it', async () => {
    const target = vscode.Uri.joinPath(folder(), 'reqfiles', 'new', 'image.fal.json');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('fal.newRequestFile', {
      endpointId: 'sandbox/image',
      target,
    });
    assert.equal(uri?.toString(), target.toString());
    const connection = await api.connection.get();
    const expected = exampleInput(await connection.client.schema('sandbox/image')).input;
    assert.ok(Object.keys(expected).length > 0, 'the example fills the required fields');
    assert.deepEqual(JSON.parse(await readText(target)), {
      endpoint: 'sandbox/image',
      method: 'subscribe',
      input: expected,
    });
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), target.toString());
    assert.ok((await lensesOf(target)).some((l) => l.title === 'Subscribe'));
  });

  it('exports requests of the tree to a request file and to JSONL, without secret-looking headers', async () => {
    const call = (input: unknown) =>
      vscode.commands.executeCommand<RequestRecord>('fal.run', {
        endpointId: 'sandbox/echo',
        input,
        headers: { 'x-custom': 'one', 'x-api-token': 'token-value' },
      });
    const a = await call({ first: 1 });
    const b = await call({ second: 2 });
    const nodes = [api.requestsTree.nodeOf(a.id), api.requestsTree.nodeOf(b.id)];

    const fileTarget = vscode.Uri.joinPath(folder(), 'reqfiles', 'export.fal.json');
    await vscode.commands.executeCommand('fal.exportToRequestFile', nodes[0], nodes, fileTarget);
    const text = await readText(fileTarget);
    assert.doesNotMatch(text, /x-api-token|token-value|redacted/);
    const parsed = parseRequestFile(text);
    assert.equal(parsed.problem, undefined);
    assert.deepEqual(
      parsed.entries.map((e) => callOf(e.request!)),
      [a, b].map((r) => ({
        endpointId: 'sandbox/echo',
        method: 'run',
        input: r.input,
        headers: { 'x-custom': 'one' },
      })),
    );
    assert.deepEqual(
      parsed.entries.map((e) => e.request?.name),
      ['echo 1', 'echo 2'],
    );

    const oneTarget = vscode.Uri.joinPath(folder(), 'reqfiles', 'one.fal.json');
    await vscode.commands.executeCommand('fal.saveAsRequestFile', a.id, undefined, oneTarget);
    assert.deepEqual(JSON.parse(await readText(oneTarget)), {
      endpoint: 'sandbox/echo',
      method: 'run',
      input: { first: 1 },
      headers: { 'x-custom': 'one' },
    });

    const jsonlTarget = vscode.Uri.joinPath(folder(), 'reqfiles', 'export.jsonl');
    await vscode.commands.executeCommand('fal.exportJsonl', nodes[0], nodes, jsonlTarget);
    const jsonl = await readText(jsonlTarget);
    assert.doesNotMatch(jsonl, /x-api-token|token-value/);
    const lines = jsonl
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 2);
    for (const [line, record] of lines.map((l, i) => [l, [a, b][i]] as const)) {
      assert.equal(line.endpoint, 'sandbox/echo');
      assert.deepEqual(line.input, record.input);
      assert.deepEqual(line.output, record.input, 'echo answers its input');
      assert.equal(line.requestId, record.requestId);
      assert.ok(record.requestId);
      assert.equal(typeof (line.metrics as { round_trip_ms: unknown }).round_trip_ms, 'number');
    }
  });

  it("the playground's Save as Request File writes the form's call", async () => {
    const target = vscode.Uri.joinPath(folder(), 'reqfiles', 'from-playground.fal.json');
    await vscode.commands.executeCommand(
      'fal.saveAsRequestFile',
      { endpointId: 'sandbox/text', method: 'stream', input: { prompt: 'hi' }, platform: { noRetry: true } },
      undefined,
      target,
    );
    assert.deepEqual(JSON.parse(await readText(target)), {
      endpoint: 'sandbox/text',
      method: 'stream',
      input: { prompt: 'hi' },
      platform: { noRetry: true },
    });
  });
});
