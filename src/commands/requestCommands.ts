// Commands on one record of the Requests view (cancel, open output, input or diagnosis, copy the
// request id, remove) and on the whole list (clear finished). Each takes a tree node or a record id.
import * as vscode from 'vscode';
import { isFinal, type RequestRecord } from '../common/callModel';
import type { RequestRunner } from '../requests/requestRunner';
import type { RequestStore } from '../requests/requestStore';
import { requestDocumentUri, type RequestPart } from '../views/requestDocuments';
import type { RequestNode } from '../views/requestsTree';
import { withoutLinks } from '../common/recordText';

export type RecordArg = RequestNode | string | undefined;

export function recordOf(store: RequestStore, arg: RecordArg): RequestRecord | undefined {
  const id = typeof arg === 'string' ? arg : arg?.id;
  return id === undefined ? undefined : store.get(id);
}

export async function cancelRequest(
  store: RequestStore,
  runner: RequestRunner,
  arg: RecordArg,
): Promise<void> {
  const record = recordOf(store, arg);
  if (!record || isFinal(record)) return;
  try {
    await runner.cancel(record);
  } catch (err) {
    void vscode.window.showErrorMessage(
      withoutLinks(`Could not cancel ${record.endpointId}: ${(err as Error).message}`),
    );
  }
}

export async function openRequestDocument(
  store: RequestStore,
  arg: RecordArg,
  part: RequestPart,
): Promise<void> {
  const record = recordOf(store, arg);
  if (!record) return;
  await vscode.window.showTextDocument(requestDocumentUri(record, part), { preview: true });
}

export async function copyRequestId(store: RequestStore, arg: RecordArg): Promise<void> {
  const record = recordOf(store, arg);
  if (!record?.requestId) return;
  await vscode.env.clipboard.writeText(record.requestId);
  void vscode.window.setStatusBarMessage(`Copied request ID ${record.requestId}`, 3000);
}

export async function removeRequest(
  store: RequestStore,
  runner: RequestRunner,
  arg: RecordArg,
): Promise<void> {
  const record = recordOf(store, arg);
  if (!record) return;
  if (!isFinal(record)) {
    const choice = await vscode.window.showWarningMessage(
      withoutLinks(`${record.endpointId} is still running. Cancel it and remove it from the list?`),
      { modal: true },
      'Cancel and Remove',
    );
    if (!choice) return;
  }
  // The runner stops whatever runs (a realtime call too; a queue request is cancelled at fal).
  try {
    await runner.remove(record.id);
  } catch (err) {
    void vscode.window.showErrorMessage(
      withoutLinks(`Removed ${record.endpointId}, but could not cancel it at fal: ${(err as Error).message}`),
    );
  }
}

export function clearFinishedRequests(store: RequestStore): void {
  store.removeWhere(isFinal);
}
