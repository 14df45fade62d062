// The fal key goes to fal and nowhere else. With a sandbox target the key is never sent, so a search
// for it would pass trivially: here the fal.ai target's hosts point (test mode only) at a sandbox
// started with `--key <marker>`, so every call takes the real key path and the sandbox refuses any
// call that does not carry the marker. With the marker in SecretStorage, then in FAL_KEY, the
// scenario calls with every method, fails in three ways, copies every call as code, diagnoses and
// opens every request, saves outputs, calls from a request file, exports the history, and then searches everything the extension produced: the
// output channel's log file, the Requests view's labels, descriptions and tooltips, the messages it
// showed, the snippets, the documents it opened, and every file it wrote (its storage, its logs, the
// saved outputs). The marker is in none of them. A secret-looking custom header and a webhook URL's
// token, sent with the calls, are redacted in the stored records too.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CallMethod, RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import type { RequestNode } from '../../src/views/requestsTree';
import { SNIPPET_LANGUAGES } from '../../src/snippets/codeSnippets';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/server';
import {
  activateExtension,
  channelLogFile,
  falConfig,
  filesUnder,
  resetFalSettings,
  until,
} from './extensionApi';

const KEY_ID = `keyid${randomBytes(8).toString('hex')}`;
const KEY_SECRET = `keysecret${randomBytes(8).toString('hex')}`;
const MARKER = `${KEY_ID}:${KEY_SECRET}`;
/** A secret sent in a custom header and a webhook URL's query: kept out of records too. */
const HEADER_SECRET = `headersecret${randomBytes(8).toString('hex')}`;

const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'LOST']);

/** Where `text` holds any part of the key (or the header secret), as a message naming `where`. */
function leaks(where: string, text: string): string[] {
  return [KEY_ID, KEY_SECRET, HEADER_SECRET]
    .filter((s) => text.includes(s))
    .map((s) => `${where} holds ${s}`);
}

/** Every node of the Requests tree, depth first. */
function treeNodes(api: FalPlaygroundApi, node?: RequestNode): RequestNode[] {
  return api.requestsTree.getChildren(node).flatMap((child) => [child, ...treeNodes(api, child)]);
}

function itemText(item: vscode.TreeItem): string {
  const text = (v: unknown) =>
    typeof v === 'string'
      ? v
      : ((v as { value?: string; label?: string })?.value ?? (v as { label?: string })?.label ?? '');
  return [text(item.label), text(item.description), text(item.tooltip)].join('\n');
}

describe('the fal key is nowhere but in the calls to fal', function () {
  this.timeout(180_000);
  let api: FalPlaygroundApi;
  let sandbox: RunningSandbox;
  let savedDir: string;
  /** Where the scenario's request file is (it holds the header secret itself, so it is not searched). */
  let requestDir: string;
  const savedEnv = { FAL_KEY: process.env.FAL_KEY, FAL_KEY_ID: process.env.FAL_KEY_ID };

  before(async () => {
    api = await activateExtension();
    sandbox = await startSandbox({ port: 0, key: MARKER });
    savedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-keys-outputs-'));
    requestDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-keys-requests-'));
    api.useFalHosts(sandbox.url);
    await falConfig().update('target', 'fal.ai', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    api.useFalHosts(undefined);
    await api.keys.clear();
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await resetFalSettings();
    await sandbox.close();
    fs.rmSync(savedDir, { recursive: true, force: true });
    fs.rmSync(requestDir, { recursive: true, force: true });
  });

  /** Makes every kind of call and failure, and does everything there is to do with their records. */
  async function scenario(): Promise<{ records: RequestRecord[]; texts: Array<[string, string]> }> {
    const texts: Array<[string, string]> = [];
    const before = new Set(api.store.all().map((r) => r.id));
    const headers = { 'x-api-token': HEADER_SECRET, 'x-custom': 'plain' };
    for (const method of ['run', 'subscribe', 'submit', 'stream'] as const) {
      await vscode.commands.executeCommand(`fal.${method}`, {
        endpointId: 'sandbox/echo',
        input: { prompt: `a ${method} call` },
        headers,
        ...(method === 'submit' ? { webhookUrl: `${sandbox.url}/hook?token=${HEADER_SECRET}` } : {}),
      });
    }
    const realtime = await api.runner.start({
      endpointId: 'sandbox/echo',
      method: 'realtime' as CallMethod,
      input: { prompt: 'a realtime call' },
    });
    await realtime.done;
    // Failures: an endpoint's 500, a 422 through the queue, an endpoint that does not exist.
    await vscode.commands.executeCommand('fal.run', { endpointId: 'sandbox/error', input: { status: 500 } });
    await vscode.commands.executeCommand('fal.subscribe', {
      endpointId: 'sandbox/error',
      input: { status: 422 },
    });
    await vscode.commands.executeCommand('fal.run', { endpointId: 'sandbox/no-such-endpoint', input: {} });
    // A request file's call (its own secret-looking header, which the file holds but nothing else may).
    const requestFile = path.join(requestDir, `keys-${Date.now()}.fal.json`);
    fs.writeFileSync(
      requestFile,
      JSON.stringify({
        endpoint: 'sandbox/echo',
        method: 'subscribe',
        input: { prompt: 'from a file' },
        headers,
      }),
    );
    await vscode.commands.executeCommand('fal.requestFile.call', vscode.Uri.file(requestFile), 0);

    const ours = () => api.store.all().filter((r) => !before.has(r.id));
    for (const record of ours()) await until(api, record.id, (r) => FINAL.has(r.state));
    const records = ours();
    assert.equal(records.length, 9, records.map((r) => `${r.method} ${r.endpointId}`).join(', '));
    assert.equal(
      records.filter((r) => r.state === 'COMPLETED').length,
      6,
      JSON.stringify(records.map((r) => r.state)),
    );
    assert.equal(records.filter((r) => r.state === 'FAILED').length, 3);

    for (const record of records) {
      for (const language of SNIPPET_LANGUAGES) {
        const snippet = await vscode.commands.executeCommand<string>('fal.copyAsCode', record.id, language);
        assert.ok(snippet, `no ${language} snippet for ${record.method} ${record.endpointId}`);
        texts.push([`the ${language} snippet of ${record.method} ${record.endpointId}`, snippet]);
      }
      texts.push([`the clipboard`, await vscode.env.clipboard.readText()]);
      for (const command of ['fal.diagnoseRequest', 'fal.openInput', 'fal.openResult']) {
        await vscode.commands.executeCommand(command, record.id);
        const document = vscode.window.activeTextEditor?.document;
        if (document) texts.push([`${command} of ${record.method} ${record.endpointId}`, document.getText()]);
      }
      if (record.state === 'COMPLETED')
        await vscode.commands.executeCommand('fal.saveOutputs', record.id, vscode.Uri.file(savedDir));
    }
    // History exported as a request file and as JSONL.
    const ids = records.map((r) => r.id);
    const stamp = Date.now();
    await vscode.commands.executeCommand(
      'fal.exportToRequestFile',
      ids[0],
      ids,
      vscode.Uri.file(path.join(savedDir, `export-${stamp}.fal.json`)),
    );
    await vscode.commands.executeCommand(
      'fal.exportJsonl',
      ids[0],
      ids,
      vscode.Uri.file(path.join(savedDir, `export-${stamp}.jsonl`)),
    );
    assert.ok(
      fs.existsSync(path.join(savedDir, `export-${stamp}.jsonl`)),
      'the JSONL export was not written',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    return { records, texts };
  }

  /** Everything the extension produced so far, searched for the key and the header secret. */
  async function search(texts: Array<[string, string]>): Promise<string[]> {
    await api.store.flush();
    const found: string[] = [];
    for (const [where, text] of texts) found.push(...leaks(where, text));
    const logFile = await channelLogFile(api);
    found.push(...leaks(`the output channel's log file`, fs.readFileSync(logFile, 'utf8')));
    for (const node of treeNodes(api))
      found.push(...leaks(`the tree row ${node.id}`, itemText(api.requestsTree.getTreeItem(node))));
    for (const message of api.messages.shown)
      found.push(...leaks(`the message "${message.text}"`, message.text));
    const folders = [...api.storageUris.map((u) => u.fsPath), path.dirname(api.logUri.fsPath), savedDir];
    let files = 0;
    for (const folder of folders) {
      for (const file of filesUnder(folder)) {
        files++;
        found.push(...leaks(file, fs.readFileSync(file).toString('latin1')));
      }
    }
    assert.ok(files > 0, 'no file written by the extension was found');
    return found;
  }

  it('with the key in SecretStorage', async () => {
    delete process.env.FAL_KEY;
    delete process.env.FAL_KEY_ID;
    await api.keys.set(MARKER);
    const { records, texts } = await scenario();
    // The calls did reach the sandbox with the key (it refuses any other), and the records keep the
    // header and webhook token redacted.
    const submit = records.find((r) => r.method === 'submit')!;
    assert.match(submit.webhookUrl ?? '', /token=/);
    assert.equal(
      records.find((r) => r.method === 'run' && r.endpointId === 'sandbox/echo')?.headers?.['x-custom'],
      'plain',
    );
    assert.deepEqual(await search(texts), []);
  });

  it('with the key in FAL_KEY', async () => {
    await api.keys.clear();
    process.env.FAL_KEY = MARKER;
    assert.equal((await api.keys.get())?.source, 'environment');
    const { texts } = await scenario();
    assert.deepEqual(await search(texts), []);
  });
});
