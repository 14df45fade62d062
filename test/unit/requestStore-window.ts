// Another "window" for the request store tests, as a process of its own (run with node):
//   write <file> <windowId> <count>: opens the store, says "ready", waits for a line, then adds the
//     records asked for (each then queued and completed: every change a write under the lock),
//     yielding between them so the two processes interleave;
//   rival-claim <file>: takes the store's lock, says "locked", and while holding it (300 ms) claims
//     the running records for a live window "rival", as a window starting at the same moment would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lockFileSync } from '../../src/storage/fileLock';
import { readIndexFile, writeIndexFile } from '../../src/requests/requestIndex';
import { RequestStore } from '../../src/requests/requestStore';
import { heartbeatFile } from '../../src/storage/windowHeartbeat';

async function write(file: string, windowId: string, count: number): Promise<void> {
  const store = new RequestStore(file, { windowId });
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  for (let i = 0; i < count; i++) {
    const id = `${windowId}-${i}`;
    store.add({
      id,
      endpointId: 'fal-ai/fast-sdxl',
      method: 'submit',
      input: {},
      target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
      createdAt: Date.now(),
      updatedAt: Date.now(),
      state: 'SUBMITTING',
      logs: [],
    });
    store.update(id, { state: 'IN_QUEUE', requestId: `fal-${id}` });
    store.update(id, { state: 'COMPLETED' });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await store.flush();
  store.dispose();
}

async function rivalClaim(file: string): Promise<void> {
  const release = lockFileSync(file);
  process.stdout.write('locked\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const read = readIndexFile(file);
  if (read.kind !== 'read') throw new Error(`the index is ${read.kind}`);
  const { records, removed } = read.index;
  for (const record of records) if (record.state !== 'COMPLETED') record.windowId = 'rival';
  const heartbeat = heartbeatFile(path.dirname(file), 'rival');
  fs.mkdirSync(path.dirname(heartbeat), { recursive: true });
  fs.writeFileSync(heartbeat, '');
  writeIndexFile(
    file,
    records.map((r) => JSON.stringify(r)),
    removed,
  );
  release();
}

const [mode, file, windowId, count] = process.argv.slice(2);
(mode === 'write' ? write(file, windowId, Number(count)) : rivalClaim(file)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
