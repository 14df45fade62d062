// The realtime session's options check, shared by the page and the host.
import * as assert from 'node:assert/strict';
import { checkRealtimeOptions } from '../../src/common/realtimeOptions';

describe('realtime session options', () => {
  it('takes the server default or 1 to 60 inputs, and a throttle of 0 to 60000 whole milliseconds', () => {
    assert.equal(checkRealtimeOptions({ throttleMs: 0 }), undefined);
    assert.equal(checkRealtimeOptions({ maxBuffering: 1, throttleMs: 60_000 }), undefined);
    assert.equal(checkRealtimeOptions({ maxBuffering: 60, throttleMs: 250 }), undefined);
    assert.match(
      checkRealtimeOptions({ maxBuffering: 0, throttleMs: 0 }) ?? '',
      /Max buffering .* from 1 to 60/,
    );
    assert.match(checkRealtimeOptions({ maxBuffering: 2.5, throttleMs: 0 }) ?? '', /Max buffering/);
    assert.match(checkRealtimeOptions({ throttleMs: -1 }) ?? '', /Throttle .* 0 to 60000/);
    assert.match(checkRealtimeOptions({ throttleMs: Number.NaN }) ?? '', /Throttle/);
  });
});
