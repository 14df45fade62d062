// The "Requests" tree in the fal sidebar. Empty until the request store arrives; while it is empty,
// VS Code shows the welcome content declared in package.json.
import * as vscode from 'vscode';

export class RequestsTreeProvider implements vscode.TreeDataProvider<vscode.TreeItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.TreeItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  getTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    return item;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }

  refresh(item?: vscode.TreeItem): void {
    this.changed.fire(item);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
