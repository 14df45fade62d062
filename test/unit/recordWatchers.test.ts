// Who watches a record: counted per watcher, so the playground letting go leaves a progress
// notification still watching, and disposing twice counts once.
import * as assert from 'node:assert/strict';
import { RecordWatchers } from '../../src/requests/recordWatchers';

describe('record watchers', () => {
  it('a record is watched until its last watcher lets go', () => {
    const watchers = new RecordWatchers();
    assert.equal(watchers.isWatched('a'), false);
    const playground = watchers.watch('a');
    const progress = watchers.watch('a');
    playground.dispose();
    playground.dispose();
    assert.equal(watchers.isWatched('a'), true, 'the progress still watches');
    assert.equal(watchers.isWatched('b'), false);
    progress.dispose();
    assert.equal(watchers.isWatched('a'), false);
  });
});
