// The batching log in front of the "fal" channel: every line reaches the channel, in order, as one
// append per run of one level, at most every interval (or at once on flush, an error, dispose).
import * as assert from 'node:assert/strict';
import { BatchedLog } from '../../src/common/batchedLog';
import { LogLines } from './runner-harness';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('batched log', () => {
  it('hands 10,000 lines on in one append, in order, none dropped', async () => {
    const target = new LogLines();
    const log = new BatchedLog(target, 30);
    for (let i = 1; i <= 10_000; i++) log.info(`event ${i}`);
    assert.equal(target.lines.length, 0, 'nothing written before the interval');
    await wait(80);
    assert.equal(target.lines.length, 1, 'one append');
    const lines = target.lines[0].replace(/^info /, '').split('\n');
    assert.deepEqual(
      lines,
      Array.from({ length: 10_000 }, (_, i) => `event ${i + 1}`),
    );
  });

  it('keeps the order across levels, one append per run of a level; an error is written at once', () => {
    const target = new LogLines();
    const log = new BatchedLog(target, 10_000);
    log.info('a');
    log.info('b');
    log.warn('c');
    log.debug('d');
    log.info('e');
    assert.equal(target.lines.length, 0);
    log.error('f');
    assert.deepEqual(target.lines, ['info a\nb', 'warn c', 'debug d', 'info e', 'error f']);
    log.info('g');
    log.dispose();
    assert.deepEqual(target.lines.slice(5), ['info g'], 'dispose writes what is left');
  });

  it('writes a line that keeps coming within one interval, never later', async () => {
    const target = new LogLines();
    const log = new BatchedLog(target, 40);
    // A steady writer (a line every 5 ms, 60 lines): the first batch is written while it still
    // writes, not once it stops (a debounce would wait for a pause that never comes).
    let written = 0;
    let appendsWhileWriting = 0;
    await new Promise<void>((resolve) => {
      const writer = setInterval(() => {
        log.info(`line ${++written}`);
        appendsWhileWriting = target.lines.length;
        if (written === 60) {
          clearInterval(writer);
          resolve();
        }
      }, 5);
    });
    log.flush();
    const all = target.lines.flatMap((l) => l.replace(/^info /, '').split('\n'));
    assert.equal(all.length, 60);
    assert.ok(appendsWhileWriting > 0, 'a batch was written while lines kept coming');
    // Still written in batches: far fewer appends than lines.
    assert.ok(target.lines.length < all.length / 2, `${target.lines.length} appends for ${all.length} lines`);
  });
});
