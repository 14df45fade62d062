// The "fal" output channel under a burst, in a real VS Code: a stream of 10,000 events (sandbox/echo
// streams one event per key of its input, then the whole input) reaches the channel's log file on
// disk, every line in order, in batches (a few appends a second, not one per event) while the channel
// is shown (VS Code then re-reads the file after every append), and the extension host's event loop
// is never blocked long. With `fal.output.events` "summary" the events are one count on the call's
// last line; with "none" the log says nothing about them.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import {
  activateExtension,
  channelLogFile,
  falConfig,
  keys,
  recordOutput,
  resetFalSettings,
} from './extensionApi';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The lines of the log file written after a fresh marker while `body` runs, once the file holds a
 * line matching `last` (its writes are asynchronous).
 */
async function logLinesOf(file: string, api: FalPlaygroundApi, body: () => Promise<void>, last: RegExp) {
  const marker = `from here ${randomUUID()}`;
  api.output.info(marker);
  await body();
  for (let i = 0; i < 200; i++) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.slice(text.indexOf(marker) + marker.length).split('\n');
    if (text.includes(marker) && lines.some((l) => last.test(l))) return lines;
    await sleep(100);
  }
  throw new Error(`the log file never got a line like ${last}`);
}

/** The numbers of the stream event lines (`sandbox/echo event N: …`) among `lines`, in their order. */
const eventNumbers = (lines: readonly string[]) =>
  lines.flatMap((l) => {
    const m = /(?:^|\] )sandbox\/echo event (\d+): /.exec(l);
    return m ? [Number(m[1])] : [];
  });

describe('output channel', function () {
  this.timeout(120_000);
  let api: FalPlaygroundApi;
  let file: string;

  before(async () => {
    api = await activateExtension();
    file = await channelLogFile(api);
  });

  afterEach(async () => {
    await falConfig().update('output.events', undefined, vscode.ConfigurationTarget.Global);
    await resetFalSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const stream = (n: number) =>
    vscode.commands.executeCommand<RequestRecord | undefined>('fal.stream', {
      endpointId: 'sandbox/echo',
      input: keys(n),
    });

  it('10,000 stream events reach the log file, every line in order, in batches, the host never blocked long', async () => {
    api.output.show(true);
    // The event loop's delay while the events come: from the record's first change to its end.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const burst = api.store.onDidChange((r) => {
      if (r?.method !== 'stream' || r.endpointId !== 'sandbox/echo') return;
      if (r.state === 'IN_PROGRESS') delay.enable();
      else delay.disable();
    });
    // Each call of the channel's info is one append to its file.
    const appends: string[] = [];
    const channel = api.output as unknown as { info: (message: string) => void };
    const info = channel.info;
    channel.info = (message: string) => {
      appends.push(message);
      info.call(api.output, message);
    };
    let record: RequestRecord | undefined;
    let lines: string[];
    try {
      lines = await logLinesOf(
        file,
        api,
        async () => void (record = await stream(9_999)),
        /sandbox\/echo: completed in .* · 10,000 events$/,
      );
    } finally {
      channel.info = info;
      burst.dispose();
      delay.disable();
    }
    assert.equal(record?.state, 'COMPLETED', JSON.stringify(record?.error));
    const numbers = eventNumbers(lines);
    assert.equal(numbers.length, 10_000, 'every event has its line');
    assert.ok(
      numbers.every((n, i) => n === i + 1),
      'in order',
    );
    const eventAppends = appends.filter((a) => /^sandbox\/echo event \d+: /.test(a)).length;
    assert.ok(eventAppends < 1000, `${eventAppends} appends for 10,000 events`);
    // Generous: the machine is shared (seen here: 0.6 s at most, under load).
    const maxMs = delay.max / 1e6;
    assert.ok(maxMs < 5000, `the extension host's event loop was blocked for ${maxMs.toFixed(0)} ms`);
  });

  it('"summary": no event lines, one line with their count and the duration', async () => {
    await falConfig().update('output.events', 'summary', vscode.ConfigurationTarget.Global);
    const lines = await logLinesOf(file, api, async () => void (await stream(499)), /completed in/);
    assert.deepEqual(eventNumbers(lines), []);
    const about = lines.filter((l) => /\b500 events\b/.test(l));
    assert.equal(about.length, 1, lines.join('\n'));
    assert.match(about[0], /sandbox\/echo: completed in \d+\.\d\d s · 500 events$/);
  });

  it('"none": nothing about the events', async () => {
    await falConfig().update('output.events', 'none', vscode.ConfigurationTarget.Global);
    const lines = await logLinesOf(file, api, async () => void (await stream(499)), /completed in/);
    assert.deepEqual(eventNumbers(lines), []);
    assert.ok(!lines.some((l) => /\bevents?\b/.test(l)), lines.join('\n'));
    assert.ok(
      lines.some((l) => /sandbox\/echo: completed in \d+\.\d\d s$/.test(l)),
      lines.join('\n'),
    );
  });

  it('recordOutput sees the batched lines one by one', async () => {
    const lines = await recordOutput(api, async () => void (await stream(9)));
    assert.deepEqual(
      eventNumbers(lines),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });
});
