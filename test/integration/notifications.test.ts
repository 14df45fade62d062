// Which calls raise a notification, in a real VS Code on the embedded sandbox (VS Code's guidelines:
// notify only where the user must act). Every notification is caught as it is raised, whichever way
// (vscode.window's show…Message wrapped), so a toast that should not be there cannot hide. A submit
// from the palette raises none (the Requests view and the status bar follow it); its end, watched by
// nobody, raises one with Open Output; a call followed by its progress notification or shown in the
// playground ends without one; `fal.notifications` "errors" keeps failures only, "none" nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { isFinal, type RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import { activateExtension, falConfig, recordToasts, resetFalSettings, until } from './extensionApi';

const call = (command: string, endpointId: string, input: unknown) =>
  vscode.commands.executeCommand<RequestRecord | undefined>(command, { endpointId, input });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('notifications', () => {
  let api: FalPlaygroundApi;

  before(async () => {
    api = await activateExtension();
  });

  beforeEach(async () => {
    // A call of an earlier test ending now would raise its own notification in this one.
    for (let i = 0; i < 200 && api.store.all().some((r) => !isFinal(r)); i++) await sleep(100);
  });

  afterEach(async () => {
    await falConfig().update('notifications', undefined, vscode.ConfigurationTarget.Global);
    await resetFalSettings();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** A submit that fails (sandbox/image makes at most 4 images). */
  const failing = ['sandbox/image', { prompt: 'x', num_images: 9 }] as const;

  /** Submits from the palette and waits for the request's end; the notifications of both. */
  const submitAndWait = (endpointId: string, input: unknown) =>
    recordToasts(async () => {
      const record = await call('fal.submit', endpointId, input);
      assert.ok(record);
      return until(api, record.id, isFinal);
    });

  it('a palette submit raises none; its end, watched by nobody, raises one with Open Output', async () => {
    const submitted = await recordToasts(() => call('fal.submit', 'sandbox/slow', { duration_ms: 800 }));
    const record = submitted.result;
    assert.ok(record);
    assert.notEqual(record.state, 'COMPLETED', 'still running when the submit returned');
    assert.deepEqual(submitted.toasts, [], 'no notification for the submit');

    const before = api.messages.shown.length;
    const ended = await recordToasts(() => until(api, record.id, isFinal));
    assert.equal(ended.result.state, 'COMPLETED', JSON.stringify(ended.result.error));
    assert.equal(ended.toasts.length, 1, JSON.stringify(ended.toasts));
    assert.equal(ended.toasts[0].level, 'info');
    assert.match(ended.toasts[0].text, /^sandbox\/slow completed in \d+\.\d\d s\.$/);
    assert.deepEqual(ended.toasts[0].buttons, ['Open Output']);
    assert.deepEqual(api.messages.shown.slice(before)[0].actions, [
      { title: 'Open Output', command: 'fal.openResult', args: [record.id] },
    ]);
  });

  it('three palette submits leave no notifications stacked while they run', async () => {
    const { toasts } = await recordToasts(async () => {
      for (let i = 0; i < 3; i++) assert.ok(await call('fal.submit', 'sandbox/echo', { i }));
    });
    assert.deepEqual(toasts, []);
  });

  it('a palette run, followed by its progress notification, ends without one', async () => {
    const { result, toasts } = await recordToasts(() => call('fal.run', 'sandbox/echo', { watched: true }));
    assert.equal(result?.state, 'COMPLETED');
    assert.deepEqual(toasts, []);
  });

  it("a playground call's end raises none: the playground shows it", async () => {
    // A submit, the kind of call that is told of when nobody watches it.
    const earlier = await submitAndWait('sandbox/echo', { from: 'the palette' });
    await vscode.commands.executeCommand('fal.openInPlayground', earlier.result.id);
    // The page is up once it has been given the endpoint's schema.
    for (let i = 0; i < 100 && api.playground()?.schema?.endpointId !== 'sandbox/echo'; i++) await sleep(100);
    const before = api.store.all()[0]?.id;
    const { result, toasts } = await recordToasts(async () => {
      await vscode.commands.executeCommand('fal.playground.call');
      for (let i = 0; i < 100 && api.store.all()[0]?.id === before; i++) await sleep(100);
      const made = api.store.all()[0];
      assert.notEqual(made?.id, before, 'the playground made a call');
      return until(api, made.id, isFinal);
    });
    assert.equal(result.method, 'submit');
    assert.equal(result.state, 'COMPLETED', JSON.stringify(result.error));
    assert.deepEqual(toasts, []);
  });

  it('with fal.notifications "errors", a completion raises none and a failure one', async () => {
    await falConfig().update('notifications', 'errors', vscode.ConfigurationTarget.Global);
    const completed = await submitAndWait('sandbox/echo', { quiet: true });
    assert.equal(completed.result.state, 'COMPLETED');
    assert.deepEqual(completed.toasts, []);

    const failed = await submitAndWait(...failing);
    assert.equal(failed.result.state, 'FAILED');
    assert.equal(failed.toasts.length, 1, JSON.stringify(failed.toasts));
    assert.equal(failed.toasts[0].level, 'error');
    assert.match(failed.toasts[0].text, /^sandbox\/image: /);
    assert.deepEqual(failed.toasts[0].buttons, ['Open Input', 'Show Output']);
  });

  it('with fal.notifications "none", neither a completion nor a failure raises one', async () => {
    await falConfig().update('notifications', 'none', vscode.ConfigurationTarget.Global);
    const completed = await submitAndWait('sandbox/echo', { quiet: true });
    assert.equal(completed.result.state, 'COMPLETED');
    const failed = await submitAndWait(...failing);
    assert.equal(failed.result.state, 'FAILED');
    const failedRun = await recordToasts(() => call('fal.run', 'sandbox/error', { status: 500 }));
    assert.equal(failedRun.result?.state, 'FAILED');
    assert.deepEqual([...completed.toasts, ...failed.toasts, ...failedRun.toasts], []);
  });
});
