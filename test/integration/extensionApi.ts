// The extension under test, activated, and its API: shared by every integration test file.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FalPlaygroundApi } from '../../src/extension';
import type { RequestRecord } from '../../src/common/callModel';

export const EXTENSION_ID = 'fal-playground.fal-playground';

export async function activateExtension(): Promise<FalPlaygroundApi> {
  const extension = vscode.extensions.getExtension<FalPlaygroundApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The extension's bundle, which its main (dist/extension.js, src/boot) loads. */
export function extensionBundle(): string {
  return path.join(
    vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath,
    'dist',
    'extension.bundle.js',
  );
}

/** How this window's load of the bundle went with the code cache (src/boot/codeCache.ts). */
export function codeCacheState(): string {
  const main = path.join(path.dirname(extensionBundle()), 'extension.js');
  return String((require(main) as { codeCacheState?: unknown }).codeCacheState);
}

/** Resolves once `check` holds for the record (checked on every store change). */
export function until(
  api: FalPlaygroundApi,
  id: string,
  check: (r: RequestRecord) => boolean,
): Promise<RequestRecord> {
  return new Promise((resolve, reject) => {
    const now = api.store.get(id);
    if (now && check(now)) return resolve(now);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`record ${id} never got there; it is ${JSON.stringify(api.store.get(id)?.state)}`));
    }, 20_000);
    const sub = api.store.onDidChange(() => {
      const r = api.store.get(id);
      if (r && check(r)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(r);
      }
    });
  });
}

/** Resolves once `check()` holds (looked at every 20 ms); rejects naming `what` after `ms`. */
export async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const giveUpAt = Date.now() + ms;
  while (!check()) {
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The `fal` settings, and a reset of those a test changed. */
export const falConfig = () => vscode.workspace.getConfiguration('fal');

export async function resetFalSettings(): Promise<void> {
  await falConfig().update('target', undefined, vscode.ConfigurationTarget.Global);
  await falConfig().update('sandboxUrl', undefined, vscode.ConfigurationTarget.Global);
}

/**
 * Records every line written to the "fal" channel while `body` runs, by wrapping the channel's
 * writing methods (the channel's text cannot be read back through the API). An append of several
 * lines (the runner's log writes in batches) gives each of its lines.
 */
export async function recordOutput(api: FalPlaygroundApi, body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const channel = api.output as unknown as Record<string, (...args: unknown[]) => void>;
  const methods = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace'];
  const originals = new Map(methods.map((m) => [m, channel[m]]));
  for (const m of methods) {
    const original = originals.get(m)!;
    channel[m] = (...args: unknown[]) => {
      lines.push(...args.map(String).join(' ').split('\n'));
      return original.apply(api.output, args);
    };
  }
  try {
    await body();
  } finally {
    for (const m of methods) channel[m] = originals.get(m)!;
  }
  return lines;
}

export interface Toast {
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly buttons: readonly string[];
}

/**
 * Records every notification the extension raises while `body` runs, whichever way it raises it, by
 * wrapping `vscode.window`'s show…Message functions (the extension and its tests share one API object).
 */
export async function recordToasts<T>(body: () => PromiseLike<T>): Promise<{ result: T; toasts: Toast[] }> {
  const toasts: Toast[] = [];
  const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const levels = {
    showInformationMessage: 'info',
    showWarningMessage: 'warning',
    showErrorMessage: 'error',
  } as const;
  const originals = new Map(Object.keys(levels).map((name) => [name, window[name]]));
  for (const [name, level] of Object.entries(levels)) {
    const original = originals.get(name)!;
    window[name] = (text: unknown, ...rest: unknown[]) => {
      const buttons = rest.filter((r): r is string => typeof r === 'string');
      toasts.push({ level, text: String(text), buttons });
      return original.call(vscode.window, text, ...rest);
    };
  }
  try {
    return { result: await body(), toasts };
  } finally {
    for (const name of Object.keys(levels)) window[name] = originals.get(name)!;
  }
}

/** An input of `n` keys, for which sandbox/echo streams n + 1 events (also used by `npm run bench`). */
export const keys = (n: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i + 1}`, i + 1]));

/** Every file under `dir` whose name ends with `suffix` (every file for ''). */
export function filesUnder(dir: string, suffix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith(suffix) && fs.statSync(f).isFile());
}

/**
 * The "fal" channel's log file, found by a marker written to it: VS Code keeps it in the window's log
 * folder (`output_logging_<time>/<n>-fal.log`), beside this extension's own (context.logUri).
 */
export async function channelLogFile(api: FalPlaygroundApi): Promise<string> {
  const marker = `log file marker ${randomUUID()}`;
  api.output.info(marker);
  const windowLogs = path.dirname(path.dirname(api.logUri.fsPath));
  for (let i = 0; i < 100; i++) {
    const file = filesUnder(windowLogs, 'fal.log').find((f) => fs.readFileSync(f, 'utf8').includes(marker));
    if (file) return file;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no *fal.log under ${windowLogs} holds the marker`);
}

/**
 * Answers every modal question the extension asks while `body` runs with `answer(text)` (undefined:
 * the user closed it), by wrapping `vscode.window`'s show…Message functions as `recordToasts` does;
 * messages that are not modal go on as usual. Resolves with what `body` did and the questions asked.
 */
export async function answerModals<T>(
  answer: (text: string) => string | undefined,
  body: () => PromiseLike<T>,
): Promise<{ result: T; asked: string[] }> {
  const asked: string[] = [];
  const window = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = ['showInformationMessage', 'showWarningMessage', 'showErrorMessage'];
  const originals = new Map(names.map((name) => [name, window[name]]));
  for (const name of names) {
    const original = originals.get(name)!;
    window[name] = (text: unknown, ...rest: unknown[]) => {
      const options = rest[0] as { modal?: boolean } | undefined;
      if (typeof options !== 'object' || !options?.modal) return original.call(vscode.window, text, ...rest);
      asked.push(String(text));
      return Promise.resolve(answer(String(text)));
    };
  }
  try {
    return { result: await body(), asked };
  } finally {
    for (const name of names) window[name] = originals.get(name)!;
  }
}
