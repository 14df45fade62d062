// Files into a call's arguments, on the host side: a file the user chose (the open dialog, starting
// in the workspace) or dropped from the Explorer (a URI) is read through `workspace.fs`, so remote
// workspaces work, then uploaded with the client's storage (multipart for big files, progress told,
// cancellable) and its URL goes into the value; for realtime the bytes go inline as a data URL, as
// fal's realtime takes them. A file outside the workspace is read only after the user agrees.
import * as vscode from 'vscode';
import type { Connection } from '../connection/falConnection';
import { sniffContentType } from '../fal/storage';
import { contentTypeOfName } from '../common/contentTypes';
import { withoutLinks } from '../common/recordText';

/** A file put into an argument: where it is now, and what to show of it. */
export interface PlacedFile {
  /** The uploaded file's URL, or a data URL (realtime). */
  readonly url: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
}

export interface PlaceOptions {
  /** Realtime: the bytes inline (a data URL) instead of an upload. */
  readonly inline?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
}

/** The user said no to reading a file from outside the workspace. */
export class FileRefusedError extends Error {
  constructor(name: string) {
    super(`${name} is outside the workspace and was not read.`);
    this.name = 'FileRefusedError';
  }
}

/** Largest file put inline (realtime frames carry it whole). */
export const MAX_INLINE_BYTES = 8 * 1024 * 1024;

export function contentTypeOf(name: string, firstBytes: Uint8Array): string {
  return contentTypeOfName(name) || sniffContentType(Buffer.from(firstBytes)) || 'application/octet-stream';
}

/** The open dialog, starting in the workspace's first folder; undefined when the user closed it. */
export async function chooseFile(title: string): Promise<vscode.Uri | undefined> {
  const [chosen] =
    (await vscode.window.showOpenDialog({
      title,
      canSelectMany: false,
      openLabel: 'Use this file',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    })) ?? [];
  return chosen;
}

/** Reads `uri` (asking first when it is outside the workspace) and puts it where the call can use it. */
export async function placeFile(
  connection: Connection,
  uri: vscode.Uri,
  options: PlaceOptions = {},
): Promise<PlacedFile> {
  const name = uri.path.split('/').pop() || 'file';
  if (!vscode.workspace.getWorkspaceFolder(uri)) {
    const choice = await vscode.window.showWarningMessage(
      withoutLinks(
        `${uri.fsPath || uri.toString()} is outside the workspace. Read it and send it to ${connection.description}?`,
      ),
      { modal: true },
      'Read and Send',
    );
    if (choice !== 'Read and Send') throw new FileRefusedError(name);
  }
  const bytes = await vscode.workspace.fs.readFile(uri);
  return placeBytes(connection, bytes, name, contentTypeOf(name, bytes.subarray(0, 16)), options);
}

/** Puts bytes (a file read, or pasted in the page) where the call can use them: uploaded, or inline. */
export async function placeBytes(
  connection: Connection,
  bytes: Uint8Array,
  name: string,
  contentType: string,
  options: PlaceOptions = {},
): Promise<PlacedFile> {
  if (options.inline) {
    if (bytes.byteLength > MAX_INLINE_BYTES) {
      throw new Error(
        `${name} is too large to send inline (${bytes.byteLength} bytes, at most ${MAX_INLINE_BYTES}).`,
      );
    }
    const url = `data:${contentType};base64,${Buffer.from(bytes).toString('base64')}`;
    options.onProgress?.(bytes.byteLength, bytes.byteLength);
    return { url, name, contentType, size: bytes.byteLength };
  }
  const url = await connection.client.storage.upload(bytes, {
    contentType,
    fileName: name,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { url, name, contentType, size: bytes.byteLength };
}
