// Windows sharing one requests.json (windows without a folder, in global storage): writes merge under
// the lock so neither window loses the other's records (two real processes writing at once), removals
// hold, a write waits for the lock another window holds, and a starting window claims the running
// records of a window whose heartbeat is stale or gone, never those of a live one.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lockFileSync } from '../../src/storage/fileLock';
import type { Message } from '../../src/common/messages';
import { CompletionNotifier } from '../../src/requests/completionNotifier';
import { RequestStore, type RequestStoreOptions } from '../../src/requests/requestStore';
import { heartbeatFile, HEARTBEAT_STALE_MS } from '../../src/storage/windowHeartbeat';
import { savedRecords as savedRecordsOf, storedRecord as record } from './store-records';

/** The other window's process (requestStore-window.ts, compiled beside this file). */
const WINDOW_SCRIPT = path.join(__dirname, 'requestStore-window.js');

let dir: string;
let file: string;
const stores: RequestStore[] = [];

function window(windowId: string, options: RequestStoreOptions = {}): RequestStore {
  const store = new RequestStore(file, { windowId, ...options });
  stores.push(store);
  return store;
}

const savedRecords = () => savedRecordsOf(file);

function idsOnDisk(): string[] {
  return savedRecords()
    .map((r) => r.id)
    .sort();
}

const ids = (store: RequestStore) =>
  store
    .all()
    .map((r) => r.id)
    .sort();

/** Makes window `windowId` look as if it stopped touching its heartbeat a minute ago. */
function makeStale(windowId: string): void {
  const old = new Date(Date.now() - HEARTBEAT_STALE_MS - 30_000);
  fs.utimesSync(heartbeatFile(dir, windowId), old, old);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-windows-'));
  file = path.join(dir, 'requests.json');
});

afterEach(() => {
  for (const store of stores.splice(0)) store.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('request store: windows sharing one file', () => {
  it('keeps both windows’ records when both write', () => {
    const a = window('a');
    const b = window('b');
    a.add(record('a1'));
    b.add(record('b1'));
    a.update('a1', { state: 'IN_PROGRESS' });
    b.add(record('b2', 'COMPLETED'));
    a.add(record('a2'));
    assert.deepEqual(idsOnDisk(), ['a1', 'a2', 'b1', 'b2']);
    assert.deepEqual(ids(a), ['a1', 'a2', 'b1', 'b2'], "a lists b's calls");
    assert.equal(a.get('a1')?.state, 'IN_PROGRESS');
    assert.equal(a.get('b1')?.windowId, 'b');
  });

  it('keeps every record of two processes writing at once', async function () {
    this.timeout(20_000);
    const count = 60;
    const child = spawn(process.execPath, [WINDOW_SCRIPT, 'write', file, 'other', String(count)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const here = window('here');
    child.stdin.write('go\n');
    for (let i = 0; i < count; i++) {
      here.add(record(`here-${i}`, 'SUBMITTING'));
      here.update(`here-${i}`, { state: 'COMPLETED' });
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal(await exited, 0);
    here.add(record('last', 'COMPLETED'));
    const expected = ['last', ...[...Array(count).keys()].flatMap((i) => [`here-${i}`, `other-${i}`])].sort();
    assert.deepEqual(idsOnDisk(), expected);
    assert.deepEqual(ids(here), expected);
  });

  it("does not bring back another window's record removed here", () => {
    const a = window('a');
    const b = window('b');
    b.add(record('b1', 'COMPLETED'));
    a.add(record('a1'));
    a.remove('b1');
    b.update('b1', { metrics: { inference_time: 1 } });
    b.add(record('b2'));
    assert.deepEqual(idsOnDisk(), ['a1', 'b2']);
    assert.deepEqual(ids(b), ['a1', 'b2']);
  });

  it('waits for the lock another window holds before it writes', async () => {
    const store = window('a');
    store.add(record('first'));
    const release = lockFileSync(file);
    store.add(record('while-locked'));
    assert.deepEqual(idsOnDisk(), ['first'], 'not written while another window holds the lock');
    release();
    await store.flush();
    assert.deepEqual(idsOnDisk(), ['first', 'while-locked']);
  });
});

describe('request store: claiming running records', () => {
  it('claims the running records of a window whose heartbeat is stale', () => {
    const a = window('a');
    a.add(record('a-running'));
    a.add(record('a-done', 'COMPLETED'));
    makeStale('a');
    const c = window('c');
    const claimed = c.claimOrphans();
    assert.deepEqual(
      claimed.map((r) => r.id),
      ['a-running'],
    );
    assert.equal(c.get('a-running')?.windowId, 'c');
    const saved = savedRecords();
    assert.equal(saved.find((r) => r.id === 'a-running')?.windowId, 'c', 'the claim is on disk');
    // The stale window, writing again, takes the claim from disk rather than undoing it.
    a.add(record('a-later', 'COMPLETED'));
    assert.equal(a.get('a-running')?.windowId, 'c');
    assert.deepEqual(window('d').claimOrphans(), [], 'a claimed record belongs to a live window');
  });

  it('claims under the lock: a window claiming at the same moment gets each record once', async () => {
    const gone = window('gone');
    gone.add(record('running'));
    gone.dispose();
    const here = window('here');
    const rival = spawn(process.execPath, [WINDOW_SCRIPT, 'rival-claim', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => rival.on('exit', resolve));
    await new Promise<void>((resolve) => rival.stdout.once('data', () => resolve()));
    // The rival holds the lock now and claims before it lets go: this claim takes nothing, whether
    // it finds the lock busy (it then leaves the decision to a later claim) or sees the rival's claim.
    assert.deepEqual(here.claimOrphans(), []);
    assert.equal(await exited, 0);
    assert.deepEqual(here.claimOrphans(), [], 'a later claim, with the lock free, finds it taken');
    assert.equal(here.get('running')?.windowId, 'rival');
  });

  it('leaves alone the running records of a live window', () => {
    const a = window('a');
    a.add(record('a-running'));
    const c = window('c');
    assert.deepEqual(c.claimOrphans(), []);
    assert.equal(c.get('a-running')?.windowId, 'a');
    assert.deepEqual(ids(c), ['a-running'], 'it lists them, though');
  });

  it('claims at once the records of a window that closed (its heartbeat removed)', () => {
    const before = window('before-reload');
    before.add(record('running'));
    before.dispose();
    assert.ok(!fs.existsSync(heartbeatFile(dir, 'before-reload')));
    const after = window('after-reload');
    assert.deepEqual(
      after.claimOrphans().map((r) => r.id),
      ['running'],
    );
    assert.deepEqual(after.claimOrphans(), [], 'once');
  });

  it("claims its own earlier id's records even when that heartbeat still looks live (a crash)", () => {
    const crashed = window('crashed');
    crashed.add(record('running'));
    const other = window('other');
    assert.deepEqual(other.claimOrphans(), []);
    const restarted = window('restarted', { adoptWindowIds: ['crashed'] });
    assert.deepEqual(
      restarted.claimOrphans().map((r) => r.id),
      ['running'],
    );
  });

  it('does not return the records this window made itself (already followed)', () => {
    const a = window('a');
    a.add(record('mine'));
    assert.deepEqual(a.claimOrphans(), []);
  });
});

describe("request store: another window's calls", () => {
  it('shows them after a re-read', () => {
    const here = window('here');
    const there = window('there');
    there.add(record('theirs'));
    here.refresh();
    assert.deepEqual(ids(here), ['theirs']);
    there.update('theirs', { state: 'COMPLETED' });
    here.refresh();
    assert.equal(here.get('theirs')?.state, 'COMPLETED');
  });

  it('tells of their end only in the window that owns them', () => {
    const there = window('there');
    there.add({ ...record('theirs'), method: 'submit' });
    // Running when this window starts, as a call of its own from before a reload would be.
    const here = window('here');
    const shownHere: Message[] = [];
    const shownThere: Message[] = [];
    new CompletionNotifier(here, { show: (m) => shownHere.push(m) });
    new CompletionNotifier(there, { show: (m) => shownThere.push(m) });
    there.update('theirs', { state: 'COMPLETED' });
    here.refresh();
    assert.equal(here.get('theirs')?.state, 'COMPLETED');
    assert.equal(shownThere.length, 1);
    assert.equal(shownHere.length, 0, "not this window's call");
  });
});
