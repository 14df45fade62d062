// Where a new request file or an export goes: the path given (tests, other extensions), else the save
// dialog starting in the workspace folder with a proposed name; with no folder open, a file to open
// (a request file) becomes an untitled editor with that name (its CodeLens works there too).
import * as vscode from 'vscode';

/** The save dialog's filter for request files. */
export const REQUEST_FILE_FILTERS: Record<string, string[]> = { 'fal request files': ['fal.json', 'json'] };

export interface WriteOptions {
  readonly title: string;
  /** The proposed file name, e.g. `image.fal.json`. */
  readonly name: string;
  readonly filters: Record<string, string[]>;
  /** Skip the dialog and write here. */
  readonly target?: vscode.Uri;
  /** Open the file written in an editor. */
  readonly open?: boolean;
}

/** Writes `text` where the user says; resolves with where it went, or undefined when the user gave up. */
export async function writeTextFile(text: string, options: WriteOptions): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!options.target && !folder && options.open) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(`untitled:${options.name}`));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), text));
    return document.uri;
  }
  const uri =
    options.target ??
    (await vscode.window.showSaveDialog({
      title: options.title,
      defaultUri: folder && vscode.Uri.joinPath(folder, options.name),
      filters: options.filters,
      saveLabel: 'Save',
    }));
  if (!uri) return undefined;
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  if (options.open) await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}
