// VS Code drops a content provider's change event for a document that is still opening: its content
// asked for, the document not yet open in the extension host (which checks for the document before
// it reads the content again). A provider whose content can change in that window notes what each
// document's content was made from; once the document is open, a change since is told again.
// Without it, a request completing as its output document opened left it at "No output yet" for good.
import * as vscode from 'vscode';

export class OpeningDocuments implements vscode.Disposable {
  /** What each document's content was made from, by URI, until it is open (or closed). */
  private readonly madeFrom = new Map<string, unknown>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * `current(uri)` is what the document's content would be made from now (compared with `===`);
   * `tell(uri)` fires the provider's change event for it.
   */
  constructor(scheme: string, current: (uri: vscode.Uri) => unknown, tell: (uri: vscode.Uri) => void) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument(({ uri }) => {
        const key = uri.toString();
        if (uri.scheme !== scheme || !this.madeFrom.has(key)) return;
        const madeFrom = this.madeFrom.get(key);
        this.madeFrom.delete(key);
        if (madeFrom !== current(uri)) tell(uri);
      }),
      vscode.workspace.onDidCloseTextDocument(({ uri }) => this.madeFrom.delete(uri.toString())),
    ];
  }

  /** Notes that `uri`'s content is being made from `source` (call it as the content is asked for). */
  made(uri: vscode.Uri, source: unknown): void {
    this.madeFrom.set(uri.toString(), source);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
