// The CompletionNotifier tells of the calls nobody watches: one message when such a call completes
// (with Open Output), one when it fails; nothing for a call its watcher (the playground, a progress
// notification) sees end; `fal.notifications` errors: failures only, none: nothing. Real runner, store
// and sandbox; the messages go to a list instead of VS Code.
import * as assert from 'node:assert/strict';
import type { CallSpec } from '../../src/common/callModel';
import type { Message, Messages } from '../../src/common/messages';
import { CompletionNotifier, type Notifications } from '../../src/requests/completionNotifier';
import { RecordWatchers } from '../../src/requests/recordWatchers';
import { RequestRunner } from '../../src/requests/requestRunner';
import { LogLines, newStore, SandboxConnections } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

class MessageList implements Messages {
  readonly shown: Message[] = [];
  show(message: Message): void {
    this.shown.push(message);
  }
}

const ok: CallSpec = { endpointId: 'sandbox/echo', method: 'submit', input: { hello: 1 } };
const bad: CallSpec = {
  endpointId: 'sandbox/image',
  method: 'submit',
  input: { prompt: 'x', num_images: 9 },
};

describe('completion notifier', () => {
  const sandbox = useSandbox();
  let messages: MessageList;
  let watchers: RecordWatchers;
  let setting: Notifications;
  let notifier: CompletionNotifier;
  let runner: RequestRunner;

  beforeEach(() => {
    const store = newStore();
    messages = new MessageList();
    watchers = new RecordWatchers();
    setting = 'all';
    notifier = new CompletionNotifier(store, messages, { watchers, setting: () => setting });
    runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
  });

  afterEach(() => {
    runner.dispose();
    notifier.dispose();
  });

  /** Makes the call, watched from its first moment when `watched`, and waits for its end. */
  const make = async (call: CallSpec, watched = false) => {
    const started = await runner.start(call, {
      onRecord: (record) => watched && watchers.watch(record.id),
    });
    return started.done;
  };

  it('tells of a call nobody watches: its completion with Open Output, its failure with what to do', async () => {
    const completed = await make(ok);
    assert.equal(completed.state, 'COMPLETED');
    assert.equal(messages.shown.length, 1);
    assert.equal(messages.shown[0].level, 'info');
    assert.match(messages.shown[0].text, /^sandbox\/echo completed in \d+\.\d\d s\.$/);
    assert.deepEqual(messages.shown[0].actions, [
      { title: 'Open Output', command: 'fal.openResult', args: [completed.id] },
    ]);

    const failed = await make(bad);
    assert.equal(failed.state, 'FAILED');
    assert.equal(messages.shown.length, 2);
    assert.equal(messages.shown[1].level, 'error');
    assert.match(messages.shown[1].text, /^sandbox\/image: The input did not validate/);

    const ran = await make({ ...ok, method: 'run' });
    assert.equal(ran.state, 'COMPLETED');
    assert.equal(messages.shown.length, 3, 'any method: a run nobody watches is told of too');
  });

  it('says nothing of a call watched to its end, whether it completes or fails', async () => {
    assert.equal((await make(ok, true)).state, 'COMPLETED');
    assert.equal((await make(bad, true)).state, 'FAILED');
    assert.equal((await make({ ...ok, method: 'run' }, true)).state, 'COMPLETED');
    assert.deepEqual(messages.shown, []);
  });

  it('tells of a call whose watcher let go before its end (the playground was closed)', async () => {
    let watching: { dispose(): void } | undefined;
    const started = await runner.start(
      { ...ok, input: { hello: 1, delay_ms: 0 } },
      {
        onRecord: (record) => {
          watching = watchers.watch(record.id);
        },
      },
    );
    watching?.dispose();
    assert.equal((await started.done).state, 'COMPLETED');
    assert.equal(messages.shown.length, 1);
  });

  it('with fal.notifications "errors", only failures; with "none", nothing', async () => {
    setting = 'errors';
    assert.equal((await make(ok)).state, 'COMPLETED');
    assert.equal(messages.shown.length, 0, 'no completion');
    const failed = await make(bad);
    assert.equal(messages.shown.length, 1);
    assert.equal(messages.shown[0].level, 'error');

    setting = 'none';
    await make(ok);
    await make(bad);
    notifier.showFailure(failed);
    assert.equal(messages.shown.length, 1, 'nothing more, not even a failure');
  });
});
