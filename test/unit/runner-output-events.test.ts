// What the log says of a call's stream events and realtime frames, by `fal.output.events`: every one
// in order (all), only their count on the call's last line (summary), nothing about them (none;
// failures still logged). Real runner, store and sandbox over loopback; sandbox/echo streams one event
// per key of its input, then the whole input.
import * as assert from 'node:assert/strict';
import type { OutputEvents } from '../../src/requests/callEventLog';
import { RequestRunner } from '../../src/requests/requestRunner';
import { LogLines, newStore, SandboxConnections } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

/** An input with `keys` keys: sandbox/echo streams `keys + 1` events for it. */
const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i + 1}`, i + 1]));

describe('runner: stream events and realtime frames in the log', () => {
  const sandbox = useSandbox();
  let mode: OutputEvents;
  let log: LogLines;
  let runner: RequestRunner;

  beforeEach(() => {
    mode = 'all';
    log = new LogLines();
    runner = new RequestRunner(newStore(), new SandboxConnections(() => sandbox.url), log, {
      outputEvents: () => mode,
    });
  });
  afterEach(() => runner.dispose());

  const stream = async (input: Record<string, unknown>, headers?: Record<string, string>) =>
    (await runner.start({ endpointId: 'sandbox/echo', method: 'stream', input, headers })).done;
  const eventLines = () => log.lines.filter((l) => /^info sandbox\/echo event \d+: /.test(l));

  it('all: a line for each event, in order, and their count on the last line', async () => {
    const done = await stream(keys(999));
    assert.equal(done.state, 'COMPLETED', JSON.stringify(done.error));
    const numbers = eventLines().map((l) => Number(/event (\d+):/.exec(l)?.[1]));
    assert.deepEqual(
      numbers,
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    assert.equal(eventLines()[0], 'info sandbox/echo event 1: {"k1":1}');
    assert.match(log.lines.at(-1) ?? '', /^info sandbox\/echo: completed in \d+\.\d\d s · 1,000 events$/);
  });

  it('summary: no event lines, one line with their count and the duration', async () => {
    mode = 'summary';
    await stream(keys(499));
    assert.deepEqual(eventLines(), []);
    const about = log.lines.filter((l) => l.includes('500 events'));
    assert.equal(about.length, 1, log.lines.join('\n'));
    assert.match(about[0], /completed in \d+\.\d\d s · 500 events$/);
  });

  it('none: nothing about events, but a failure is still logged', async () => {
    mode = 'none';
    await stream(keys(99));
    assert.deepEqual(eventLines(), []);
    assert.ok(!log.lines.some((l) => / events?\b/.test(l) && l.includes('·')), log.lines.join('\n'));
    assert.ok(log.lines.some((l) => /completed in \d+\.\d\d s$/.test(l)));

    const failed = await stream(keys(20), { 'x-sandbox-fault': 'stream-cut:5' });
    assert.equal(failed.state, 'FAILED');
    assert.deepEqual(eventLines(), []);
    assert.equal(
      log.lines.filter((l) => l.startsWith('error sandbox/echo: failed: ')).length,
      1,
      log.lines.join('\n'),
    );
  });

  it('a realtime call tells its frame sent and its frame received', async () => {
    const done = await (
      await runner.start({ endpointId: 'sandbox/echo', method: 'realtime', input: { n: 'one' } })
    ).done;
    assert.equal(done.state, 'COMPLETED', JSON.stringify(done.error));
    assert.ok(log.lines.includes('info sandbox/echo frame sent 1: {"n":"one"}'), log.lines.join('\n'));
    assert.ok(
      log.lines.includes('info sandbox/echo frame received 1: {"n":"one","seq":1}'),
      log.lines.join('\n'),
    );
    assert.match(log.lines.at(-1) ?? '', /completed in .* · 1 frame sent, 1 frame received$/);
  });
});
