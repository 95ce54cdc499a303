import * as vscode from 'vscode';
import { chainKeySources, envKeySource, type KeySource } from '../core/keys';

const KEY_PREFIX = 'switchboard.key.';

/** The SecretStorage entry that holds a provider's key. */
export const secretKeyName = (providerId: string): string => `${KEY_PREFIX}${providerId}`;

/** Provider keys in VS Code's SecretStorage, with the process environment as fallback. */
export class KeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly subscription: vscode.Disposable;
  /** Fires with the id of the provider whose stored key changed. */
  readonly onDidChange = this.changed.event;
  /** What the gateway asks for keys: SecretStorage first, then the provider's env vars. */
  readonly source: KeySource;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    env: Record<string, string | undefined> = process.env,
  ) {
    this.source = chainKeySources({ getKey: (provider) => this.get(provider.id) }, envKeySource(env));
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(KEY_PREFIX)) this.changed.fire(e.key.slice(KEY_PREFIX.length));
    });
  }

  async get(providerId: string): Promise<string | undefined> {
    const value = (await this.secrets.get(secretKeyName(providerId)))?.trim();
    return value || undefined;
  }

  async has(providerId: string): Promise<boolean> {
    return (await this.get(providerId)) !== undefined;
  }

  async store(providerId: string, key: string): Promise<void> {
    await this.secrets.store(secretKeyName(providerId), key.trim());
  }

  async delete(providerId: string): Promise<void> {
    await this.secrets.delete(secretKeyName(providerId));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
