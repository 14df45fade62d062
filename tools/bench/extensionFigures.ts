// Figure 6: the extension in a real VS Code extension host, started the way `npm test`'s
// integration tier starts it (code-server + headless Chromium, tools/vscode-host). The host side is
// measured by extensionHost.ts, run as the extension's tests; the playground's frames are read here
// from Chromium's performance timeline (long-animation-frame entries) inside the webview.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { codeCacheFile } from '../../src/boot/codeCache';
import { launchBrowser, tempWorkspace } from '../vscode-host/browser';
import { startCodeServer } from '../vscode-host/codeServer';
import type { HostFigures } from './extensionHost';
import type { Figure } from './report';
import { median } from './stats';
import { WARM_WINDOWS } from './warmWindows';

const TAG = '[fal-bench] ';

export async function extensionFigures(root: string, log: (line: string) => void): Promise<Figure[]> {
  const runner = path.join(root, 'out', 'bench', 'extensionHost.js');
  await esbuild.build({
    entryPoints: [path.join(root, 'tools', 'bench', 'extensionHost.ts')],
    outfile: runner,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    packages: 'external',
    logLevel: 'warning',
  });
  // The first window is a first one: no code cache from an earlier run of the same build.
  fs.rmSync(codeCacheFile(path.join(root, 'dist', 'extension.bundle.js')), { force: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fal-bench-'));
  const resultFile = path.join(dir, 'host.json');
  const server = await startCodeServer({
    env: { FAL_BENCH_DIR: dir, FAL_BENCH_RESULT_FILE: resultFile },
    // VS Code's search for ports to forward runs a process every few seconds in the extension
    // host: noise of tens of milliseconds in the host-time figures that is none of the extension's.
    settings: { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' },
  });
  log(`extension host: VS Code ${server.version} (code-server at ${server.url})`);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // Each window's runner ends by calling codeAutomationExit: the first call ends the first window.
    const exits: Array<(code: number) => void> = [];
    await page.exposeFunction('codeAutomationExit', (code: number) => exits.shift()?.(code));
    const windowExit = () => new Promise<number>((resolve) => exits.push(resolve));
    await page.exposeFunction('codeAutomationLog', (_level: string, message: string) => {
      for (const line of String(message).split('\n')) {
        const at = line.indexOf(TAG);
        if (at >= 0) log(`  host: ${line.slice(at + TAG.length)}`);
        else if (/Error|error:/.test(line) && /fal|bench/i.test(line))
          log(`  host log: ${line.slice(0, 300)}`);
      }
    });
    // A window of its own whose runner only activates the extension, waited for to its end.
    const activateOnly = async (name: string) => {
      const ended = windowExit();
      await page.goto(
        server.workbenchUrl({
          folder: tempWorkspace({ 'README.md': `# ${name}\n` }),
          extensionTestsPath: runner,
        }),
      );
      const code = await Promise.race([ended, timeout(120_000)]);
      if (code !== 0) throw new Error(`the bench's ${name} window ended with ${code}`);
    };
    // A first window, as a user's first after installing: the extension activates with no code cache
    // (src/boot) and writes it; its activation is kept for the notes. The figures are the windows' after it.
    await activateOnly('first');
    // Windows that only activate (through the cache the first wrote), for activate()'s median.
    for (let n = 1; n <= WARM_WINDOWS; n++) await activateOnly(`warm ${n}`);
    const exit = windowExit();
    await page.goto(
      server.workbenchUrl({
        folder: tempWorkspace({ 'README.md': '# bench\n' }),
        extensionTestsPath: runner,
      }),
    );
    const frames = (async () => {
      const passes = {} as Record<PlaygroundPass, FrameStats>;
      for (const pass of PLAYGROUND_PASSES) passes[pass] = await watchPlayground(page, dir, pass);
      return passes;
    })().catch((error: unknown) => {
      log(`the playground's frames could not be observed: ${String(error)}`);
      for (const pass of PLAYGROUND_PASSES)
        if (fs.existsSync(dir)) fs.writeFileSync(path.join(dir, `observing-${pass}`), '0');
      const failed = { longestFrameMs: NaN, longFrames: NaN, longestRafGapMs: NaN, error: String(error) };
      return { alone: failed, withOutput: failed };
    });
    const code = await Promise.race([exit, timeout(300_000)]);
    if (code !== 0) throw new Error(`the extension host's bench ended with ${code}`);
    const host = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as HostFigures;
    return toFigures(host, await frames);
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * activate(): the extension's own part of it, from the extension host's marks: loading the bundle
 * (read, compile, its top level) plus the activate function. `extension.activate()` resolves later
 * than that: VS Code builds the extension's context (its mementos are read from the window, a round
 * trip to the browser; its storage folders are made) alongside the bundle's load, and under load
 * that wait (100-300 ms here) is most of the call; it is in the notes, not in the figure.
 * The figure is the median of windows after the first since the build (WARM_WINDOWS that only
 * activate, then the measured one), which load the bundle through the code cache the first wrote
 * (src/boot); each one's parts, and the first window's activation, are in the notes.
 */
function activateFigure(host: HostFigures): Figure {
  const steps = host.activateSteps ?? {};
  const measured = activationParts(steps);
  const windows = [measured, ...(host.warmWindows ?? []).map(activationParts)];
  const totals = windows.map((w) => w.totalMs).filter((ms) => !Number.isNaN(ms));
  const ours = totals.length ? median(totals) : host.activateMs;
  const first = host.firstWindow && activationParts(host.firstWindow.activateSteps);
  return {
    item: 6,
    name: `activate(): loading the bundle plus the activate function (extension host marks), median of ${windows.length} windows after the first`,
    unit: 'ms',
    ours,
    target: '< 50 ms',
    met: ours < 50,
    notes: {
      windows: windows.map((w) => ({
        bundleLoadMs: w.bundleLoadMs,
        activateFunctionMs: w.activateFunctionMs,
      })),
      codeCache: host.codeCache,
      bundleLoadMs: measured.bundleLoadMs,
      activateFunctionMs: measured.activateFunctionMs,
      activateFunctionOwnMs: host.activateBodyMs,
      contextWaitMs: measured.contextWaitMs,
      extensionActivateCallMs: host.activateMs,
      steps,
      // The window before, the first since the build: no code cache yet (it writes it).
      firstWindow: host.firstWindow && {
        codeCache: host.firstWindow.codeCache,
        bundleLoadMs: first?.bundleLoadMs,
        activateFunctionMs: first?.activateFunctionMs,
        cacheWrittenAfterMs: host.firstWindow.cacheWrittenAfterMs,
      },
    },
  };
}

/** An activation's parts from the extension host's marks (ms; NaN where a mark is missing). */
function activationParts(steps: Record<string, number>) {
  const mark = (name: string) => steps[name] ?? NaN;
  const bundleLoadMs = mark('didLoadExtensionCode') - mark('willLoadExtensionCode');
  const activateFunctionMs = mark('didActivateExtension') - mark('willActivateExtension');
  return {
    bundleLoadMs,
    activateFunctionMs,
    totalMs: bundleLoadMs + activateFunctionMs,
    contextWaitMs: mark('willActivateExtension') - mark('didLoadExtensionCode'),
  };
}

const timeout = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(-1), ms).unref());

async function waitForFile(file: string, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !fs.existsSync(file);) {
    if (Date.now() > end) throw new Error(`${path.basename(file)} never came`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface FrameStats {
  error?: string;
  /** Longest long-animation-frame entry, ms (0: none over Chromium's 50 ms threshold). */
  longestFrameMs: number;
  longFrames: number;
  /** Longest gap between two requestAnimationFrame callbacks, ms. */
  longestRafGapMs: number;
  /** Which document's timeline the figure is from (the one that saw the probe, see below). */
  observedIn?: string;
  /** Per document: whether its observer saw the probe, its longest frame and rAF gap. */
  frames?: Record<
    string,
    {
      probeSeen: boolean;
      long: unknown[];
      /** Messages whose handling took 30 ms or more (their type, and a call's number of events). */
      slowMessages: unknown[];
      longestFrameMs: number;
      longFrames: number;
      rafGapMs: number;
    }
  >;
}

/** The playground's frames are watched twice: the panel closed, then fal's Output view shown below. */
export const PLAYGROUND_PASSES = ['alone', 'withOutput'] as const;
export type PlaygroundPass = (typeof PLAYGROUND_PASSES)[number];

/** How long the probe blocks the page (ms): a frame Chromium must report, or the observation is broken. */
const PROBE_MS = 150;

/**
 * Watches `long-animation-frame` entries (and requestAnimationFrame gaps) in the workbench page, the
 * webview's outer frame and the playground's own frame. A long animation frame is reported only to
 * some of the documents whose event loop it held; before the stream, a probe blocks the playground's
 * frame for PROBE_MS, and the figure is taken from the innermost document that saw it (none: the
 * observation failed, and says so, rather than reporting 0).
 */
async function watchPlayground(page: Page, dir: string, pass: PlaygroundPass): Promise<FrameStats> {
  await waitForFile(path.join(dir, `playground-open-${pass}`), 240_000);
  const inner = await playgroundFrame(page);
  console.log(`[bench]   the playground's frame: ${inner.url().slice(0, 80)}`);
  const frames: Array<[string, Frame]> = [
    ['playground', inner],
    ...(inner.parentFrame() ? [['webview', inner.parentFrame()!] as [string, Frame]] : []),
    ['workbench', page.mainFrame()],
  ];
  // As text: the bench runs under tsx, whose compiled functions would name helpers the page lacks.
  const observe = `(() => {
    const bench = { loaf: [], long: [], rafGap: 0, slowMessages: [] };
    window.__bench = bench;
    // Which message held a frame: heard after the page's own handler, timed from the event's creation.
    window.addEventListener('message', (e) => {
      const ms = performance.now() - e.timeStamp;
      const data = e.data && typeof e.data === 'object' ? e.data : {};
      if (ms >= 30 && typeof data.type === 'string')
        bench.slowMessages.push({ ms: Math.round(ms), type: data.type, events: data.call?.events?.length });
    });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        bench.loaf.push(e.duration);
        // What held the frame: its scripts (where from, what called them) and its rendering.
        if (e.duration >= 100)
          bench.long.push({
            ms: Math.round(e.duration),
            renderMs: Math.round(e.startTime + e.duration - e.renderStart),
            scripts: e.scripts.map((x) => [Math.round(x.duration), x.invoker, x.sourceURL.split('/').slice(-3).join('/'), x.sourceFunctionName].join(' ')),
          });
      }
    }).observe({ type: 'long-animation-frame' });
    let last = performance.now();
    const tick = (now) => {
      bench.rafGap = Math.max(bench.rafGap, now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`;
  for (const [, frame] of frames) await frame.evaluate(observe);
  await inner.evaluate(
    `setTimeout(() => { const end = performance.now() + ${PROBE_MS}; while (performance.now() < end); }, 0)`,
  );
  const probeSeen: Record<string, boolean> = {};
  for (let i = 0; i < 40 && Object.keys(probeSeen).length < frames.length; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const [name, frame] of frames) {
      const loaf = (await frame.evaluate('window.__bench.loaf')) as number[];
      if (loaf.some((d) => d >= PROBE_MS)) probeSeen[name] = true;
    }
  }
  // The probe is not part of the figure.
  for (const [, frame] of frames)
    await frame.evaluate(
      'window.__bench.loaf = []; window.__bench.long = []; window.__bench.rafGap = 0; window.__bench.slowMessages = []',
    );
  fs.writeFileSync(path.join(dir, `observing-${pass}`), '1');
  await waitForFile(path.join(dir, `playground-done-${pass}`), 240_000);
  const stats: NonNullable<FrameStats['frames']> = {};
  for (const [name, frame] of frames) {
    const got = (await frame.evaluate('window.__bench')) as {
      loaf: number[];
      long: unknown[];
      rafGap: number;
      slowMessages: unknown[];
    };
    stats[name] = {
      probeSeen: !!probeSeen[name],
      long: got.long.slice(0, 10),
      slowMessages: got.slowMessages.slice(0, 10),
      longestFrameMs: Math.max(0, ...got.loaf),
      longFrames: got.loaf.length,
      rafGapMs: got.rafGap,
    };
  }
  const observedIn = frames.map(([name]) => name).find((name) => stats[name].probeSeen);
  if (!observedIn) {
    return {
      error: `no document saw the ${PROBE_MS} ms probe: long-animation-frame is not observable here`,
      longestFrameMs: NaN,
      longFrames: NaN,
      longestRafGapMs: stats.playground.rafGapMs,
      frames: stats,
    };
  }
  return {
    longestFrameMs: stats[observedIn].longestFrameMs,
    longFrames: stats[observedIn].longFrames,
    longestRafGapMs: stats.playground.rafGapMs,
    observedIn,
    frames: stats,
  };
}

async function playgroundFrame(page: Page): Promise<Frame> {
  for (let i = 0; i < 50; i++) {
    const handle = await page
      .frameLocator('iframe.webview.ready')
      .locator('iframe#active-frame')
      .elementHandle({ timeout: 1000 })
      .catch(() => null);
    const frame = await handle?.contentFrame();
    if (frame) return frame;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no playground webview frame');
}

function toFigures(host: HostFigures, passes: Record<PlaygroundPass, FrameStats>): Figure[] {
  const frames = passes.alone;
  const oc = host.outputChannel;
  return [
    activateFigure(host),
    {
      item: 6,
      name: 'first command (fal.run) to its first UI (the endpoint pick shown)',
      unit: 'ms',
      ours: host.firstCommandToUiMs,
      target: '< 50 ms',
      met: host.firstCommandToUiMs < 50,
    },
    {
      item: 6,
      name: 'a command (fal.showOutput) while the embedded sandbox renders 4 images of 1024², slowest of all',
      unit: 'ms',
      ours: host.commandDuringRenderMs.max,
      target: '< 50 ms',
      met: host.commandDuringRenderMs.max < 50,
      notes: host.commandDuringRenderMs,
    },
    ...(['hidden', 'shown'] as const).map((view) => {
      const cost = host.statusChange[view];
      return {
        item: 6,
        name: `one status change with ${host.statusChange.records.toLocaleString('en-US')} records in the store, the Requests view ${view}: extension-host busy time it causes`,
        unit: 'ms (mean, bursts left out)',
        ours: cost.hostMs,
        // The floor, in the raw column: VS Code refreshing the same row with nothing changed.
        ...(cost.rowRefreshOnlyMs === undefined ? {} : { raw: cost.rowRefreshOnlyMs }),
        target: '≤ 1 ms',
        met: cost.hostMs <= 1 && cost.syncMs <= 1,
        notes: { ...cost, samples: host.statusChange.samples },
      };
    }),
    {
      item: 6,
      name: `output channel: ${oc.events.toLocaleString('en-US')} stream events, lines in its log file`,
      unit: 'events/s',
      ours: oc.eventsPerSecond,
      target: '≥ 10,000/s, no line dropped',
      met: oc.eventsPerSecond >= 10_000 && oc.lines === oc.events && oc.inOrder,
      notes: oc,
    },
    {
      item: 6,
      name: `playground renders ${host.playgroundEvents.toLocaleString('en-US')} stream events: longest frame (long-animation-frame)`,
      // Chromium reports only frames over 50 ms: 0 says none was.
      unit: 'ms (0: no frame over 50 ms)',
      ours: frames.longestFrameMs,
      target: 'no frame > 100 ms',
      met: !frames.error && frames.longestFrameMs <= 100,
      // The same with fal's Output view shown below it: the workbench draws each event there too.
      notes: { ...frames, withOutputViewShown: passes.withOutput },
    },
  ];
}
