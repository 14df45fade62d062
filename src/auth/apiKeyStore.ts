// The fal key: kept in VS Code's SecretStorage (never in settings), with FAL_KEY (or FAL_KEY_ID +
// FAL_KEY_SECRET) from the environment as the fallback. Nothing here logs or shows the key.
import * as vscode from 'vscode';
import { credentialsFromEnv } from '../fal/config';

const SECRET = 'fal.apiKey';

/** Where the key in use comes from, for messages that must never contain the key itself. */
export type ApiKeySource = 'secret-storage' | 'environment';

export interface ApiKey {
  readonly value: string;
  readonly source: ApiKeySource;
}

/** A fal key is `key_id:key_secret`. Returns what is wrong with `text`, or undefined when it is fine. */
export function checkApiKey(text: string): string | undefined {
  const key = text.trim();
  if (!key) return 'Paste your fal key (key_id:key_secret).';
  if (/\s/.test(key)) return 'A fal key has no spaces.';
  if (!/^[^:]+:[^:]+$/.test(key)) {
    return 'A fal key looks like key_id:key_secret; create one at https://fal.ai/dashboard/keys.';
  }
  return undefined;
}

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the stored key is set or cleared, here or in another window. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key === SECRET) this.changed.fire();
    });
  }

  /** The key to send to fal.ai: the stored one, else the environment's, else undefined. */
  async get(): Promise<ApiKey | undefined> {
    const stored = await this.secrets.get(SECRET);
    if (stored) return { value: stored, source: 'secret-storage' };
    const fromEnv = credentialsFromEnv(this.env);
    return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
  }

  async set(key: string): Promise<void> {
    const problem = checkApiKey(key);
    if (problem) throw new Error(problem);
    await this.secrets.store(SECRET, key.trim());
  }

  /** Forgets the stored key (FAL_KEY, if set, still applies). */
  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
