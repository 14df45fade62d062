// The one function deciding how a record may change: which state may follow which, what a change of
// state brings, and what a finished record may still take (facts, never results).
import * as assert from 'node:assert/strict';
import type { RequestRecord, RequestState } from '../../src/common/callModel';
import { canMove, transition } from '../../src/requests/recordTransitions';

function record(state: RequestState, extra: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: 'r1',
    endpointId: 'sandbox/echo',
    method: 'submit',
    input: {},
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
    createdAt: 1,
    updatedAt: 1,
    state,
    logs: [],
    ...extra,
  };
}

describe('record transitions', () => {
  it('lets a request move forward, and back to the queue from a runner that gave it back', () => {
    assert.ok(canMove('SUBMITTING', 'IN_QUEUE'));
    assert.ok(canMove('IN_QUEUE', 'IN_PROGRESS'));
    assert.ok(canMove('IN_PROGRESS', 'IN_QUEUE'));
    assert.ok(canMove('IN_PROGRESS', 'COMPLETED'));
    assert.ok(canMove('IN_QUEUE', 'IN_QUEUE'));
    for (const final of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) {
      for (const to of ['SUBMITTING', 'IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'] as const)
        assert.equal(canMove(final, to), false, `${final} → ${to}`);
    }
  });

  it('brings an end time and no queue position to a final state, a start time to IN_PROGRESS', () => {
    const ended = transition(record('IN_QUEUE', { queuePosition: 2 }), { state: 'FAILED' }, 50);
    assert.deepEqual(ended, { state: 'FAILED', updatedAt: 50, completedAt: 50, queuePosition: undefined });
    const started = transition(record('IN_QUEUE', { queuePosition: 0 }), { state: 'IN_PROGRESS' }, 60);
    assert.equal(started?.startedAt, 60);
    assert.equal(started?.queuePosition, undefined);
  });

  it('refuses a finished record a new state, and new output, logs or metrics', () => {
    const done = record('CANCELLED', { completedAt: 5 });
    assert.equal(transition(done, { state: 'IN_PROGRESS' }), undefined);
    assert.equal(transition(done, { state: 'COMPLETED', output: { late: true } }), undefined);
    assert.equal(transition(done, { output: { late: true } }), undefined);
    assert.equal(transition(done, { logs: [], metrics: { inference_time: 1 } }), undefined);
  });

  it("still takes facts about a finished record: fal's request id after a cancel, an output file", () => {
    const done = record('CANCELLED');
    assert.deepEqual(transition(done, { requestId: 'fal-1', output: { dropped: 1 } }, 9), {
      requestId: 'fal-1',
      updatedAt: 9,
    });
    assert.deepEqual(transition(done, { state: 'CANCELLED', outputFile: 'r1.json' }, 9), {
      outputFile: 'r1.json',
      updatedAt: 9,
    });
  });
});
