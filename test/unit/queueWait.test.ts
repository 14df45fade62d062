// Why a queued request has not started, in words (describeQueueWait), at fixed clocks: its time in
// the queue, whether its position moves, and the time left before its start timeout fails it.
import * as assert from 'node:assert/strict';
import { describeQueueWait, formatSpan, type QueueWaitFacts } from '../../src/common/recordText';

const T0 = 1_000_000;

function queued(extra: Partial<QueueWaitFacts> = {}): QueueWaitFacts {
  return {
    state: 'IN_QUEUE',
    createdAt: T0,
    queuePosition: 3,
    queue: {
      enteredAt: T0 + 1000,
      firstPosition: 3,
      lastPosition: 3,
      positionChangedAt: T0 + 1000,
      positionChanges: 0,
    },
    ...extra,
  };
}

describe('queue wait wording', () => {
  it('says spans as people do', () => {
    assert.equal(formatSpan(0), '0 s');
    assert.equal(formatSpan(40_900), '40 s');
    assert.equal(formatSpan(125_000), '2 m 05 s');
    assert.equal(formatSpan(3_720_000), '1 h 02 m');
    assert.equal(formatSpan(-5), '0 s');
  });

  it('tells the time in queue and a position that has not moved', () => {
    assert.equal(describeQueueWait(queued(), T0 + 41_000), 'queued 40 s · position 3, unchanged for 40 s');
  });

  it('tells a position that just moved, and from where', () => {
    const facts = queued({
      queuePosition: 1,
      queue: {
        enteredAt: T0,
        firstPosition: 3,
        lastPosition: 1,
        positionChangedAt: T0 + 20_000,
        positionChanges: 2,
      },
    });
    assert.equal(describeQueueWait(facts, T0 + 25_000), 'queued 25 s · position 1, moving (from 3)');
    assert.equal(describeQueueWait(facts, T0 + 65_000), 'queued 1 m 05 s · position 1, unchanged for 45 s');
  });

  it('with a start timeout, tells the time left, then that it has passed', () => {
    const facts = queued({ platform: { startTimeout: 30 } });
    assert.equal(
      describeQueueWait(facts, T0 + 5_000),
      'queued 4 s · position 3, unchanged for 4 s · starts within 25 s or fails',
    );
    assert.match(describeQueueWait(facts, T0 + 31_000) ?? '', / · start timeout passed, fails soon$/);
  });

  it('says nothing of a request that is not queued, and little of one with no timing yet', () => {
    assert.equal(describeQueueWait(queued({ state: 'IN_PROGRESS' }), T0), undefined);
    assert.equal(describeQueueWait({ state: 'IN_QUEUE', createdAt: T0 }, T0 + 5000), 'queued');
  });
});
