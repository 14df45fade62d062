// The request store's file: fal's request id and a final state on disk before `update` returns, a
// move between waiting states and log lines coalesced into one write, an output over 16 KB in a file of its own that a new store reads
// back (and deletes with its record), the record limit, and a corrupt `requests.json` set aside.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RequestRecord, RequestState } from '../../src/common/callModel';
import type { Message } from '../../src/common/messages';
import { readIndexFile } from '../../src/requests/requestIndex';
import { RequestStore, type RequestStoreOptions } from '../../src/requests/requestStore';

let dir: string;
let file: string;
const stores: RequestStore[] = [];

function open(options: RequestStoreOptions = {}): RequestStore {
  const store = new RequestStore(file, options);
  stores.push(store);
  return store;
}

let clock = 1_000;
function record(id: string, state: RequestState = 'SUBMITTING'): RequestRecord {
  clock += 1;
  return {
    id,
    endpointId: 'fal-ai/fast-sdxl',
    method: 'submit',
    input: { prompt: id },
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
    createdAt: clock,
    updatedAt: clock,
    state,
    logs: [],
  };
}

/** The index as on disk now (the journal applied). */
function onDisk(): { version: number; records: RequestRecord[] } {
  const read = readIndexFile(file);
  if (read.kind !== 'read') throw new Error(`the index is ${read.kind}`);
  return read.index;
}

function countSaves(store: RequestStore): { count: number } {
  const saves = { count: 0 };
  store.onDidSave(() => saves.count++);
  return saves;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-store-'));
  file = path.join(dir, 'requests.json');
});

afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('request store: format', () => {
  it("has fal's request id and a final state on disk when update returns, in a versioned index", async () => {
    const store = open();
    store.add(record('a'));
    assert.equal(onDisk().version, 1);
    assert.equal(onDisk().records[0].state, 'SUBMITTING');
    store.update('a', { requestId: 'fal-1' });
    assert.equal(onDisk().records[0].requestId, 'fal-1');
    assert.equal(onDisk().records[0].windowId, store.windowId);
    // A move between waiting states goes with the next write (within 500 ms), not one of its own.
    store.update('a', { state: 'IN_QUEUE', queuePosition: 2 });
    store.update('a', { state: 'IN_PROGRESS' });
    assert.equal(onDisk().records[0].state, 'SUBMITTING');
    await new Promise<void>((resolve) => {
      const saved = store.onDidSave(() => {
        saved.dispose();
        resolve();
      });
    });
    assert.equal(onDisk().records[0].state, 'IN_PROGRESS');
    store.update('a', { state: 'COMPLETED' });
    assert.equal(onDisk().records[0].state, 'COMPLETED');
  });

  it('coalesces log lines and queue positions into one write', async () => {
    const store = open();
    store.add(record('a', 'IN_PROGRESS'));
    const saves = countSaves(store);
    const logs: RequestRecord['logs'] = [];
    for (let i = 0; i < 50; i++) {
      logs.push({ message: `line ${i}`, level: 'INFO', source: 'USER', timestamp: String(i) });
      store.update('a', { logs: [...logs], queuePosition: i });
    }
    assert.equal(saves.count, 0, 'no write per log line');
    assert.equal(onDisk().records[0].logs.length, 0);
    // The coalesced write comes by itself (its timer), once.
    await new Promise<void>((resolve) => store.onDidSave(() => resolve()));
    assert.equal(saves.count, 1);
    assert.equal(onDisk().records[0].logs.length, 50);
    await store.flush();
    assert.equal(saves.count, 1, 'nothing left to write');
  });

  it('flush writes coalesced changes at once', async () => {
    const store = open();
    store.add(record('a', 'IN_PROGRESS'));
    const saves = countSaves(store);
    store.update('a', { logs: [{ message: 'hello', level: 'INFO', source: 'USER', timestamp: '1' }] });
    await store.flush();
    assert.equal(saves.count, 1);
    assert.equal(onDisk().records[0].logs[0].message, 'hello');
  });

  it('keeps a 300 KB output in its own file, read back by a new store, deleted with its record', async () => {
    const big = { images: [{ url: 'data:', content: 'x'.repeat(300 * 1024) }] };
    const first = open();
    first.add(record('big', 'IN_PROGRESS'));
    first.update('big', { state: 'COMPLETED', output: big });
    const outputFile = path.join(dir, 'outputs', 'big.json');
    assert.ok(fs.existsSync(outputFile), 'the output has its own file');
    assert.ok(fs.statSync(file).size < 10 * 1024, 'the index does not carry the output');
    const saved = onDisk().records[0];
    assert.equal(saved.output, undefined);
    assert.equal(saved.outputFile, 'big.json');
    first.dispose();

    const second = open();
    const loaded = second.get('big');
    assert.equal(loaded?.output, undefined, 'the record keeps a reference, not the output');
    assert.equal(loaded?.outputDropped, undefined);
    assert.deepEqual(await second.output('big'), big);
    second.remove('big');
    assert.ok(!fs.existsSync(outputFile), 'removed with its record');
  });

  it('keeps a small output in the index', async () => {
    const store = open();
    store.add(record('small', 'IN_PROGRESS'));
    store.update('small', { state: 'COMPLETED', output: { ok: true } });
    assert.deepEqual(onDisk().records[0].output, { ok: true });
    assert.ok(!fs.existsSync(path.join(dir, 'outputs')));
    assert.deepEqual(await store.output('small'), { ok: true });
  });

  it('reads a version-0 file (a bare list of records) and writes it back versioned', () => {
    fs.writeFileSync(file, JSON.stringify([record('old', 'COMPLETED')]));
    const store = open();
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['old'],
    );
    store.add(record('new'));
    assert.equal(onDisk().version, 1);
    assert.deepEqual(
      onDisk().records.map((r) => r.id),
      ['new', 'old'],
    );
  });
});

describe('request store: record limit', () => {
  it('drops the oldest finished records past maxRecords, never a running one', () => {
    const store = open({ maxRecords: 3 });
    store.add(record('running-oldest', 'IN_PROGRESS'));
    for (const id of ['done-1', 'done-2', 'done-3', 'done-4']) store.add(record(id, 'COMPLETED'));
    const ids = store.all().map((r) => r.id);
    assert.deepEqual(ids, ['done-4', 'done-3', 'running-oldest']);
    assert.deepEqual(
      onDisk().records.map((r) => r.id),
      ids,
    );
  });

  it('keeps running records past the limit', () => {
    const store = open({ maxRecords: 3 });
    for (const id of ['r1', 'r2', 'r3', 'r4']) store.add(record(id, 'IN_QUEUE'));
    assert.equal(store.all().length, 4);
    store.add(record('done', 'COMPLETED'));
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['r4', 'r3', 'r2', 'r1'],
    );
  });

  it('applies a lower limit at once when the setting changes', () => {
    const store = open();
    for (const id of ['d1', 'd2', 'd3']) store.add(record(id, 'FAILED'));
    store.setMaxRecords(1);
    assert.deepEqual(
      onDisk().records.map((r) => r.id),
      ['d3'],
    );
  });
});

describe('request store: a corrupt requests.json', () => {
  it('starts empty, keeps the bad file as requests.json.corrupt-<time>, and says so once', () => {
    fs.writeFileSync(file, '{"version": 1, "records": [ {"id": ');
    const shown: Message[] = [];
    const store = open({ messages: { show: (m) => shown.push(m) } });
    assert.equal(store.all().length, 0);
    const kept = fs.readdirSync(dir).filter((name) => name.startsWith('requests.json.corrupt-'));
    assert.equal(kept.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, kept[0]), 'utf8'), '{"version": 1, "records": [ {"id": ');
    assert.equal(shown.length, 1);
    assert.equal(shown[0].level, 'warning');
    assert.match(shown[0].text, /could not be read/);
    assert.ok(shown[0].text.includes(kept[0]), shown[0].text);

    store.add(record('after'));
    open({ messages: { show: (m) => shown.push(m) } });
    assert.equal(shown.length, 1, 'said once');
    assert.equal(onDisk().records[0].id, 'after');
  });

  it('keeps the readable records of a file with some bad entries, and a copy of the file', () => {
    const text = JSON.stringify({
      version: 1,
      records: [record('good', 'COMPLETED'), { id: 7 }],
      removed: [],
    });
    fs.writeFileSync(file, text);
    const shown: Message[] = [];
    const store = open({ messages: { show: (m) => shown.push(m) } });
    assert.deepEqual(
      store.all().map((r) => r.id),
      ['good'],
    );
    const kept = fs.readdirSync(dir).filter((name) => name.startsWith('requests.json.corrupt-'));
    assert.equal(kept.length, 1);
    assert.equal(fs.readFileSync(path.join(dir, kept[0]), 'utf8'), text);
    assert.equal(shown.length, 1);
    assert.match(shown[0].text, /1 saved fal request/);
  });
});
