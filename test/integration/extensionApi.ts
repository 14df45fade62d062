// The extension under test, activated, and its API: shared by every integration test file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FalPlaygroundApi } from '../../src/extension';

export const EXTENSION_ID = 'fal-playground.fal-playground';

export async function activateExtension(): Promise<FalPlaygroundApi> {
  const extension = vscode.extensions.getExtension<FalPlaygroundApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.activate();
}

/** The `fal` settings, and a reset of those a test changed. */
export const falConfig = () => vscode.workspace.getConfiguration('fal');

export async function resetFalSettings(): Promise<void> {
  await falConfig().update('target', undefined, vscode.ConfigurationTarget.Global);
  await falConfig().update('sandboxUrl', undefined, vscode.ConfigurationTarget.Global);
}

/**
 * Records every line written to the "fal" channel while `body` runs, by wrapping the channel's
 * writing methods (the channel's text cannot be read back through the API).
 */
export async function recordOutput(api: FalPlaygroundApi, body: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const channel = api.output as unknown as Record<string, (...args: unknown[]) => void>;
  const methods = ['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace'];
  const originals = new Map(methods.map((m) => [m, channel[m]]));
  for (const m of methods) {
    const original = originals.get(m)!;
    channel[m] = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
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
