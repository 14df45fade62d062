// The one function deciding how a record may change: which state may follow which, what a change of
// state brings, and what a finished record may still take (facts, never results).
import * as assert from 'node:assert/strict';
import { MAX_STATE_HISTORY, type RequestRecord, type RequestState } from '../../src/common/callModel';
import { canMove, transition, type RecordPatch } from '../../src/requests/recordTransitions';

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
    assert.deepEqual(ended, {
      state: 'FAILED',
      updatedAt: 50,
      completedAt: 50,
      queuePosition: undefined,
      history: [
        { state: 'IN_QUEUE', at: 1 },
        { state: 'FAILED', at: 50 },
      ],
    });
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

  /** Applies patches one after another, as the store does, each at its own time. */
  function run(start: RequestRecord, steps: Array<[number, RecordPatch]>): RequestRecord {
    let current = start;
    for (const [now, patch] of steps) {
      const next = transition(current, patch, now);
      if (next) current = { ...current, ...next };
    }
    return current;
  }

  it('gives every change a later updatedAt than the one before, even in the same millisecond', () => {
    const queued = record('IN_QUEUE', { updatedAt: 70 });
    assert.equal(transition(queued, { queuePosition: 1 }, 70)?.updatedAt, 71);
    assert.equal(transition(queued, { state: 'COMPLETED' }, 65)?.updatedAt, 71, 'a clock set back');
    assert.equal(transition(record('COMPLETED', { updatedAt: 70 }), { requestId: 'f' }, 70)?.updatedAt, 71);
    assert.equal(transition(queued, { queuePosition: 1 }, 90)?.updatedAt, 90);
  });

  it('keeps a state history: the first state at creation, each change with its time, staying put adds none', () => {
    const done = run(record('SUBMITTING'), [
      [10, { state: 'IN_QUEUE', queuePosition: 3 }],
      [20, { state: 'IN_QUEUE', queuePosition: 2 }],
      [30, { state: 'IN_PROGRESS' }],
      [40, { state: 'IN_PROGRESS', logs: [] }],
      [50, { state: 'COMPLETED', output: {} }],
      [60, { state: 'IN_PROGRESS' }],
    ]);
    assert.deepEqual(done.history, [
      { state: 'SUBMITTING', at: 1 },
      { state: 'IN_QUEUE', at: 10 },
      { state: 'IN_PROGRESS', at: 30 },
      { state: 'COMPLETED', at: 50 },
    ]);
  });

  it('bounds the history: the first state and the newest after it', () => {
    const steps: Array<[number, RecordPatch]> = [];
    for (let i = 0; i < 2 * MAX_STATE_HISTORY; i++)
      steps.push([10 + i, { state: i % 2 ? 'IN_QUEUE' : 'IN_PROGRESS' }]);
    const history = run(record('SUBMITTING'), steps).history ?? [];
    assert.equal(history.length, MAX_STATE_HISTORY);
    assert.deepEqual(history[0], { state: 'SUBMITTING', at: 1 });
    assert.deepEqual(history.at(-1), { state: 'IN_QUEUE', at: 10 + 2 * MAX_STATE_HISTORY - 1 });
  });

  it('times the stay in the queue: entered, when the position last changed, how often, left', () => {
    const queued = run(record('SUBMITTING'), [
      [10, { state: 'IN_QUEUE', queuePosition: 3 }],
      [15, { state: 'IN_QUEUE', queuePosition: 3 }],
      [20, { state: 'IN_QUEUE', queuePosition: 2 }],
      [25, { state: 'IN_QUEUE', queuePosition: 2 }],
    ]);
    assert.deepEqual(queued.queue, {
      enteredAt: 10,
      firstPosition: 3,
      lastPosition: 2,
      positionChangedAt: 20,
      positionChanges: 1,
    });
    const started = run(queued, [[30, { state: 'IN_PROGRESS' }]]);
    assert.equal(started.queue?.leftAt, 30);
    assert.equal(started.queue?.lastPosition, 2, 'the last position is kept for the diagnosis');
    const again = run(started, [[40, { state: 'IN_QUEUE', queuePosition: 0 }]]);
    assert.deepEqual(again.queue, {
      enteredAt: 40,
      firstPosition: 0,
      lastPosition: 0,
      positionChangedAt: 40,
      positionChanges: 0,
    });
  });
});
