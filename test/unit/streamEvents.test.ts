// The playground host's stream events: the newest kept, each sent to the page once, all of them
// again after the page reloads, and none of a previous call.
import * as assert from 'node:assert/strict';
import { MAX_EVENT_CHARS } from '../../src/common/eventText';
import { StreamEvents } from '../../src/common/streamEvents';

describe('StreamEvents (playground host)', () => {
  it('sends each event once: a take after no new event sends nothing', () => {
    const events = new StreamEvents(5);
    events.add(1);
    events.add(2);
    assert.deepEqual(events.take(), { events: ['1', '2'], from: 0, count: 2 });
    assert.deepEqual(events.take(), { events: [], from: 2, count: 2 });
    events.add(3);
    assert.deepEqual(events.take(), { events: ['3'], from: 2, count: 3 });
  });

  it('keeps the newest only, and sends what it holds after a page reload or a gap', () => {
    const events = new StreamEvents(3);
    for (let i = 1; i <= 10; i++) events.add(i);
    assert.deepEqual(events.take(), { events: ['8', '9', '10'], from: 7, count: 10 });
    events.add(11);
    events.pageReloaded();
    assert.deepEqual(events.take(), { events: ['9', '10', '11'], from: 8, count: 11 });
    events.clear();
    assert.deepEqual(events.take(), { events: [], from: 0, count: 0 });
  });

  it('sends each event as its JSON text, a long one cut with its length said', () => {
    const events = new StreamEvents(5);
    const whole = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    events.add({ t: 'a' });
    events.add(whole);
    const [small, big] = events.take().events;
    assert.equal(small, '{"t":"a"}');
    const json = JSON.stringify(whole);
    assert.equal(big, `${json.slice(0, MAX_EVENT_CHARS)}… (${json.length} characters)`);
  });

  it('keeps the newest 1,000 of 100,000 events, sent in order', () => {
    const events = new StreamEvents();
    for (let i = 0; i < 100_000; i++) {
      events.add({ partial: i });
      if (i % 100 === 0) events.take();
    }
    const last = events.take();
    assert.equal(last.count, 100_000);
    // The last take was after event 99,900: this one sends the 99 after it.
    assert.equal(last.from, 99_901);
    assert.deepEqual(
      last.events,
      Array.from({ length: 99 }, (_, i) => `{"partial":${99_901 + i}}`),
    );
    events.pageReloaded();
    const all = events.take();
    assert.equal(all.from, 99_000);
    assert.deepEqual(
      all.events,
      Array.from({ length: 1000 }, (_, i) => `{"partial":${99_000 + i}}`),
    );
  });
});
