// A status bar item that says where calls go ("fal: sandbox" or "fal: fal.ai") and how many requests
// are running, so nobody calls fal.ai thinking it is the sandbox (or the reverse). Clicking it picks
// the target (fal: Select Target).
import * as vscode from 'vscode';
import { isFinal } from '../common/callModel';
import type { RequestStore } from '../requests/requestStore';
import { describeTarget, readTarget } from '../target';

export class TargetStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('fal.target', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];
  /** The records still running, kept as they change (a change of one record costs no recount). */
  private readonly running = new Set<string>();
  private target = readTarget();

  constructor(private readonly store: RequestStore) {
    this.item.name = 'fal Target';
    this.item.command = 'fal.selectTarget';
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('fal') && this.update()),
      store.onDidChange((record) => {
        if (!record) return this.update();
        const was = this.running.has(record.id);
        if (was === !isFinal(record)) return;
        if (was) this.running.delete(record.id);
        else this.running.add(record.id);
        this.show();
      }),
    ];
    this.update();
    this.item.show();
  }

  /** Reads the target and counts the running records again. */
  update(): void {
    this.target = readTarget();
    this.running.clear();
    for (const record of this.store.all()) if (!isFinal(record)) this.running.add(record.id);
    this.show();
  }

  private show(): void {
    const target = this.target;
    const running = this.running.size;
    const where = target.kind === 'fal.ai' ? 'fal.ai' : 'sandbox';
    this.item.text = running > 0 ? `$(sync~spin) fal: ${where} · ${running}` : `$(cloud) fal: ${where}`;
    this.item.tooltip = `Calls go to ${describeTarget(target)}.${running ? ` ${running} running.` : ''} Click to choose.`;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/**
 * "fal: Select Target": the sandbox (no key) or fal.ai (with the key), saved where it takes effect:
 * in the workspace (folder) settings when they set `fal.target` (a user value would be shadowed
 * there), else in the user settings.
 */
export async function selectTarget(chosen?: 'sandbox' | 'fal.ai'): Promise<void> {
  const current = readTarget().kind === 'fal.ai' ? 'fal.ai' : 'sandbox';
  const picked = chosen
    ? { value: chosen }
    : await vscode.window.showQuickPick(
        [
          {
            label: 'sandbox',
            description: 'the fal sandbox: no key, nothing leaves this machine',
            value: 'sandbox',
          },
          { label: 'fal.ai', description: 'fal itself, with your fal key', value: 'fal.ai' },
        ].map((i) => ({
          ...i,
          picked: i.value === current,
          detail: i.value === current ? 'current' : undefined,
        })),
        { title: 'fal: Select Target', placeHolder: 'Where calls go' },
      );
  if (!picked || picked.value === current) return;
  const config = vscode.workspace.getConfiguration('fal');
  await config.update('target', picked.value, settingScope(config.inspect<string>('target')));
}

/** Calls go to the embedded sandbox: `fal.sandboxUrl` cleared (a machine setting: the user's), the sandbox target picked. */
export async function useEmbeddedSandbox(): Promise<void> {
  const config = vscode.workspace.getConfiguration('fal');
  await config.update('sandboxUrl', undefined, vscode.ConfigurationTarget.Global);
  if (readTarget().kind === 'fal.ai') await selectTarget('sandbox');
}

/** Where a new value of a setting takes effect: the most specific scope that sets it now, else the user's. */
export function settingScope(
  inspected: { workspaceFolderValue?: unknown; workspaceValue?: unknown } | undefined,
): vscode.ConfigurationTarget {
  if (inspected?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (inspected?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}
