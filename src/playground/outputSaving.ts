// Saving a call's output files, host side: one item where the user picks (the save dialog), or all of
// them into a folder (the folder picker, starting in `fal.outputs.folder` or the workspace), named
// `<endpoint id with - for />-<request id>-<n>.<ext>`. The host downloads each file itself (http(s)
// with Node's fetch, data URLs decoded), in a cancellable progress notification, and writes it
// through `workspace.fs`, so remote workspaces work. Only URLs from the output are fetched.
import * as vscode from 'vscode';
import type { RequestRecord } from '../common/callModel';
import { findOutputMedia, type OutputMedia } from '../common/outputMedia';
import { outputFileName } from '../common/outputFileNames';
import { withoutLinks } from '../common/recordText';

export const OUTPUTS_FOLDER_SETTING = 'outputs.folder';

/** A file saved: where, and how many bytes. */
export interface SavedOutput {
  readonly uri: vscode.Uri;
  readonly bytes: number;
}

/** The folder the pickers start in: `fal.outputs.folder` (relative to the workspace's first folder), else that folder. */
export function defaultOutputsFolder(): vscode.Uri | undefined {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri;
  const setting = vscode.workspace.getConfiguration('fal').get<string>(OUTPUTS_FOLDER_SETTING)?.trim();
  if (!setting) return workspace;
  if (/^([a-z]:[\\/]|[\\/])/i.test(setting))
    return workspace?.with({ path: setting }) ?? vscode.Uri.file(setting);
  return workspace ? vscode.Uri.joinPath(workspace, setting) : undefined;
}

/** The name an output file gets: by endpoint id, request id (or the record's id) and its number from 1. */
function fileNameOf(record: RequestRecord, index: number, media: OutputMedia): string {
  return outputFileName(record.endpointId, record.requestId ?? record.id, index + 1, media);
}

/** The bytes of an output's URL: a data URL decoded, an http(s) URL downloaded. */
export async function downloadOutput(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const data = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (data) {
    return data[2] ? Buffer.from(data[3], 'base64') : Buffer.from(decodeURIComponent(data[3]), 'utf8');
  }
  if (!/^https?:\/\//i.test(url)) throw new Error(`Not an http(s) or data URL: ${url.slice(0, 80)}`);
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Saves every media item of the record's output into a folder: `folder`, or the one the user picks.
 * Resolves with what was saved; an empty list when the user closed the picker or cancelled.
 */
export async function saveAllOutputs(
  record: RequestRecord,
  output: unknown,
  folder?: vscode.Uri,
): Promise<SavedOutput[]> {
  const media = findOutputMedia(output);
  if (media.length === 0) {
    void vscode.window.showInformationMessage(
      withoutLinks(`The output of ${record.endpointId} has no files to save.`),
    );
    return [];
  }
  const target =
    folder ??
    (
      await vscode.window.showOpenDialog({
        title: `Save ${media.length} output file${media.length === 1 ? '' : 's'} of ${record.endpointId}`,
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Save Here',
        defaultUri: defaultOutputsFolder(),
      })
    )?.[0];
  if (!target) return [];
  const items = media.map((m, i) => ({
    media: m,
    uri: vscode.Uri.joinPath(target, fileNameOf(record, i, m)),
  }));
  const saved = await saveWithProgress(`Saving outputs of ${record.endpointId}`, items);
  if (saved.length)
    void vscode.window.setStatusBarMessage(
      `Saved ${saved.length} output file${saved.length === 1 ? '' : 's'} to ${target.fsPath || target.toString()}`,
      5000,
    );
  return saved;
}

/** Saves one media item (the `index`-th of the output) where the user picks; `to` skips the dialog. */
export async function saveOneOutput(
  record: RequestRecord,
  output: unknown,
  index: number,
  url: string,
  to?: vscode.Uri,
): Promise<SavedOutput | undefined> {
  const media = findOutputMedia(output)[index];
  // The page names the item it showed; a record that changed since is not saved by a stale index.
  if (!media || media.url !== url)
    throw new Error('That output is no longer shown; save it from the new result.');
  const folder = defaultOutputsFolder();
  const name = fileNameOf(record, index, media);
  const uri =
    to ??
    (await vscode.window.showSaveDialog({
      title: `Save ${media.name}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      saveLabel: 'Save',
    }));
  if (!uri) return undefined;
  const [saved] = await saveWithProgress(`Saving ${media.name}`, [{ media, uri }]);
  if (saved) void vscode.window.setStatusBarMessage(`Saved ${uri.fsPath || uri.toString()}`, 5000);
  return saved;
}

/** Downloads and writes each item in a cancellable progress notification; stops at the first failure. */
async function saveWithProgress(
  title: string,
  items: ReadonlyArray<{ media: OutputMedia; uri: vscode.Uri }>,
): Promise<SavedOutput[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: withoutLinks(title), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const cancelled = token.onCancellationRequested(() => abort.abort());
      const saved: SavedOutput[] = [];
      try {
        for (const [i, { media, uri }] of items.entries()) {
          if (token.isCancellationRequested) break;
          progress.report({ message: withoutLinks(`${i + 1} of ${items.length}: ${media.name}`) });
          let bytes: Uint8Array;
          try {
            bytes = await downloadOutput(media.url, abort.signal);
          } catch (err) {
            if (token.isCancellationRequested) break;
            throw new Error(`Could not download ${media.name}: ${(err as Error).message}`);
          }
          await vscode.workspace.fs.writeFile(uri, bytes);
          saved.push({ uri, bytes: bytes.byteLength });
          progress.report({ increment: 100 / items.length });
        }
      } finally {
        cancelled.dispose();
      }
      return saved;
    },
  );
}
