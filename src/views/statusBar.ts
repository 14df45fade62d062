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

  constructor(private readonly store: RequestStore) {
    this.item.name = 'fal Target';
    this.item.command = 'fal.selectTarget';
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('fal') && this.update()),
      store.onDidChange(() => this.update()),
    ];
    this.update();
    this.item.show();
  }

  update(): void {
    const target = readTarget();
    const running = this.store.all().filter((r) => !isFinal(r)).length;
    const where = target.kind === 'fal.ai' ? 'fal.ai' : 'sandbox';
    this.item.text = running > 0 ? `$(sync~spin) fal: ${where} · ${running}` : `$(cloud) fal: ${where}`;
    this.item.tooltip = `Calls go to ${describeTarget(target)}.${running ? ` ${running} running.` : ''} Click to choose.`;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}

/** "fal: Select Target": the sandbox (no key) or fal.ai (with the key), saved in the user settings. */
export async function selectTarget(): Promise<void> {
  const current = readTarget().kind === 'fal.ai' ? 'fal.ai' : 'sandbox';
  const picked = await vscode.window.showQuickPick(
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
  await vscode.workspace
    .getConfiguration('fal')
    .update('target', picked.value, vscode.ConfigurationTarget.Global);
}
