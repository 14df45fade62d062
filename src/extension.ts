// Entry point of the extension: creates the shared services (the "fal" log channel, the key store,
// the connection to fal or a sandbox, the request tree) and registers the commands. Everything here
// is thin glue; the protocol lives in src/fal, the sandbox in src/sandbox. `deactivate` waits for
// the request store's last write.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ApiKeyStore } from './auth/apiKeyStore';
import { registerCommands } from './commands/registerCommands';
import { registerRequestFiles } from './requestFiles/registerRequestFiles';
import { EndpointPrices } from './connection/endpointPrices';
import { EndpointSchemas } from './connection/endpointSchemas';
import { FalConnection } from './connection/falConnection';
import { PlaygroundPanel, type PlaygroundSaved } from './playground/playgroundPanel';
import { RequestFileSchemas, SCHEMA_SCHEME } from './requestFiles/requestFileSchemas';
import { JsonFile } from './storage/jsonFile';
import { BatchedLog } from './common/batchedLog';
import { DEFAULT_OUTPUT_EVENTS, OUTPUT_EVENTS } from './requests/callEventLog';
import { CompletionNotifier, DEFAULT_NOTIFICATIONS, NOTIFICATIONS } from './requests/completionNotifier';
import { RecordWatchers } from './requests/recordWatchers';
import { RequestRunner } from './requests/requestRunner';
import { RequestStore } from './requests/requestStore';
import { REQUEST_SCHEME, RequestDocuments } from './views/requestDocuments';
import { TargetStatusBar } from './views/statusBar';
import { describeTarget, readTarget, type Target } from './target';
import { RequestsTreeProvider } from './views/requestsTree';
import { bindFilterToView } from './views/requestsFilterView';
import { VscodeMessages } from './views/vscodeMessages';
import { testApiOnly } from './testApi';
import { sandboxHosts, type FalHosts } from './common/hosts';

/** What `activate` returns in test mode only (see testApi.ts): what the integration tests read. */
export interface FalPlaygroundApi {
  readonly output: vscode.LogOutputChannel;
  /** This extension's log folder (context.logUri); the channel's log file is in the window's log folder above it. */
  readonly logUri: vscode.Uri;
  /** The folders the extension keeps its files in (context.storageUri, context.globalStorageUri). */
  readonly storageUris: readonly vscode.Uri[];
  /** Where calls go now, as the settings say. */
  target(): Target;
  /** The fal key (SecretStorage, else FAL_KEY). */
  readonly keys: ApiKeyStore;
  /** A ready client for the current target; starts the embedded sandbox when that is the target. */
  readonly connection: FalConnection;
  /** The records of the calls made, behind the Requests view. */
  readonly store: RequestStore;
  /** Makes the calls; `resume()` takes over the running calls of windows that are gone. */
  readonly runner: RequestRunner;
  readonly requestsTree: RequestsTreeProvider;
  /** The `fal-request:` documents (a request's input, output and diagnosis). */
  readonly requestDocuments: RequestDocuments;
  /** The open playground panel, if any. */
  playground(): PlaygroundPanel | undefined;
  /** The status bar item that says where calls go. */
  readonly statusBar: TargetStatusBar;
  /** The messages shown to the user so far. */
  readonly messages: VscodeMessages;
  /** Points the fal.ai target's hosts at a sandbox (its base URL), or back at fal.ai (undefined). */
  useFalHosts(sandboxUrl: string | undefined): void;
  /** How long `activate()` took, in ms (for `npm run bench`). */
  readonly activationMs: number;
}

/** How long the embedded sandbox of a test run waits, with no window, for results to be fetched. */
const TEST_SANDBOX_HOLD_MS = 5_000;

/** How often this window looks for running calls of windows that are gone (see RequestStore.claimOrphans). */
const ORPHAN_CHECK_MS = 15_000;

/** The workspace-state key of this window's id at its last start (its records are adopted at once). */
const WINDOW_ID_KEY = 'fal.requests.windowId';
const MAX_RECORDS_SETTING = 'fal.history.maxRecords';
const OUTPUT_EVENTS_SETTING = 'fal.output.events';

/** The store of the running extension, for `deactivate` to wait on. */
let activeStore: RequestStore | undefined;

function maxRecordsSetting(): number | undefined {
  return vscode.workspace.getConfiguration().get<number>(MAX_RECORDS_SETTING);
}

export function activate(context: vscode.ExtensionContext): FalPlaygroundApi | undefined {
  const activationStarted = performance.now();
  const output = vscode.window.createOutputChannel('fal', { log: true });
  // The runner's lines (thousands a second from a fast stream) reach the channel in batches; disposed
  // (flushed) before the channel is.
  const log = new BatchedLog(output);
  context.subscriptions.push(log, output);

  const keys = new ApiKeyStore(context.secrets);
  const version = String(context.extension.packageJSON.version);
  const testMode = context.extensionMode === vscode.ExtensionMode.Test;
  const messages = new VscodeMessages(testMode);
  // Test mode only: where the fal.ai target's hosts point (the test API sets it; nothing else can).
  const testFalHosts: { hosts?: FalHosts } | undefined = testMode ? {} : undefined;
  const connection = new FalConnection(keys, output, `fal-playground/${version}`, {
    cliPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sandbox.js').fsPath,
    secrets: context.secrets,
    messages,
    // A test run's sandbox should not wait 10 minutes for results no test will fetch.
    holdMs: testMode ? TEST_SANDBOX_HOLD_MS : undefined,
    testFalHosts,
  });
  const storage = context.storageUri ?? context.globalStorageUri;
  // Each start is a new window id. A folder's window also adopts at once the calls of its previous
  // id, even after a crash left that heartbeat behind; windows without a folder share the file in
  // global storage (and perhaps their workspace state), so they adopt only calls whose window's
  // heartbeat is gone or stale.
  const windowId = randomUUID();
  const previousWindowId = context.storageUri ? context.workspaceState.get<string>(WINDOW_ID_KEY) : undefined;
  if (context.storageUri) void context.workspaceState.update(WINDOW_ID_KEY, windowId);
  const store = new RequestStore(vscode.Uri.joinPath(storage, 'requests.json').fsPath, {
    windowId,
    adoptWindowIds: previousWindowId ? [previousWindowId] : [],
    maxRecords: maxRecordsSetting(),
    messages,
  });
  activeStore = store;
  // Read at every event, hence kept here and renewed when the setting changes.
  let outputEvents = outputEventsSetting();
  const runner = new RequestRunner(store, connection, log, {
    // Read at each realtime call, so a changed setting applies without a reload.
    realtimeTimeoutMs: () => realtimeTimeoutSeconds() * 1000,
    callTimeoutMs: () => callTimeoutSeconds() * 1000,
    outputEvents: () => outputEvents,
  });
  const prices = new EndpointPrices(async (target) => (await connection.forRecord(target))?.client, output);
  // The playground's form takes it (issue 9); built here so there is one cache per window.
  const schemas = new EndpointSchemas(async (target) => (await connection.forRecord(target))?.client, output);
  const requestsTree = new RequestsTreeProvider(store, prices);
  const documents = new RequestDocuments(
    store,
    runner,
    (context.extension.packageJSON as { version?: string }).version,
  );
  const statusBar = new TargetStatusBar(store);
  const watchers = new RecordWatchers();
  const notifier = new CompletionNotifier(store, messages, { watchers, setting: notificationsSetting });
  // When the window closes the runner stops following without touching the records, so requests
  // still running are followed again after a reload (RequestRunner.resume).
  context.subscriptions.push(keys, connection, store, runner, requestsTree, documents, statusBar, notifier);
  context.subscriptions.push(prices, schemas);
  // The schema of `*.fal.json` request files, for VS Code's JSON language features (package.json's jsonValidation).
  const requestFileSchemas = new RequestFileSchemas({ connection, schemas });
  context.subscriptions.push(
    requestFileSchemas,
    vscode.workspace.registerTextDocumentContentProvider(SCHEMA_SCHEME, requestFileSchemas),
  );
  const requestsView = vscode.window.createTreeView('fal.requests', {
    treeDataProvider: requestsTree,
    showCollapseAll: true,
    // Two rows selected: Compare Outputs / Compare Inputs.
    canSelectMany: true,
  });
  requestsTree.setVisible(requestsView.visible);
  context.subscriptions.push(
    requestsView,
    requestsView.onDidChangeVisibility((e) => requestsTree.setVisible(e.visible)),
    bindFilterToView(requestsView, requestsTree),
    vscode.workspace.registerTextDocumentContentProvider(REQUEST_SCHEME, documents),
  );

  const playgroundState = new JsonFile<PlaygroundSaved>(
    vscode.Uri.joinPath(storage, 'playground.json').fsPath,
  );
  const services = {
    extensionUri: context.extensionUri,
    output,
    keys,
    connection,
    store,
    runner,
    messages,
    notifier,
    watchers,
    playgroundState,
    prices,
    schemas,
    requestsTree,
    realtimeTimeoutMs: () => realtimeTimeoutSeconds() * 1000,
  };
  context.subscriptions.push(PlaygroundPanel.registerSerializer(services));
  registerCommands(context, services);
  registerRequestFiles(context, services);
  output.info(`fal Playground ${version} activated`);
  output.info(`Calls go to ${describeTarget(readTarget())}`);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(MAX_RECORDS_SETTING)) store.setMaxRecords(maxRecordsSetting() ?? NaN);
      if (e.affectsConfiguration(OUTPUT_EVENTS_SETTING)) outputEvents = outputEventsSetting();
      if (e.affectsConfiguration('fal')) output.info(`Calls now go to ${describeTarget(readTarget())}`);
    }),
  );
  void runner.resume();
  // A window that crashed leaves a heartbeat that goes stale 30 s later: look for its calls again.
  const orphans = setInterval(() => void runner.resume(), ORPHAN_CHECK_MS);
  context.subscriptions.push({ dispose: () => clearInterval(orphans) });
  return testApiOnly(context.extensionMode, () => ({
    output,
    logUri: context.logUri,
    storageUris: [context.storageUri, context.globalStorageUri].filter((u) => u !== undefined),
    target: () => readTarget(),
    keys,
    connection,
    store,
    runner,
    requestsTree,
    requestDocuments: documents,
    playground: () => PlaygroundPanel.open,
    statusBar,
    messages,
    useFalHosts: (url) => {
      if (testFalHosts) testFalHosts.hosts = url ? sandboxHosts(url) : undefined;
    },
    activationMs: performance.now() - activationStarted,
  }));
}

/** Resolves once the request store's last changes are on disk. */
export function deactivate(): Promise<void> | undefined {
  const store = activeStore;
  activeStore = undefined;
  return store?.flush();
}

/** A setting of a few values (`fal.notifications`, `fal.output.events`); anything else in the settings file: the default. */
function oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
  const value = vscode.workspace.getConfiguration().get<unknown>(key);
  return (values as readonly unknown[]).includes(value) ? (value as T) : fallback;
}

const notificationsSetting = () => oneOf('fal.notifications', NOTIFICATIONS, DEFAULT_NOTIFICATIONS);
const outputEventsSetting = () => oneOf(OUTPUT_EVENTS_SETTING, OUTPUT_EVENTS, DEFAULT_OUTPUT_EVENTS);

/** "fal.timeoutSeconds" (0: no client timeout), within its bounds (package.json). */
function callTimeoutSeconds(): number {
  const value = vscode.workspace.getConfiguration('fal').get<number>('timeoutSeconds', 600);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(value, 0), 86_400) : 600;
}

/** "fal.realtime.timeoutSeconds", within its bounds (package.json), whatever the settings file says. */
function realtimeTimeoutSeconds(): number {
  const value = vscode.workspace.getConfiguration('fal').get<number>('realtime.timeoutSeconds', 60);
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(value, 1), 3600) : 60;
}
