// The realtime throttle (throttleLatest, src/fal/realtime.ts): the first value goes at once, then only
// the latest of each interval (the ones it replaced are told to onSkip), and cancel hands back the value
// it held, so the realtime session can say that send was skipped instead of leaving it waiting.
import * as assert from 'node:assert/strict';
import { throttleLatest } from '../../src/fal/realtime';

describe('realtime throttle (throttleLatest)', () => {
  it('sends the first at once, then the latest of the interval; the replaced ones are skipped', async () => {
    const sent: number[] = [];
    const skipped: number[] = [];
    const throttle = throttleLatest<number>(
      (v) => sent.push(v),
      40,
      (v) => skipped.push(v),
    );
    throttle.call(1);
    throttle.call(2);
    throttle.call(3);
    assert.deepEqual(sent, [1]);
    assert.deepEqual(skipped, [2]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(sent, [1, 3]);
  });

  it('cancel drops the value it held and returns it; nothing is sent later', async () => {
    const sent: number[] = [];
    const throttle = throttleLatest<number>((v) => sent.push(v), 40);
    throttle.call(1);
    throttle.call(2);
    assert.equal(throttle.cancel(), 2);
    assert.equal(throttle.cancel(), undefined);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(sent, [1]);
  });
});
