// The playground's realtime session in a real VS Code, against the embedded sandbox: "fal: Open
// Realtime Session…" opens the playground in realtime mode, connected; three sends on its one
// connection where the second is cancelled after its input went out and before its output could
// come (sandbox/echo's `delay_ms` keeps the server busy with the first), so its output comes late
// and is dropped, and the first and third get their own outputs, paired by order. Each send is a
// record. The session lives on while another editor is in front, and closes with the panel.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PlaygroundForm, RealtimeSendView } from '../../src/common/playgroundProtocol';
import type { PlaygroundPanel } from '../../src/playground/playgroundPanel';
import { activateExtension, eventually as until } from './extensionApi';

describe('realtime session', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const openSession = async (): Promise<PlaygroundPanel> => {
    const panel = await vscode.commands.executeCommand<PlaygroundPanel | undefined>('fal.realtime', {
      endpointId: 'sandbox/echo',
    });
    assert.ok(panel, 'fal.realtime opens the playground');
    await until(() => panel.realtime.snapshot.state === 'connected', 'the session to connect');
    return panel;
  };
  const sendInput = (panel: PlaygroundPanel, input: unknown) => {
    const form: PlaygroundForm = { ...panel.form!, inputText: JSON.stringify(input) };
    assert.equal(panel.realtime.send(form), undefined);
  };
  const send = (panel: PlaygroundPanel, id: number): RealtimeSendView | undefined =>
    panel.realtime.snapshot.sends.find((s) => s.id === id);

  it('"fal: Open Realtime Session…" opens the playground in realtime mode on the endpoint, connected', async () => {
    const panel = await openSession();
    assert.equal(panel.form?.method, 'realtime');
    assert.equal(panel.form?.endpointId, 'sandbox/echo');
    const { events, endpointId } = panel.realtime.snapshot;
    assert.equal(endpointId, 'sandbox/echo');
    assert.deepEqual(
      events.map((e) => e.text),
      ['connecting to sandbox/echo', 'token fetched (lives 120 s)', 'connected to sandbox/echo'],
    );
  });

  it('three sends where cancelling one (its output forced late) leaves the other two answered', async () => {
    const api = await activateExtension();
    const panel = await openSession();
    const ids = new Set(panel.realtime.snapshot.sends.map((s) => s.id));
    const next = Math.max(0, ...ids) + 1;
    const [first, second, third] = [next, next + 1, next + 2];
    sendInput(panel, { n: 1, delay_ms: 600 });
    sendInput(panel, { n: 2 });
    sendInput(panel, { n: 3 });
    // The second send's input is on the socket, and nothing has come back: the server is busy with
    // the first for 600 ms, and answers in order, so the second's output is still to come.
    await until(() => send(panel, second)?.state === 'sent', 'the second input to go out');
    assert.equal(
      panel.realtime.snapshot.frames.filter((f) => f.direction === 'received').length,
      0,
      'no output has come yet: the cancel is before the output, not after',
    );
    await panel.realtime.cancel(second);
    await until(
      () => send(panel, first)?.state === 'answered' && send(panel, third)?.state === 'answered',
      'the first and third outputs',
    );
    const snapshot = panel.realtime.snapshot;
    const [one, two, three] = [first, second, third].map((id) => send(panel, id)!);
    assert.equal(two.state, 'cancelled');
    assert.deepEqual(one.output, { n: 1, delay_ms: 600, seq: 1 });
    assert.deepEqual(three.output, { n: 3, seq: 3 }, "the third gets its own output, not the second's");
    assert.ok(one.latencyMs !== undefined && one.latencyMs >= 550, `latency ${one.latencyMs}`);
    assert.ok(three.latencyMs !== undefined && three.size !== undefined && three.size > 0);
    const received = snapshot.frames.filter((f) => f.direction === 'received');
    assert.deepEqual(
      received.map((f) => [f.ordinal, f.dropped ?? false]),
      [
        [1, false],
        [2, true],
        [3, false],
      ],
      "the second's output did come, after its cancel, and was dropped",
    );
    assert.ok(snapshot.events.some((e) => e.kind === 'drop' && e.text.includes(`#${second}`)));
    // Each send is a record in the Requests view, with what happened to it.
    const records = [one, two, three].map((s) => api.store.get(s.recordId!)!);
    assert.deepEqual(
      records.map((r) => [r.method, r.endpointId, r.state]),
      [
        ['realtime', 'sandbox/echo', 'COMPLETED'],
        ['realtime', 'sandbox/echo', 'CANCELLED'],
        ['realtime', 'sandbox/echo', 'COMPLETED'],
      ],
    );
    assert.deepEqual(records[2].output, { n: 3, seq: 3 });
  });

  it('lives on while another editor is in front, and closes with the panel', async () => {
    const panel = await openSession();
    const before = panel.realtime.snapshot.sends.length + 1;
    sendInput(panel, { shown: true });
    await until(() => panel.realtime.snapshot.sends[before - 1]?.state === 'answered', 'a send while shown');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'in front' }), {
      viewColumn: panel.panel.viewColumn,
    });
    await until(() => !panel.panel.visible, 'the playground to be hidden');
    sendInput(panel, { hidden: true });
    await until(() => panel.realtime.snapshot.sends[before]?.state === 'answered', 'the send while hidden');
    assert.deepEqual(
      panel.realtime.snapshot.sends[before].output,
      { hidden: true, seq: 2 },
      'the same connection',
    );
    sendInput(panel, { n: 'waiting', delay_ms: 5000 });
    await until(() => panel.realtime.snapshot.sends[before + 1]?.state === 'sent', 'the slow send to go out');
    const api = await activateExtension();
    const recordId = () => panel.realtime.snapshot.sends[before + 1]?.recordId;
    await until(() => recordId() !== undefined, 'its record');
    panel.panel.dispose();
    assert.equal(panel.realtime.snapshot.state, 'disconnected');
    await until(
      () => api.store.get(recordId()!)?.state === 'CANCELLED',
      'the waiting send to end with the panel',
    );
  });
});
