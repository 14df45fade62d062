// "fal: Run…", "fal: Subscribe…", "fal: Submit to Queue…" and "fal: Stream…": ask for the endpoint and
// its JSON input (or take them as arguments), start the call, and show how it went. Blocking methods
// show a cancellable progress notification that follows the queue position and the newest log line
// (it watches the record, so its end raises no other notification), then open the output; submit
// returns at once with no notification: the Requests view and the status bar follow the request,
// and the completion notifier tells of its end.
import * as vscode from 'vscode';
import { MissingApiKeyError, type FalConnection } from '../connection/falConnection';
import type { CompletionNotifier } from '../requests/completionNotifier';
import type { RecordWatchers } from '../requests/recordWatchers';
import type { Disposable } from '../common/emitter';
import { withoutLinks } from '../common/recordText';
import type { CallMethod, RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';
import { describeState } from '../common/recordText';
import type { PlatformOptions, RequestFileSource } from '../common/callModel';
import { requestDocumentUri } from '../views/requestDocuments';
import { checkEndpointId } from '../common/endpointId';
import { pickEndpoint, promptJsonInput } from './callPrompts';
import { PlaygroundPanel, type PlaygroundServices } from '../playground/playgroundPanel';

/** Arguments a caller (a test, a keybinding, the playground) may pass to skip the questions. */
export interface CallArgs {
  readonly endpointId?: string;
  readonly input?: unknown;
  readonly headers?: Record<string, string>;
  readonly platform?: PlatformOptions;
  readonly webhookUrl?: string;
  /** The request file's request the call comes from. */
  readonly requestFile?: RequestFileSource;
}

export interface CallServices {
  readonly notifier: CompletionNotifier;
  readonly watchers: RecordWatchers;
  readonly store: RequestStore;
  readonly runner: RequestRunner;
  readonly connection: FalConnection;
}

export const CALL_TITLES: Record<CallMethod, string> = {
  run: 'fal: Run Endpoint',
  subscribe: 'fal: Subscribe (Queue and Wait)',
  submit: 'fal: Submit to Queue',
  stream: 'fal: Stream Endpoint',
  realtime: 'fal: Open Realtime Session',
};

/** How long the status bar says a submit was sent. */
const SUBMITTED_MESSAGE_MS = 5000;

/**
 * "fal: Open Realtime Session…": the endpoint pick of the other calls, then the playground in
 * realtime mode on that endpoint, connected (the input: the playground's own for the same endpoint,
 * else the last one sent to it). Resolves with the panel, or undefined when the user gave up.
 */
export async function openRealtimeSession(
  services: CallServices & PlaygroundServices,
  args: Pick<CallArgs, 'endpointId' | 'input'> = {},
): Promise<PlaygroundPanel | undefined> {
  const endpointId = await askEndpoint(CALL_TITLES.realtime, services, args.endpointId);
  if (endpointId === undefined) return undefined;
  const asText = (input: unknown) =>
    input === undefined ? undefined : `${JSON.stringify(input, null, 2)}\n`;
  return PlaygroundPanel.openRealtime(services, endpointId, {
    input: asText(args.input),
    fallback: asText(services.store.all().find((r) => r.endpointId === endpointId)?.input),
  });
}

/** The endpoint to call: `given`, or the one the user picks; undefined when none (gave up, bad id, no connection). */
export async function askEndpoint(
  title: string,
  services: CallServices,
  given: string | undefined,
): Promise<string | undefined> {
  // The pick does not wait for the connection (first UI at once, issue 12); a failed connection
  // closes it and is told here.
  const connecting = services.connection.get();
  const picked = given ?? (await pickEndpoint(title, services.store, connecting));
  try {
    await connecting;
  } catch (err) {
    showConnectionError(err);
    return undefined;
  }
  const endpointId = picked;
  if (endpointId === undefined) return undefined;
  const problem = checkEndpointId(endpointId);
  if (problem) {
    void vscode.window.showErrorMessage(withoutLinks(problem));
    return undefined;
  }
  return endpointId;
}

/** Resolves with the record (final, except for submit), or undefined when the user gave up or nothing was sent. */
export async function callEndpoint(
  method: CallMethod,
  services: CallServices,
  args: CallArgs = {},
): Promise<RequestRecord | undefined> {
  const title = CALL_TITLES[method];
  const endpointId = await askEndpoint(title, services, args.endpointId);
  if (endpointId === undefined) return undefined;
  const input = args.input ?? (await promptJsonInput(title, endpointId, services.store));
  if (input === undefined) return undefined;

  // A blocking call is watched (by its progress notification, then its outcome) from its first moment.
  let watching: Disposable | undefined;
  const { record, done } = await services.runner.start(
    {
      endpointId,
      method,
      input,
      headers: args.headers,
      platform: args.platform,
      webhookUrl: args.webhookUrl,
      requestFile: args.requestFile,
    },
    {
      onRecord: (created) => {
        if (method !== 'submit') watching = services.watchers.watch(created.id);
      },
    },
  );
  if (method === 'submit') {
    // A word in the status bar, not a notification: nothing to act on.
    vscode.window.setStatusBarMessage(`$(check) Submitted to ${endpointId}`, SUBMITTED_MESSAGE_MS);
    return record;
  }
  try {
    const final = await followWithProgress(services, record, done, `${method} ${endpointId}`);
    await showOutcome(services, final);
    return final;
  } finally {
    watching?.dispose();
  }
}

function followWithProgress(
  services: CallServices,
  record: RequestRecord,
  done: Promise<RequestRecord>,
  title: string,
): Promise<RequestRecord> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: withoutLinks(title), cancellable: true },
      async (progress, token) => {
        const cancelling = token.onCancellationRequested(() => {
          void services.runner.cancel(record).catch(() => {});
        });
        let shown = '';
        const updates = services.store.onDidChange((changed) => {
          if (changed?.id !== record.id) return;
          const lastLog = changed.logs[changed.logs.length - 1]?.message;
          const message = withoutLinks(
            lastLog ? `${describeState(changed)}: ${lastLog}` : describeState(changed),
          );
          // A stream changes the record at every event; the window hears only of a new message.
          if (message === shown) return;
          shown = message;
          progress.report({ message });
        });
        try {
          return await done;
        } finally {
          cancelling.dispose();
          updates.dispose();
        }
      },
    ),
  );
}

async function showOutcome(services: CallServices, record: RequestRecord): Promise<void> {
  if (record.state === 'COMPLETED') {
    await vscode.window.showTextDocument(requestDocumentUri(record, 'output'), { preview: true });
    return;
  }
  if (record.state === 'FAILED') services.notifier.showFailure(record);
}

function showConnectionError(err: unknown): void {
  if (err instanceof MissingApiKeyError) {
    void vscode.window.showErrorMessage(withoutLinks(err.message), 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand('fal.setApiKey');
    });
    return;
  }
  void vscode.window.showErrorMessage(withoutLinks((err as Error)?.message ?? String(err)));
}
