// The realtime session keeps its frames' contents within a budget: the newest in full, the oldest
// beyond it by size, time and pairing only, shown as "not kept here".
import * as assert from 'node:assert/strict';
import type { RealtimeFrameView } from '../../src/common/playgroundProtocol';
import { capFramePayloads, decodeFrameView } from '../../src/common/realtimeFrames';

const frame = (id: number, base64: string): RealtimeFrameView => ({
  id,
  direction: 'received',
  at: id,
  size: base64.length,
  base64,
  ordinal: id,
});

describe('realtime frame payloads kept within a budget', () => {
  it('keeps the newest contents, strips the oldest beyond the budget, and leaves the rest as they were', () => {
    const frames = [frame(1, 'A'.repeat(40)), frame(2, 'B'.repeat(40)), frame(3, 'C'.repeat(40))];
    const kept = capFramePayloads(frames, 100);
    assert.equal(kept[2], frames[2]);
    assert.equal(kept[1], frames[1]);
    assert.equal(kept[0].base64, undefined);
    assert.deepEqual(
      { id: kept[0].id, size: kept[0].size, ordinal: kept[0].ordinal, at: kept[0].at },
      { id: 1, size: 40, ordinal: 1, at: 1 },
    );
    assert.match(decodeFrameView(kept[0]).error ?? '', /40 bytes: not kept here/);
    // Once the budget is spent, every older frame goes by size, even a small one.
    const small = [frame(1, 'x'), frame(2, 'B'.repeat(90)), frame(3, 'C'.repeat(20))];
    const capped = capFramePayloads(small, 100);
    assert.equal(capped[0].base64, undefined);
    assert.equal(capped[1].base64, undefined);
    assert.equal(capped[2], small[2]);
    assert.deepEqual(capFramePayloads(frames, 1_000), frames);
  });
});
