// The request store's journal (requestJournal.ts): a change of state appends one line instead of
// rewriting every record, the journal is folded into the index once it outgrows it, and what a crash
// can leave (a torn last line, lines of an index since rewritten) is read safely.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RequestRecord } from '../../src/common/callModel';
import { journalFileOf, journalLine } from '../../src/requests/requestJournal';
import { RequestStore } from '../../src/requests/requestStore';
import { savedRecords, storedRecord as record } from './store-records';

let dir: string;
let file: string;
let journal: string;
const stores: RequestStore[] = [];

function open(windowId?: string): RequestStore {
  const store = new RequestStore(file, { maxRecords: 10_000, windowId });
  stores.push(store);
  return store;
}

const lines = () => fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean);
const indexStamp = () => {
  const { ino, mtimeMs, size } = fs.statSync(file);
  return { ino, mtimeMs, size };
};
const saved = () => savedRecords(file);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-journal-'));
  file = path.join(dir, 'requests.json');
  journal = journalFileOf(file);
});

afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('request store: the journal', () => {
  it('saves a new state of one record among 2,000 as one appended line, the index untouched', () => {
    const store = open();
    for (let i = 0; i < 2_000; i++) store.add(record(`r${i}`));
    const before = indexStamp();
    const linesBefore = lines().length;
    store.update('r1234', { state: 'IN_PROGRESS' });
    void store.flush(); // its first write is synchronous: done when flush returns its promise
    assert.deepEqual(indexStamp(), before, 'the index is not rewritten');
    const added = lines().slice(linesBefore);
    assert.equal(added.length, 1);
    assert.equal((JSON.parse(added[0]) as { record: RequestRecord }).record.id, 'r1234');
    assert.equal(saved().find((r) => r.id === 'r1234')?.state, 'IN_PROGRESS');
    assert.equal(open().get('r1234')?.state, 'IN_PROGRESS', 'a new store reads it back');
  });

  it('folds the journal into the index once the journal outgrows it', () => {
    const store = open();
    store.add(record('a'));
    const first = indexStamp();
    let folded = false;
    for (let i = 0; i < 2_000 && !folded; i++) {
      store.update('a', {
        logs: [
          { message: `line ${i} ${'x'.repeat(200)}`, level: 'INFO', source: 'USER', timestamp: String(i) },
        ],
      });
      void store.flush();
      folded = indexStamp().ino !== first.ino;
    }
    assert.ok(folded, 'the index was written whole again');
    assert.ok(fs.statSync(journal).size < 1024, 'and the journal emptied');
    assert.match(saved()[0].logs[0].message, /^line \d+ /);
    assert.equal(open().get('a')?.logs.length, 1);
  });

  it('reads past a line torn by a crash, and starts the next on a line of its own', () => {
    const store = open();
    store.add(record('a'));
    store.add(record('b'));
    store.dispose();
    fs.appendFileSync(journal, '{"g":"torn","record":{"id":"a","sta');
    const next = open();
    assert.deepEqual(
      next.all().map((r) => r.id),
      ['b', 'a'],
    );
    next.update('a', { state: 'COMPLETED' });
    assert.equal(saved().find((r) => r.id === 'a')?.state, 'COMPLETED');
    assert.equal(open().get('a')?.state, 'COMPLETED');
  });

  it('ignores lines of an index since written whole (a crash before the journal was emptied)', () => {
    const store = open();
    store.add(record('a', 'COMPLETED'));
    store.dispose();
    const stale = { ...record('a'), createdAt: saved()[0].createdAt, state: 'IN_PROGRESS' as const };
    fs.appendFileSync(
      journal,
      `${journalLine('an-older-generation', { recordJson: JSON.stringify(stale) })}\n`,
    );
    assert.equal(open().get('a')?.state, 'COMPLETED');
  });

  it('writes an output again whose file could not be written, once it can be', () => {
    const store = open();
    store.add(record('x', 'IN_PROGRESS'));
    fs.writeFileSync(path.join(dir, 'outputs'), 'a file where the folder goes'); // the write fails
    store.update('x', { state: 'COMPLETED', output: { big: 'y'.repeat(40_000) } });
    assert.equal(saved()[0].outputDropped, true, 'saved without its output meanwhile');
    fs.rmSync(path.join(dir, 'outputs'));
    store.add(record('later'));
    void store.flush();
    const x = saved().find((r) => r.id === 'x');
    assert.equal(x?.outputFile, 'x.json');
    assert.equal(x?.outputDropped, undefined);
    assert.ok(fs.existsSync(path.join(dir, 'outputs', 'x.json')));
  });

  it('sets a corrupt index aside with its journal; a window that knew the records writes them again', () => {
    const a = open('a');
    for (const id of ['r1', 'r2', 'r3']) a.add(record(id, 'COMPLETED'));
    fs.writeFileSync(file, '{garbage');
    open('b'); // sets both files aside and starts an empty index
    const aside = fs.readdirSync(dir).filter((name) => name.includes('.corrupt-'));
    assert.equal(aside.length, 2, aside.join(', '));
    assert.ok(aside.some((name) => name.startsWith('requests.journal.jsonl.corrupt-')));
    a.refresh();
    a.add(record('r4'));
    assert.deepEqual(
      saved().map((r) => r.id),
      ['r4', 'r3', 'r2', 'r1'],
    );
  });

  it("takes in another window's appended lines: its new records and states, and its removals", () => {
    const a = open('a');
    const b = open('b');
    a.add(record('one'));
    a.add(record('two'));
    b.refresh();
    assert.deepEqual(
      b.all().map((r) => r.id),
      ['two', 'one'],
    );
    a.update('one', { state: 'COMPLETED' });
    a.remove('two');
    a.add(record('three'));
    b.refresh();
    assert.deepEqual(
      b.all().map((r) => r.id),
      ['three', 'one'],
    );
    assert.equal(b.get('one')?.state, 'COMPLETED');
  });
});
