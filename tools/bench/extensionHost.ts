// Runs inside the real VS Code extension host (the bench opens code-server with this file, bundled,
// as `extensionTestsPath`): item 6 of issue 12 measured from the extension's side. It writes its
// figures to FAL_BENCH_RESULT_FILE; the driver (extensionFigures.ts) adds the playground's frames,
// which only the browser sees, and waits for files in FAL_BENCH_DIR to know when to look.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { hasCodeCache } from '../../src/boot/codeCache';
import type { RequestRecord } from '../../src/common/callModel';
import type { FalPlaygroundApi } from '../../src/extension';
import { RequestStore } from '../../src/requests/requestStore';
import {
  codeCacheState,
  eventually,
  extensionBundle,
  filesUnder,
  keys,
} from '../../test/integration/extensionApi';
import { median } from './stats';
import { WARM_WINDOWS, warmWindowFile } from './warmWindows';
import type { PlaygroundPass } from './extensionFigures';

const EXTENSION_ID = 'fal-playground.fal-playground';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => console.log(`[fal-bench] ${line}`);
const benchDir = process.env.FAL_BENCH_DIR ?? '';

/** Tells the driver `name` happened, and waits for its answer file when `answer` is given. */
async function signal(name: string, answer?: string): Promise<void> {
  fs.writeFileSync(path.join(benchDir, name), String(Date.now()));
  log(`signal ${name}`);
  if (!answer) return;
  for (let i = 0; i < 600 && !fs.existsSync(path.join(benchDir, answer)); i++) await sleep(50);
}

/** What one status change costs the extension host (statusChangeCost). */
export interface StatusChangeCost {
  /** The store's update itself, median (ms). */
  syncMs: number;
  /** The update to a final state, written before it returns, median (ms). */
  finalSyncMs: number;
  /** The Requests tree's item for a changed record, built again (ms, median): the extension's part of a refresh. */
  treeItemMs: number;
  /** The busy time a change adds to its slot (ms): changeSlotMs less quietSlotMs. */
  hostMs: number;
  changeSlotMs: number;
  quietSlotMs: number;
  /**
   * With the view shown: the busy time of VS Code refreshing one row with nothing changed (the tree's
   * change event fired alone: its item built again and sent), less that of quiet slots; the floor of
   * any status change the view shows.
   */
  rowRefreshOnlyMs?: number;
  /** Slots left out of each kind for a burst of the host's own. */
  slotsWithBursts: { change: number; quiet: number; refreshOnly?: number };
}

export interface HostFigures {
  activateMs: number;
  activateBodyMs: number;
  firstCommandToUiMs: number;
  commandDuringRenderMs: { max: number; median: number; samples: number; renderMs: number };
  statusChange: { hidden: StatusChangeCost; shown: StatusChangeCost; records: number; samples: number };
  outputChannel: {
    events: number;
    lines: number;
    inOrder: boolean;
    eventsPerSecond: number;
    maxLoopDelayMs: number;
  };
  playgroundEvents: number;
  /** The extension host's own marks of this activation (ms from the call): see activationSteps. */
  activateSteps?: Record<string, number>;
  /** How the bundle's load went with the code cache in this window ('used' when the first window wrote it). */
  codeCache?: string;
  /** The first window's activation, with no code cache. */
  firstWindow?: FirstWindow;
  /** The activation marks of the windows between the first and the measured one (code cache used). */
  warmWindows?: Array<Record<string, number>>;
}

/**
 * The extension host marks (vs/base/common/performance, Date.now() based, kept on globalThis) of
 * the extension's activation, as ms after `calledAt`: when it began loading the bundle, when the
 * bundle was loaded (require: read, compile, run its top level), when activate() was called (after
 * the context's mementos and storage paths are ready) and when it returned.
 */
function activationSteps(calledAt: number): Record<string, number> {
  const marks = (
    globalThis as { MonacoPerformanceMarks?: { getMarks(): { name: string; startTime: number }[] } }
  ).MonacoPerformanceMarks?.getMarks();
  const steps: Record<string, number> = {};
  for (const { name, startTime } of marks ?? []) {
    const m = /^code\/extHost\/(\w+)\/fal-playground\.fal-playground$/i.exec(name);
    if (m) steps[m[1]] = startTime - calledAt;
  }
  return steps;
}

/**
 * With FAL_BENCH_PROFILE set to a folder: a CPU profile of the extension host from now until the
 * returned function is called, written there as <name>.cpuprofile (for looking into a figure).
 */
async function startProfile(name: string): Promise<() => Promise<void>> {
  const dir = process.env.FAL_BENCH_PROFILE;
  if (!dir) return async () => {};
  const inspector = await import('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}

/** What the bench's first window saw: the extension's first activation since the build. */
export interface FirstWindow {
  /** How the load went with the code cache: 'missing' (or 'stale') in a first window. */
  codeCache: string;
  activateSteps: Record<string, number>;
  /** From the activation to the cache written (ms). */
  cacheWrittenAfterMs: number;
}

const FIRST_WINDOW_FILE = 'first-window.json';

/** Activates the extension in a window that only does that: its activation marks and how its code cache went. */
async function activateOnly(): Promise<{
  activateSteps: Record<string, number>;
  codeCache: string;
  c0: number;
}> {
  const extension = vscode.extensions.getExtension<FalPlaygroundApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  const c0 = Date.now();
  await extension.activate();
  return { activateSteps: activationSteps(c0), codeCache: codeCacheState(), c0 };
}

/**
 * The first window of a bench run: activates the extension (no code cache yet, as in a user's first
 * window after installing) and waits for it to write its cache, which the next window loads.
 */
async function firstWindow(): Promise<void> {
  const { activateSteps, codeCache, c0 } = await activateOnly();
  // The driver removed the cache before this window: its load must have compiled the bundle.
  if (codeCache === 'used') throw new Error('the first window found a code cache');
  await eventually(() => hasCodeCache(extensionBundle()), 'the extension wrote its code cache', 30_000);
  const first: FirstWindow = {
    codeCache,
    activateSteps,
    cacheWrittenAfterMs: Date.now() - c0,
  };
  log(`first window: ${JSON.stringify(first)}`);
  fs.writeFileSync(path.join(benchDir, FIRST_WINDOW_FILE), JSON.stringify(first));
}

/** A window after the first that activates the extension through the code cache, and notes its marks. */
async function warmWindow(n: number): Promise<void> {
  const { activateSteps: steps, codeCache } = await activateOnly();
  if (codeCache !== 'used') throw new Error(`warm window ${n}'s code cache: ${codeCache}`);
  log(`warm window ${n}: ${JSON.stringify(steps)}`);
  fs.writeFileSync(path.join(benchDir, warmWindowFile(n)), JSON.stringify(steps));
}

export async function run(): Promise<void> {
  if (!fs.existsSync(path.join(benchDir, FIRST_WINDOW_FILE))) return firstWindow();
  for (let n = 1; n <= WARM_WINDOWS; n++) {
    if (!fs.existsSync(path.join(benchDir, warmWindowFile(n)))) return warmWindow(n);
  }
  const figures: Partial<HostFigures> = {};
  try {
    await measure(figures);
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.stack : String(error)}`);
    throw error;
  } finally {
    fs.writeFileSync(
      process.env.FAL_BENCH_RESULT_FILE ?? path.join(benchDir, 'host.json'),
      JSON.stringify(figures),
    );
  }
}

async function measure(figures: Partial<HostFigures>): Promise<void> {
  const extension = vscode.extensions.getExtension<FalPlaygroundApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded`);
  // activate(): the module's load and its activate function, as the extension host runs them.
  const activeBefore = extension.isActive;
  const c0 = Date.now();
  const t0 = performance.now();
  const stopProfile = await startProfile('activate');
  const api = await extension.activate();
  figures.activateMs = performance.now() - t0;
  await stopProfile();
  figures.activateBodyMs = api.activationMs;
  figures.activateSteps = activationSteps(c0);
  figures.codeCache = codeCacheState();
  // The figure is a window's after the first: one that loaded the first window's cache.
  if (figures.codeCache !== 'used') throw new Error(`the measured window's code cache: ${figures.codeCache}`);
  figures.firstWindow = JSON.parse(
    fs.readFileSync(path.join(benchDir, FIRST_WINDOW_FILE), 'utf8'),
  ) as FirstWindow;
  figures.warmWindows = Array.from(
    { length: WARM_WINDOWS },
    (_, i) =>
      JSON.parse(fs.readFileSync(path.join(benchDir, warmWindowFile(i + 1)), 'utf8')) as Record<
        string,
        number
      >,
  );
  log(
    `activate ${figures.activateMs.toFixed(1)} ms (its function ${api.activationMs.toFixed(1)} ms; ` +
      `active before: ${activeBefore}; steps ${JSON.stringify(figures.activateSteps)})`,
  );

  // The first command: fal.run from the palette, to its first UI (the endpoint pick).
  figures.firstCommandToUiMs = await timeToQuickPick('fal.run');
  log(`first command to its pick ${figures.firstCommandToUiMs.toFixed(1)} ms`);

  // The embedded sandbox renders 4 images of 1024²; meanwhile a command answers.
  figures.commandDuringRenderMs = await commandWhileRendering();
  log(`command during render: ${JSON.stringify(figures.commandDuringRenderMs)}`);

  figures.outputChannel = await outputChannelBurst(api);
  log(`output channel: ${JSON.stringify(figures.outputChannel)}`);

  figures.statusChange = await statusChangeCost(api);
  log(`status change: ${JSON.stringify(figures.statusChange)}`);

  // The playground with the panel closed, as the window started (fal.showOutput above opened it), then
  // again with fal's Output view shown below it drawing every event (fal.output.events: all).
  await vscode.commands.executeCommand('workbench.action.closePanel');
  figures.playgroundEvents = await playgroundStream(api, 'alone');
  await vscode.commands.executeCommand('fal.showOutput');
  await playgroundStream(api, 'withOutput');
}

/** From executeCommand to the command's quick pick being shown; the pick is then closed. */
async function timeToQuickPick(command: string): Promise<number> {
  const window = vscode.window as unknown as { createQuickPick: typeof vscode.window.createQuickPick };
  const original = window.createQuickPick;
  let shownAt = 0;
  window.createQuickPick = <T extends vscode.QuickPickItem>() => {
    const pick = original.call(vscode.window) as vscode.QuickPick<T>;
    const show = pick.show.bind(pick);
    pick.show = () => {
      shownAt ||= performance.now();
      show();
    };
    return pick;
  };
  try {
    const t0 = performance.now();
    void vscode.commands.executeCommand(command);
    for (let i = 0; i < 400 && !shownAt; i++) await sleep(5);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    if (!shownAt) throw new Error(`${command} showed no pick`);
    return shownAt - t0;
  } finally {
    window.createQuickPick = original;
  }
}

/** fal.run of sandbox/image (4 × 1024²) in the embedded sandbox; a command every 20 ms meanwhile. */
async function commandWhileRendering(): Promise<HostFigures['commandDuringRenderMs']> {
  // A first small call starts the embedded sandbox, so its start is not counted.
  await vscode.commands.executeCommand('fal.run', { endpointId: 'sandbox/echo', input: { warm: true } });
  const times: number[] = [];
  let rendering = true;
  const t0 = performance.now();
  const render = vscode.commands
    .executeCommand<RequestRecord | undefined>('fal.run', {
      endpointId: 'sandbox/image',
      input: {
        prompt: 'four large foxes',
        num_images: 4,
        image_size: { width: 1024, height: 1024 },
        num_inference_steps: 1,
      },
    })
    .then((record) => {
      rendering = false;
      if (record?.state !== 'COMPLETED') throw new Error(`the render ended ${record?.state}`);
    });
  while (rendering) {
    const c0 = performance.now();
    await vscode.commands.executeCommand('fal.showOutput');
    times.push(performance.now() - c0);
    await sleep(20);
  }
  await render;
  return {
    max: Math.max(...times),
    median: median(times),
    samples: times.length,
    renderMs: performance.now() - t0,
  };
}

/** 10,000 stream events through fal.stream with the channel shown: every line in its log file? */
async function outputChannelBurst(api: FalPlaygroundApi): Promise<HostFigures['outputChannel']> {
  api.output.show(true);
  const marker = `bench marker ${randomUUID()}`;
  api.output.info(marker);
  const windowLogs = path.dirname(path.dirname(api.logUri.fsPath));
  let file: string | undefined;
  for (let i = 0; i < 100 && !file; i++) {
    file = filesUnder(windowLogs, 'fal.log').find((f) => fs.readFileSync(f, 'utf8').includes(marker));
    if (!file) await sleep(100);
  }
  if (!file) throw new Error('the output channel has no log file');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let first = 0;
  let last = 0;
  const sub = api.store.onDidChange((r) => {
    if (r?.method !== 'stream') return;
    if (r.state === 'IN_PROGRESS' && !first) {
      first = performance.now();
      delay.enable();
    }
    if (r.state === 'COMPLETED') last = performance.now();
  });
  const events = 10_000;
  const stopProfile = await startProfile('output-channel');
  try {
    const record = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.stream', {
      endpointId: 'sandbox/echo',
      input: keys(events - 1),
    });
    if (record?.state !== 'COMPLETED') throw new Error(`the stream ended ${record?.state}`);
  } finally {
    sub.dispose();
    delay.disable();
    await stopProfile();
  }
  let numbers: number[] = [];
  for (let i = 0; i < 100; i++) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.slice(text.indexOf(marker)).split('\n');
    numbers = lines.flatMap((l) => {
      const m = /(?:^|\] )sandbox\/echo event (\d+): /.exec(l);
      return m ? [Number(m[1])] : [];
    });
    if (lines.some((l) => /sandbox\/echo: completed in/.test(l))) break;
    await sleep(100);
  }
  return {
    events,
    lines: numbers.length,
    inOrder: numbers.every((n, i) => n === i + 1),
    eventsPerSecond: events / ((last - first) / 1000),
    maxLoopDelayMs: delay.max / 1e6,
  };
}

/**
 * Status changes per round of the status-change figure, and the time between two: past the extension
 * host's coalescing of tree refreshes (200 ms), so each change costs its own refresh, and a slot of
 * its own to measure it in.
 */
const CHANGES_PER_ROUND = 20;
const CHANGE_SPACING_MS = 250;
const ROUNDS = 6;
/**
 * Slots busier than this are left out of both kinds: they hold one of the host's own bursts (a
 * garbage collection, a file search VS Code spawns), which land in either kind at random and are
 * many times what a change costs (a few ms at most, its coalesced write included).
 */
const BURST_MS = 10;

/** The mean of the slots without a burst, and how many had one. */
function burstFreeMean(values: readonly number[]): { mean: number; bursts: number } {
  const kept = values.filter((v) => v <= BURST_MS);
  return {
    mean: kept.reduce((sum, v) => sum + v, 0) / Math.max(1, kept.length),
    bursts: values.length - kept.length,
  };
}

/**
 * One status change (IN_QUEUE to IN_PROGRESS) with 10,000 records in the store: the time of the
 * store's update itself, and all the extension host's busy time it causes (the tree, the status bar,
 * the save): the event loop's busy time in the CHANGE_SPACING_MS slot that starts with each change,
 * less that of as many quiet slots, interleaved in rounds; each kind's mean without the slots over
 * BURST_MS. Also the update to a final state (written before it returns), timed on its own.
 */
async function statusChangeCost(api: FalPlaygroundApi): Promise<HostFigures['statusChange']> {
  await vscode.workspace
    .getConfiguration('fal')
    .update('history.maxRecords', 10_000, vscode.ConfigurationTarget.Global);
  const template = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.run', {
    endpointId: 'sandbox/echo',
    input: { message: 'a record like the others', n: 1 },
  });
  if (!template) throw new Error('no template record');
  // The store is filled as another window would fill the shared file (a store of its own on the
  // same index, each record added and saved as a call's would be), then this window reads it in.
  // The records are this window's (so its claims leave the finished ones alone), and the queued
  // ones marked followed, so the runner's search for orphaned calls does not poll their fake ids.
  api.store.setMaxRecords(10_000);
  const followed = (api.store as unknown as { followed: Set<string> }).followed;
  const filler = new RequestStore(api.store.file, {
    windowId: `bench-filler-${randomUUID()}`,
    maxRecords: 10_000,
  });
  const fake = new Set<string>();
  // For each of the view hidden and shown, rounds of quiet slots and slots that start with a change.
  const samples = ROUNDS * CHANGES_PER_ROUND;
  const queued: string[] = [];
  for (let i = api.store.all().length; i < 10_000; i++) {
    const id = randomUUID();
    fake.add(id);
    // The queued ones are the newest, at the top of the list, as running calls are.
    const waiting = i >= 10_000 - 2 * samples;
    if (waiting) {
      queued.push(id);
      followed.add(id);
    }
    filler.add({
      ...structuredClone(template),
      id,
      requestId: randomUUID(),
      state: waiting ? 'IN_QUEUE' : 'COMPLETED',
      createdAt: Date.now(),
      windowId: api.store.windowId,
    } as RequestRecord);
  }
  filler.dispose();
  api.store.refresh();
  const filled = api.store.all().length;
  if (filled < 10_000) throw new Error(`the store holds ${filled} records, not 10,000`);
  await sleep(1000);
  const stopProfile = await startProfile('status-change');
  // Changes with the Requests view hidden (as the bench's window starts), then with it shown.
  const hidden = await changeSlots(api, queued.slice(0, samples));
  await vscode.commands.executeCommand('fal.requests.focus');
  await sleep(2000);
  const shown = await changeSlots(api, queued.slice(samples), { refreshOnly: true });
  // The side bar back to the Explorer, as the window started, for the figures after this one.
  await vscode.commands.executeCommand('workbench.view.explorer');
  await stopProfile();
  api.store.removeWhere((r) => fake.has(r.id));
  await vscode.workspace
    .getConfiguration('fal')
    .update('history.maxRecords', undefined, vscode.ConfigurationTarget.Global);
  return { hidden, shown, records: filled, samples };
}

/**
 * Rounds of CHANGES_PER_ROUND quiet slots and as many that start with the change of one of `ids`
 * to IN_PROGRESS, shuffled: the update's own time (median), and the busy time a change adds to its slot.
 */
async function changeSlots(
  api: FalPlaygroundApi,
  ids: string[],
  { refreshOnly = false } = {},
): Promise<StatusChangeCost> {
  const syncs: number[] = [];
  const treeItems: number[] = [];
  const quiet: number[] = [];
  const changed: number[] = [];
  const refreshed: number[] = [];
  // The tree's own change event, fired as a status change fires it (the provider keeps it private).
  const treeChanged = (api.requestsTree as unknown as { changed: vscode.EventEmitter<unknown> }).changed;
  const slot = async (into: number[], change?: () => void) => {
    const before = performance.eventLoopUtilization();
    change?.();
    await sleep(CHANGE_SPACING_MS);
    into.push(performance.eventLoopUtilization(before).active);
  };
  // Each round's quiet and change slots in a random order: the host's periodic work (the embedded
  // sandbox's heartbeat every 10 s, as long as a round) would otherwise land in the same kind each time.
  for (let round = 0; round * CHANGES_PER_ROUND < ids.length; round++) {
    const roundIds = ids.slice(round * CHANGES_PER_ROUND, (round + 1) * CHANGES_PER_ROUND);
    const order: Array<string | undefined | { refresh: string }> = [
      ...roundIds,
      ...roundIds.map(() => undefined),
      ...(refreshOnly ? roundIds.map((id) => ({ refresh: id })) : []),
    ];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const id of order) {
      if (id === undefined) {
        await slot(quiet);
        continue;
      }
      if (typeof id === 'object') {
        await slot(refreshed, () => treeChanged.fire(api.requestsTree.nodeOf(id.refresh)));
        continue;
      }
      await slot(changed, () => {
        const t0 = performance.now();
        const record = api.store.update(id, { state: 'IN_PROGRESS', startedAt: Date.now() });
        syncs.push(performance.now() - t0);
        if (record?.state !== 'IN_PROGRESS') throw new Error(`the record ${id} did not change`);
      });
    }
  }
  // What each change's tree refresh asks of the extension: the row's item, built again.
  for (const id of ids) {
    const t0 = performance.now();
    api.requestsTree.getTreeItem(api.requestsTree.nodeOf(id));
    treeItems.push(performance.now() - t0);
  }
  // The same records finishing: a final state is written before the update returns.
  const finals: number[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    api.store.update(id, { state: 'COMPLETED' });
    finals.push(performance.now() - t0);
  }
  const changeSlot = burstFreeMean(changed);
  const quietSlot = burstFreeMean(quiet);
  const refreshSlot = refreshOnly ? burstFreeMean(refreshed) : undefined;
  return {
    syncMs: median(syncs),
    finalSyncMs: median(finals),
    treeItemMs: median(treeItems),
    hostMs: Math.max(0, changeSlot.mean - quietSlot.mean),
    changeSlotMs: changeSlot.mean,
    quietSlotMs: quietSlot.mean,
    ...(refreshSlot ? { rowRefreshOnlyMs: Math.max(0, refreshSlot.mean - quietSlot.mean) } : {}),
    slotsWithBursts: {
      change: changeSlot.bursts,
      quiet: quietSlot.bursts,
      ...(refreshSlot ? { refreshOnly: refreshSlot.bursts } : {}),
    },
  };
}

/** The playground streams 10,000 events while the driver watches the page's frames (its `pass`). */
async function playgroundStream(api: FalPlaygroundApi, pass: PlaygroundPass): Promise<number> {
  const events = 10_000;
  const first = await vscode.commands.executeCommand<RequestRecord | undefined>('fal.stream', {
    endpointId: 'sandbox/echo',
    input: keys(events - 1),
  });
  if (!first) throw new Error('no stream record to open');
  await vscode.commands.executeCommand('fal.openInPlayground', first.id);
  const panel = api.playground();
  if (!panel) throw new Error('no playground');
  for (let i = 0; i < 200 && panel.shownCall?.recordId !== first.id; i++) await sleep(50);
  await signal(`playground-open-${pass}`, `observing-${pass}`);
  const before = new Set(api.store.all().map((r) => r.id));
  panel.requestCall();
  let done = false;
  for (let i = 0; i < 600 && !done; i++) {
    await sleep(100);
    const shown = panel.shownCall;
    done = !!shown && !before.has(shown.recordId ?? '') && !shown.running;
    if (i % 50 === 49) {
      log(`playground: ${JSON.stringify({ recordId: shown?.recordId, running: shown?.running })}`);
      if (!api.store.all().some((r) => !before.has(r.id))) panel.requestCall();
    }
  }
  await sleep(500);
  await signal(`playground-done-${pass}`);
  // The figure stands only if the page was shown the whole stream.
  const shown = panel.shownCall;
  log(`playground (${pass}): ${shown?.eventCount} events shown, ${shown?.status}`);
  if (!done || shown?.eventCount !== events)
    throw new Error(
      `the playground's stream (${pass}) did not end with ${events} events: ${shown?.eventCount}`,
    );
  return events;
}
