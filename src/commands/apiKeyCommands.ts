// "fal: Set API Key" and "fal: Clear API Key": the only ways the key enters or leaves SecretStorage.
// The key is typed into a password box and never echoed, logged or shown afterwards.
import * as vscode from 'vscode';
import { checkApiKey, type ApiKeyStore } from '../auth/apiKeyStore';
import { withoutLinks } from '../common/recordText';

export async function setApiKey(keys: ApiKeyStore, output: vscode.LogOutputChannel): Promise<boolean> {
  const key = await vscode.window.showInputBox({
    title: 'fal: Set API Key',
    prompt:
      "Your fal key (key_id:key_secret). It is kept in VS Code's secret storage and sent only to fal.ai.",
    placeHolder: 'key_id:key_secret',
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => checkApiKey(text),
  });
  if (key === undefined) return false;
  await keys.set(key);
  output.info("fal key saved in VS Code's secret storage");
  void vscode.window.showInformationMessage("fal key saved in VS Code's secret storage.");
  return true;
}

export async function clearApiKey(keys: ApiKeyStore, output: vscode.LogOutputChannel): Promise<void> {
  await keys.clear();
  const remaining = await keys.get();
  const note = remaining ? ' FAL_KEY from the environment still applies.' : '';
  output.info(`fal key removed from VS Code's secret storage.${note}`);
  void vscode.window.showInformationMessage(
    withoutLinks(`fal key removed from VS Code's secret storage.${note}`),
  );
}
