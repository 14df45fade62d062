// The Requests view's filter (src/common/requestFilter.ts): endpoint, state and words of text over
// ids, endpoint, input and output; the text searched is bounded; 10,000 records stay cheap; the
// filter given to the command is checked with words saying what is wrong.
import * as assert from 'node:assert/strict';
import type { RequestRecord, RequestState } from '../../src/common/callModel';
import {
  describeFilter,
  endpointCounts,
  parseFilter,
  RequestMatcher,
  SEARCH_CHARS,
  searchableText,
} from '../../src/common/requestFilter';

let n = 0;
function record(patch: Partial<RequestRecord> & { state?: RequestState } = {}): RequestRecord {
  n++;
  return {
    id: `rec-${n}`,
    endpointId: 'sandbox/echo',
    method: 'run',
    input: {},
    target: { kind: 'sandbox', url: 'http://127.0.0.1:1' },
    createdAt: n,
    updatedAt: n,
    state: 'COMPLETED',
    logs: [],
    ...patch,
  };
}

const ids = (records: RequestRecord[], matcher: RequestMatcher) =>
  records.filter((r) => matcher.matches(r)).map((r) => r.id);

describe('requestFilter', () => {
  it('keeps records by endpoint, by state, and by both', () => {
    const a = record({ endpointId: 'sandbox/image', state: 'COMPLETED' });
    const b = record({ endpointId: 'sandbox/image', state: 'FAILED' });
    const c = record({ endpointId: 'sandbox/echo', state: 'IN_QUEUE' });
    const d = record({ endpointId: 'sandbox/echo', state: 'SUBMITTING' });
    const e = record({ endpointId: 'sandbox/echo', state: 'CANCELLED' });
    const all = [a, b, c, d, e];
    assert.deepEqual(ids(all, new RequestMatcher({ endpoint: 'sandbox/image' })), [a.id, b.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ state: 'running' })), [c.id, d.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ state: 'queued' })), [c.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ state: 'failed' })), [b.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ state: 'cancelled' })), [e.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ endpoint: 'sandbox/echo', state: 'cancelled' })), [e.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ endpoint: 'sandbox/echo', state: 'completed' })), []);
  });

  it('finds every word of the text, in any case, in ids, endpoint, input, output and error', () => {
    const fox = record({ input: { prompt: 'A Red Fox' }, output: { images: [{ url: 'http://x/fox.png' }] } });
    const cat = record({ input: { prompt: 'a cat' }, requestId: 'fal-req-42', output: { text: 'meow' } });
    const failed = record({
      state: 'FAILED',
      error: { message: 'Boom happened', errorType: 'runner_disconnected' },
    });
    const all = [fox, cat, failed];
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'red fox' })), [fox.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'FOX.PNG' })), [fox.id], 'output text');
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'prompt' })), [fox.id, cat.id], 'keys too');
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'fal-req-42' })), [cat.id], "fal's request id");
    assert.deepEqual(ids(all, new RequestMatcher({ text: cat.id })), [cat.id], 'the record id');
    assert.deepEqual(
      ids(all, new RequestMatcher({ text: 'meow cat' })),
      [cat.id],
      'words from input and output',
    );
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'red cat' })), [], 'every word must appear');
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'runner_disconnected' })), [failed.id]);
    assert.deepEqual(ids(all, new RequestMatcher({ text: 'sandbox/echo', state: 'failed' })), [failed.id]);
  });

  it('sees a record that changed (a new updatedAt) with its new text', () => {
    const r = record({ state: 'IN_PROGRESS' });
    const matcher = new RequestMatcher({ text: 'sunrise' });
    assert.equal(matcher.matches(r), false);
    r.output = { caption: 'a sunrise' };
    r.updatedAt++;
    assert.equal(matcher.matches(r), true);
  });

  it('searches a bounded text: past SEARCH_CHARS of an output, nothing is read', () => {
    const big = { first: 'x'.repeat(SEARCH_CHARS * 10), needle: 'late-word' };
    const text = searchableText(big);
    assert.ok(text.length <= SEARCH_CHARS, `${text.length}`);
    assert.ok(!text.includes('late-word'));
    assert.equal(new RequestMatcher({ text: 'late-word' }).matches(record({ output: big })), false);
    assert.equal(searchableText({ a: [1, 'two', { b: true }] }), 'a\n1\ntwo\nb\ntrue');
    // A record whose output lives in its own file is not read: only what is in memory.
    assert.equal(new RequestMatcher({ text: 'anything' }).matches(record({ outputFile: 'x.json' })), false);
  });

  it('filters 10,000 records with big outputs quickly, and a second pass from its cache', () => {
    const records = Array.from({ length: 10_000 }, (_, i) =>
      record({
        endpointId: i % 3 === 0 ? 'sandbox/image' : 'sandbox/echo',
        input: { prompt: i % 100 === 7 ? `a red fox ${i}` : `a cat ${i}` },
        output: { images: [{ url: `http://x/${i}.png` }], blob: 'y'.repeat(5_000) },
      }),
    );
    const matcher = new RequestMatcher({ endpoint: 'sandbox/image', text: 'red fox' });
    const first = Date.now();
    const kept = records.filter((r) => matcher.matches(r));
    const firstMs = Date.now() - first;
    const again = Date.now();
    assert.equal(records.filter((r) => matcher.matches(r)).length, kept.length);
    const againMs = Date.now() - again;
    assert.deepEqual(
      kept.map((r) => r.input),
      records.filter((_, i) => i % 3 === 0 && i % 100 === 7).map((r) => r.input),
    );
    assert.equal(kept.length, 33);
    // Generous bounds (a shared 2-core machine under load); typically tens of ms and a few ms.
    assert.ok(firstMs < 5000, `first pass took ${firstMs} ms`);
    assert.ok(againMs < 500, `a cached pass took ${againMs} ms`);
  });

  it('checks a filter given to the command and says what is wrong', () => {
    assert.deepEqual(parseFilter({ endpoint: ' sandbox/echo ', state: 'failed', text: '  fox ' }), {
      endpoint: 'sandbox/echo',
      state: 'failed',
      text: 'fox',
    });
    assert.deepEqual(parseFilter({ text: '   ' }), {});
    assert.throws(
      () => parseFilter({ state: 'done' }),
      /"state" must be one of running, queued, completed, failed, cancelled, not "done"/,
    );
    assert.throws(() => parseFilter({ endpoint: 3 }), /"endpoint" must be a string/);
    assert.throws(() => parseFilter('fox'), /is an object/);
  });

  it('words the filter, and counts the endpoints for the picker', () => {
    assert.equal(
      describeFilter({ endpoint: 'sandbox/echo', state: 'completed', text: 'red fox' }),
      'sandbox/echo · completed · "red fox"',
    );
    const all = [record({ endpointId: 'b' }), record({ endpointId: 'a' }), record({ endpointId: 'b' })];
    assert.deepEqual(endpointCounts(all), [
      { endpoint: 'b', count: 2 },
      { endpoint: 'a', count: 1 },
    ]);
  });
});
