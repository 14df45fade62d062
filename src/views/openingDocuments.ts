// VS Code drops a content provider's change event for a document that is still opening: its content
// asked for, the document not yet open in the extension host (which checks for the document before
// it reads the content again). A provider whose content can change in that window notes what each
// document's content was made from; once the document is open, a change since is told again.
// Without it, a request completing as its output document opened left it at "No output yet" for good.
import * as vscode from 'vscode';

export class OpeningDocuments implements vscode.Disposable {
  /**
   * What each document's content was last made from, by URI: noted as VS Code asks for it (as it
   * opens, and at each reading again while open), kept until the document opens or closes (one asked
   * for and never opened keeps its entry, a few bytes).
   */
  private readonly madeFrom = new Map<string, unknown>();
  private readonly subscriptions: vscode.Disposable[];

  /**
   * `current(uri)` is what the document's content would be made from now (compared with `===`);
   * `tell(uri)` fires the provider's change event for it.
   */
  constructor(
    scheme: string,
    private readonly current: (uri: vscode.Uri) => unknown,
    tell: (uri: vscode.Uri) => void,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument(({ uri }) => {
        const key = uri.toString();
        if (uri.scheme !== scheme || !this.madeFrom.has(key)) return;
        const madeFrom = this.madeFrom.get(key);
        this.madeFrom.delete(key);
        if (madeFrom !== this.current(uri)) tell(uri);
      }),
      vscode.workspace.onDidCloseTextDocument(({ uri }) => this.madeFrom.delete(uri.toString())),
    ];
  }

  /** Notes what `uri`'s content is being made from now (call it as the content is asked for). */
  made(uri: vscode.Uri): void {
    this.madeFrom.set(uri.toString(), this.current(uri));
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
