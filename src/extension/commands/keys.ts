import * as vscode from 'vscode';
import { CLOUDFLARE_GATEWAY_KEY } from '../../core/keys';
import type { ProviderDefinition } from '../../core/providers/types';
import type { Services } from '../services';

export interface KeyArgs {
  /** A provider id: skips the provider picker. */
  provider?: string;
  /** The key: skips the input box (Set API Key only). */
  key?: string;
}

type ProviderItem = vscode.QuickPickItem & { provider: ProviderDefinition };

/** Providers that take a key, and the Cloudflare AI Gateway token, which is stored like one. */
async function keyedProviders(services: Services): Promise<ProviderDefinition[]> {
  const gateway = await services.gateway.get();
  return [...gateway.catalog.providers().filter((p) => p.auth !== 'none'), CLOUDFLARE_GATEWAY_KEY];
}

async function describeKey(services: Services, provider: ProviderDefinition): Promise<string> {
  if (await services.keys.has(provider.id)) return '$(key) key stored';
  const envVar = provider.apiKeyEnv.find((name) => process.env[name]?.trim());
  if (envVar) return `$(terminal) using ${envVar} from the environment`;
  return provider.keyUrl ? `no key · get one at ${provider.keyUrl}` : 'no key';
}

async function findProvider(services: Services, id: string): Promise<ProviderDefinition | undefined> {
  const provider = (await keyedProviders(services)).find((p) => p.id === id);
  if (!provider) void vscode.window.showErrorMessage(`Switchboard: no provider "${id}" takes an API key.`);
  return provider;
}

async function pickProvider(providers: ProviderDefinition[], services: Services, title: string): Promise<ProviderDefinition | undefined> {
  const items: ProviderItem[] = await Promise.all(
    providers.map(async (provider) => ({ label: provider.name, description: provider.id, detail: await describeKey(services, provider), provider })),
  );
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.provider;
}

/** Switchboard: Set API Key: a provider, then its key in a password box; stored in SecretStorage. */
export async function setApiKey(services: Services, args: KeyArgs = {}): Promise<string | undefined> {
  const provider = args.provider
    ? await findProvider(services, args.provider)
    : await pickProvider(await keyedProviders(services), services, 'Switchboard: Set API Key');
  if (!provider) return undefined;
  const key =
    args.key ??
    (await vscode.window.showInputBox({
      title: `${provider.name} API key`,
      prompt: `Stored in VS Code's secret storage.${provider.keyUrl ? ` Get a key at ${provider.keyUrl}` : ''}`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Paste the key, or press Escape to cancel.'),
    }));
  if (!key?.trim()) return undefined;
  await services.keys.store(provider.id, key);
  void vscode.window.showInformationMessage(`Switchboard: stored the ${provider.name} key.`);
  return provider.id;
}

/** Switchboard: Clear API Key: removes a stored key (env vars are untouched). */
export async function clearApiKey(services: Services, args: KeyArgs = {}): Promise<string | undefined> {
  let provider: ProviderDefinition | undefined;
  if (args.provider) {
    provider = await findProvider(services, args.provider);
  } else {
    const all = await keyedProviders(services);
    const stored = (await Promise.all(all.map(async (p) => ((await services.keys.has(p.id)) ? p : undefined)))).filter(
      (p): p is ProviderDefinition => p !== undefined,
    );
    if (!stored.length) {
      void vscode.window.showInformationMessage('Switchboard: no API keys are stored.');
      return undefined;
    }
    provider = await pickProvider(stored, services, 'Switchboard: Clear API Key');
  }
  if (!provider) return undefined;
  await services.keys.delete(provider.id);
  void vscode.window.showInformationMessage(`Switchboard: removed the stored ${provider.name} key.`);
  return provider.id;
}
