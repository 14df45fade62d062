// A status bar item that says where calls go ("fal: sandbox" or "fal: fal.ai") and how many requests
// are running, so nobody calls fal.ai thinking it is the sandbox (or the reverse). Clicking it picks
// the target (fal: Select Target).
import * as vscode from 'vscode';
import { isFinal } from '../common/callModel';
import type { RequestStore } from '../requests/requestStore';
import { describeTarget, readTarget, type Target } from '../target';

export class TargetStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('fal.target', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];
  /** Where calls go, read again only when a `fal` setting changes. */
  private target: Target;
  /**
   * The records seen running. A stream changes its record thousands of times a second: each change
   * only moves that record in or out of this set, and the item is touched only when its text would
   * change (reading the settings and counting every record per change cost more than the call).
   */
  private readonly running = new Set<string>();

  constructor(private readonly store: RequestStore) {
    this.item.name = 'fal Target';
    this.item.command = 'fal.selectTarget';
    this.target = readTarget();
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('fal')) return;
        this.target = readTarget();
        this.show();
      }),
      store.onDidChange((record) => {
        if (!record) return this.recount();
        const before = this.running.size;
        if (isFinal(record)) this.running.delete(record.id);
        else this.running.add(record.id);
        if (this.running.size !== before) this.show();
      }),
    ];
    this.recount();
    this.item.show();
  }

  /** Counts the running records afresh (the list changed as a whole). */
  private recount(): void {
    this.running.clear();
    for (const record of this.store.all()) if (!isFinal(record)) this.running.add(record.id);
    this.show();
  }

  private show(): void {
    const running = this.running.size;
    const where = this.target.kind === 'fal.ai' ? 'fal.ai' : 'sandbox';
    const text = running > 0 ? `$(sync~spin) fal: ${where} · ${running}` : `$(cloud) fal: ${where}`;
    const tooltip = `Calls go to ${describeTarget(this.target)}.${running ? ` ${running} running.` : ''} Click to choose.`;
    // Each assignment is a message to the window, even of the same text.
    if (this.item.text !== text) this.item.text = text;
    if (this.item.tooltip !== tooltip) this.item.tooltip = tooltip;
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
