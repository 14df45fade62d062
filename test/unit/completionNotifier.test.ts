// The CompletionNotifier tells of the requests nobody watches: one message when a submitted request
// completes, one when it fails, none for a run (which ends in front of the user). Real runner, store
// and sandbox; the messages go to a list instead of VS Code.
import * as assert from 'node:assert/strict';
import type { Message, Messages } from '../../src/common/messages';
import { CompletionNotifier } from '../../src/requests/completionNotifier';
import { RequestRunner } from '../../src/requests/requestRunner';
import { LogLines, newStore, SandboxConnections } from './runner-harness';
import { useSandbox } from './sandbox-helpers';

class MessageList implements Messages {
  readonly shown: Message[] = [];
  show(message: Message): void {
    this.shown.push(message);
  }
}

describe('completion notifier', () => {
  const sandbox = useSandbox();

  it('shows one message when a submit completes, one when one fails, none for a run', async () => {
    const store = newStore();
    const messages = new MessageList();
    const notifier = new CompletionNotifier(store, messages);
    const runner = new RequestRunner(store, new SandboxConnections(() => sandbox.url), new LogLines());
    try {
      const completed = await (
        await runner.start({ endpointId: 'sandbox/echo', method: 'submit', input: { hello: 1 } })
      ).done;
      assert.equal(completed.state, 'COMPLETED');
      assert.equal(messages.shown.length, 1);
      assert.equal(messages.shown[0].level, 'info');
      assert.match(messages.shown[0].text, /^sandbox\/echo completed in \d+\.\d\d s\.$/);
      assert.deepEqual(messages.shown[0].actions?.[0].args, [completed.id]);

      const failed = await (
        await runner.start({
          endpointId: 'sandbox/image',
          method: 'submit',
          input: { prompt: 'x', num_images: 9 },
        })
      ).done;
      assert.equal(failed.state, 'FAILED');
      assert.equal(messages.shown.length, 2);
      assert.equal(messages.shown[1].level, 'error');
      assert.match(messages.shown[1].text, /^sandbox\/image: The input did not validate/);

      const ran = await (await runner.start({ endpointId: 'sandbox/echo', method: 'run', input: {} })).done;
      assert.equal(ran.state, 'COMPLETED');
      assert.equal(messages.shown.length, 2, 'a run says nothing here');
    } finally {
      runner.dispose();
      notifier.dispose();
    }
  });
});
