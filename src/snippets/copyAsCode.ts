// "Copy as Code": asks which language (JavaScript with @fal-ai/client, Python with fal_client, curl)
// and copies the call, from a request of the Requests view or from the playground's form.
import * as vscode from 'vscode';
import { codeSnippet, type SnippetCall, type SnippetLanguage } from './codeSnippets';

const LANGUAGES: Array<vscode.QuickPickItem & { language: SnippetLanguage }> = [
  { label: 'JavaScript', description: '@fal-ai/client', language: 'javascript' },
  { label: 'Python', description: 'fal_client', language: 'python' },
  { label: 'curl', description: 'shell', language: 'curl' },
];

/** Copies the call as code; `language` skips the question. Resolves with the snippet, or undefined. */
export async function copyAsCode(call: SnippetCall, language?: SnippetLanguage): Promise<string | undefined> {
  const chosen =
    language ??
    (
      await vscode.window.showQuickPick(LANGUAGES, {
        title: `Copy ${call.endpointId} as code`,
        placeHolder: 'Language',
      })
    )?.language;
  if (!chosen) return undefined;
  const snippet = codeSnippet(chosen, call);
  await vscode.env.clipboard.writeText(snippet);
  const label = LANGUAGES.find((l) => l.language === chosen)!.label;
  void vscode.window.setStatusBarMessage(
    `Copied ${call.method} ${call.endpointId} as ${label}; the key comes from FAL_KEY.`,
    4000,
  );
  return snippet;
}
