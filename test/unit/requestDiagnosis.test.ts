// The Diagnose Request document: ids, the state history with times and durations, the headers sent
// with secrets redacted, the queue timing, the error and its hint, server text kept as indented
// plain text, and never the key.
import * as assert from 'node:assert/strict';
import type { RequestRecord } from '../../src/common/callModel';
import { FAL_HEADERS } from '../../src/common/falHeaders';
import { diagnoseRequest } from '../../src/common/requestDiagnosis';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

const failed: RequestRecord = {
  id: 'rec-1',
  endpointId: 'sandbox/slow',
  method: 'submit',
  input: { duration_ms: 1 },
  // As a record keeps them: redacted by the runner; one left unredacted to show the document redacts again.
  headers: { 'x-api-token': '<redacted>', 'x-custom': 'one', authorization: 'Key leaked-id:leaked-secret' },
  platform: { startTimeout: 30, priority: 'low' },
  webhookUrl: 'https://hooks.example.com/fal?token=hook-secret',
  target: { kind: 'sandbox', url: 'http://127.0.0.1:9' },
  createdAt: T0,
  updatedAt: T0 + 31_000,
  state: 'FAILED',
  requestId: 'fal-req-1',
  logs: [{ level: 'INFO', message: 'line one\nError\n-----', source: 'USER', timestamp: 't1' }],
  completedAt: T0 + 31_000,
  error: { message: 'Request timed out\n[click](command:x)', status: 504, hint: 'Raise the start timeout.' },
  history: [
    { state: 'SUBMITTING', at: T0 },
    { state: 'IN_QUEUE', at: T0 + 500 },
    { state: 'FAILED', at: T0 + 31_000 },
  ],
  queue: {
    enteredAt: T0 + 500,
    leftAt: T0 + 31_000,
    firstPosition: 3,
    lastPosition: 1,
    positionChangedAt: T0 + 20_000,
    positionChanges: 2,
  },
};

describe('diagnose request', () => {
  const text = diagnoseRequest(failed, {
    now: T0 + 60_000,
    extensionVersion: '0.1.0',
    vscodeVersion: '1.99.0',
  });

  it('names the call, its ids and versions', () => {
    for (const expected of [
      'sandbox/slow',
      'submit',
      'sandbox http://127.0.0.1:9',
      'rec-1',
      'fal-req-1',
      '0.1.0',
      '1.99.0',
    ])
      assert.ok(text.includes(expected), `${expected}:\n${text}`);
  });

  it('tells each state with its time and how long it lasted', () => {
    assert.match(text, /2026-12-01T12:00:00\.000Z {2}\+0\.000 s {2}SUBMITTING {2}for 0\.500 s/);
    assert.match(text, /2026-12-01T12:00:00\.500Z {2}\+0\.500 s {2}IN_QUEUE {4}for 30\.500 s/);
    assert.match(text, /2026-12-01T12:00:31\.000Z {2}\+31\.000 s {2}FAILED {6}final/);
  });

  it('lists the headers sent, secrets redacted, platform ones included', () => {
    assert.match(text, /x-api-token: <redacted>/);
    assert.match(text, /authorization: <redacted>/);
    assert.ok(!text.includes('leaked-secret'), text);
    // A webhook URL's query (often a token) is left out.
    assert.ok(text.includes('https://hooks.example.com/fal?<redacted>'), text);
    assert.ok(!text.includes('hook-secret'), text);
    assert.match(text, /x-custom: one/);
    assert.ok(text.includes(`${FAL_HEADERS.requestTimeout}: 30`), text);
    assert.ok(text.includes(`${FAL_HEADERS.queuePriority}: low`), text);
  });

  it('tells the queue timing, the error with its hint, and keeps server text indented', () => {
    assert.match(text, /Time in queue: 30 s \(30\.500 s\)/);
    assert.match(text, /Position: first 3, last 1, changed 2 times/);
    assert.match(text, /HTTP status: 504/);
    assert.match(text, /Hint:\n {4}Raise the start timeout\./);
    // Every line of server text is indented: none of it starts a line as a heading would.
    assert.match(text, /\n {4}\[click\]\(command:x\)\n/);
    assert.equal(text.match(/^Error\n-----$/gm)?.length, 1, 'a log line fakes the Error heading');
    assert.match(text, /\n {2}t1 INFO: line one\n {2}Error\n {2}-----\n/);
  });
});
