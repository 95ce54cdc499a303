import * as vscode from 'vscode';
import { inService, lifecycleNote } from '../../core/catalog/lifecycle';
import { formatTokens } from '../../core/format';
import type { CatalogEntry } from '../../core/catalog/types';
import type { Gateway } from '../../core/gateway';
import type { ProviderDefinition } from '../../core/providers/types';
import type { Services } from '../services';
import { SECTION, settingsScope } from '../settings';

export type SettingsTarget = 'workspace' | 'user';

export interface SwitchModelArgs {
  /** A catalog id or alias: skips the model picker. */
  model?: string;
  /** Skips the target picker. */
  target?: SettingsTarget;
}

interface ModelItem extends vscode.QuickPickItem {
  modelId?: string;
  /** The provider needs a key and none is set. */
  missingKeyFor?: string;
}

/** How long the picker waits for Ollama and LM Studio to answer before listing without them. */
const LOCAL_DISCOVERY_TIMEOUT_MS = 1500;

const price = (usd: number): string => `$${Number(usd.toPrecision(3))}`;

/** One line on what a model costs and can do, and whether a request would find a key. */
export function describeModel(entry: CatalogEntry, provider: ProviderDefinition | undefined, keySet: boolean): string {
  const parts = [
    entry.price ? `${price(entry.price.input)} in / ${price(entry.price.output)} out per 1M` : 'price unknown',
    `${formatTokens(entry.contextWindow)} context`,
  ];
  const capabilities = Object.entries(entry.capabilities)
    .filter(([name, on]) => on && name !== 'streaming')
    .map(([name]) => name);
  if (capabilities.length) parts.push(capabilities.join(', '));
  if (provider?.auth === 'none') parts.push('$(vm) local, no key needed');
  else parts.push(keySet ? '$(key) key set' : '$(warning) no key');
  const lifecycle = lifecycleNote(entry);
  if (lifecycle) parts.push(`$(warning) ${lifecycle}`);
  return parts.join(' · ');
}

/** The catalog as picker items, grouped under a separator per provider. */
async function modelItems(gateway: Gateway, current: string): Promise<ModelItem[]> {
  await gateway.discoverLocalModels(AbortSignal.timeout(LOCAL_DISCOVERY_TIMEOUT_MS)).catch(() => []);
  const catalog = gateway.catalog;
  const byProvider = new Map<string, CatalogEntry[]>();
  // The model in use stays listed even when retired: its line says what to switch to.
  for (const entry of inService(catalog.entries(), current)) byProvider.set(entry.provider, [...(byProvider.get(entry.provider) ?? []), entry]);
  const keys = new Map(await Promise.all([...byProvider.keys()].map(async (id) => [id, await gateway.hasKey(id)] as const)));
  const items: ModelItem[] = [];
  for (const [providerId, entries] of byProvider) {
    const provider = catalog.provider(providerId);
    items.push({ label: provider?.name ?? providerId, kind: vscode.QuickPickItemKind.Separator });
    for (const entry of entries) {
      items.push({
        label: `${entry.id === current ? '$(check) ' : ''}${entry.displayName}`,
        description: entry.id,
        detail: describeModel(entry, provider, keys.get(providerId) ?? false),
        modelId: entry.id,
        missingKeyFor: keys.get(providerId) ? undefined : providerId,
      });
    }
  }
  return items;
}

async function pickModel(services: Services): Promise<ModelItem | undefined> {
  const current = services.settings.current.model;
  const picker = vscode.window.createQuickPick<ModelItem>();
  picker.title = 'Switchboard: Switch Model';
  picker.placeholder = `Current: ${current}. Type to filter by name, provider, price or capability.`;
  picker.matchOnDescription = true;
  picker.matchOnDetail = true;
  picker.busy = true;
  picker.show();
  try {
    const chosen = new Promise<ModelItem | undefined>((resolve) => {
      picker.onDidAccept(() => resolve(picker.selectedItems[0]));
      picker.onDidHide(() => resolve(undefined));
    });
    const items = await modelItems(await services.gateway.get(), current);
    picker.items = items;
    picker.activeItems = items.filter((i) => i.modelId === current);
    picker.busy = false;
    return await chosen;
  } finally {
    picker.dispose();
  }
}

async function pickTarget(model: string): Promise<SettingsTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return 'user';
  const items: (vscode.QuickPickItem & { target: SettingsTarget })[] = [
    { label: '$(folder) Workspace settings', description: 'this workspace only', target: 'workspace' },
    { label: '$(account) User settings', description: 'every workspace without its own choice', target: 'user' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Use ${model} in…`, placeHolder: 'Where to save switchboard.model' });
  return picked?.target;
}

/** Switchboard: Switch Model: pick from the catalog, then save `switchboard.model` in workspace or user settings. */
export async function switchModel(services: Services, args: SwitchModelArgs = {}): Promise<string | undefined> {
  const picked = args.model === undefined ? await pickModel(services) : undefined;
  const model = args.model ?? picked?.modelId;
  if (!model) return undefined;
  const target = args.target ?? (await pickTarget(model));
  if (!target) return undefined;
  const config = vscode.workspace.getConfiguration(SECTION, settingsScope());
  await config.update('model', model, target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  const inspected = config.inspect<string>('model');
  if (target === 'user' && (inspected?.workspaceFolderValue ?? inspected?.workspaceValue) !== undefined) {
    void vscode.window.showWarningMessage(
      `Switchboard: saved ${model} in user settings, but this workspace sets switchboard.model itself, and that wins here.`,
    );
  }
  const missingKeyFor = picked?.missingKeyFor;
  if (missingKeyFor) {
    void vscode.window.showInformationMessage(`Switchboard: ${model} needs an API key.`, 'Set API Key').then((choice) => {
      if (choice) void vscode.commands.executeCommand('switchboard.setApiKey', { provider: missingKeyFor });
    });
  }
  return model;
}
