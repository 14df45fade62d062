// Records for the request store's tests, and the records as the store's files hold them.
import type { RequestRecord, RequestState } from '../../src/common/callModel';
import { readIndexFile } from '../../src/requests/requestIndex';

let clock = 1_000;

/** A queue request's record, each made a millisecond after the one before (newest first in a store). */
export function storedRecord(id: string, state: RequestState = 'IN_QUEUE'): RequestRecord {
  clock += 1;
  return {
    id,
    endpointId: 'fal-ai/fast-sdxl',
    method: 'submit',
    input: {},
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
    createdAt: clock,
    updatedAt: clock,
    state,
    requestId: `fal-${id}`,
    logs: [],
  };
}

/** The records as on disk now in the store file `file` (its journal applied). */
export function savedRecords(file: string): RequestRecord[] {
  const read = readIndexFile(file);
  if (read.kind !== 'read') throw new Error(`the index is ${read.kind}`);
  return read.index.records;
}
