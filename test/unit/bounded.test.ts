// Lists that must not grow without end (a request's log lines): the newest kept, the dropped counted.
import * as assert from 'node:assert/strict';
import { withNewest } from '../../src/common/bounded';

describe('bounded lists', () => {
  it('withNewest keeps the newest and counts the dropped, leaving its input alone', () => {
    const list = [1, 2];
    assert.deepEqual(withNewest(list, [3, 4, 5], 3), { items: [3, 4, 5], dropped: 2 });
    assert.deepEqual(withNewest(list, [3, 4, 5, 6, 7], 3), { items: [5, 6, 7], dropped: 4 });
    assert.deepEqual(withNewest(list, [], 3), { items: [1, 2], dropped: 0 });
    assert.deepEqual(list, [1, 2]);
  });
});
