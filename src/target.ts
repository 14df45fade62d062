// Which fal the extension talks to, from its settings: fal.ai itself, a sandbox at a URL (a user's
// `npm run sandbox`, or the one `npm start` runs, handed over in FAL_SANDBOX_URL), or, by default,
// the sandbox embedded in the extension.
import * as vscode from 'vscode';
import { falHosts, sandboxHosts, type FalHosts } from './common/hosts';

export type Target =
  | { readonly kind: 'fal.ai'; readonly hosts: FalHosts }
  | { readonly kind: 'sandbox'; readonly url: string; readonly hosts: FalHosts }
  | { readonly kind: 'embedded-sandbox' };

export function readTarget(env: NodeJS.ProcessEnv = process.env): Target {
  const config = vscode.workspace.getConfiguration('fal');
  if (config.get<string>('target') === 'fal.ai') return { kind: 'fal.ai', hosts: falHosts() };
  const url = (config.get<string>('sandboxUrl') || env.FAL_SANDBOX_URL || '').trim();
  if (url) return { kind: 'sandbox', url, hosts: sandboxHosts(url) };
  return { kind: 'embedded-sandbox' };
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'fal.ai':
      return 'fal.ai';
    case 'sandbox':
      return `the fal sandbox at ${target.url}`;
    case 'embedded-sandbox':
      return 'the embedded fal sandbox';
  }
}
