// The lock windows share a file under (fileLock.ts): one holder at a time, a wait that gives up,
// a lock left by a dead process taken over, and the directory lock of earlier versions respected.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  LockBusyError,
  lockFileOf,
  lockFileSync,
  STALE_LOCK_MS,
  withFileLockSync,
} from '../../src/storage/fileLock';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-lock-'));
  file = path.join(dir, 'nested', 'requests.json');
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const makeOld = (lock: string) => {
  const old = new Date(Date.now() - STALE_LOCK_MS - 1_000);
  fs.utimesSync(lock, old, old);
};

describe('file lock', () => {
  it('is held by one at a time: a second taker waits, then gives up with LockBusyError', () => {
    const release = lockFileSync(file);
    assert.ok(fs.existsSync(lockFileOf(file)), 'the lock file exists while held (its folder made)');
    const t0 = Date.now();
    assert.throws(() => lockFileSync(file, 60), LockBusyError);
    assert.ok(Date.now() - t0 >= 50, 'it waited before giving up');
    release();
    assert.ok(!fs.existsSync(lockFileOf(file)), 'released');
    assert.equal(
      withFileLockSync(file, () => 'ran'),
      'ran',
    );
    assert.ok(!fs.existsSync(lockFileOf(file)), 'released after the section, too');
  });

  it('releases after a section that throws', () => {
    assert.throws(() => withFileLockSync(file, () => assert.fail('boom')), /boom/);
    lockFileSync(file, 0)();
  });

  it('takes over a lock left by a dead process, and then does not delete the new holder’s lock', () => {
    const stale = lockFileSync(file);
    makeOld(lockFileOf(file));
    const release = lockFileSync(file, 0);
    stale(); // the dead holder's late release: not ours any more
    assert.ok(fs.existsSync(lockFileOf(file)), 'the new holder still holds it');
    assert.throws(() => lockFileSync(file, 0), LockBusyError);
    release();
    assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'nothing left beside the file');
  });

  it('respects the directory lock of an earlier version, and takes it over once stale', () => {
    fs.mkdirSync(lockFileOf(file), { recursive: true });
    assert.throws(() => lockFileSync(file, 0), LockBusyError);
    makeOld(lockFileOf(file));
    lockFileSync(file, 0)();
    assert.deepEqual(fs.readdirSync(path.dirname(file)), []);
  });
});
