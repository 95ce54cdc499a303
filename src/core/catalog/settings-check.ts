import type { Settings, SettingsWarning } from '../config/settings';
import type { Catalog } from './catalog';
import { closestIds } from './suggest';

type CheckedCatalog = Pick<Catalog, 'has' | 'provider' | 'providers' | 'suggest'>;

const didYouMean = (ids: readonly string[]): string => (ids.length ? ` Did you mean ${ids.map((id) => `"${id}"`).join(', ')}?` : '');

/**
 * Settings that name a provider or a model the catalog does not have, each as a warning: overrides for a misspelt
 * provider would otherwise do nothing without a word (its requests going to the provider's own endpoint), and an
 * alias would fail only when used, naming the model but not the alias. The settings stay as they are.
 */
export function checkCatalogReferences(settings: Pick<Settings, 'providers' | 'aliases'>, catalog: CheckedCatalog): SettingsWarning[] {
  const warnings: SettingsWarning[] = [];
  const providerIds = catalog.providers().map((p) => p.id);
  for (const id of Object.keys(settings.providers)) {
    if (catalog.provider(id)) continue;
    warnings.push({
      setting: 'switchboard.providers',
      message: `switchboard.providers has overrides for "${id}", which is not a provider, so they apply to nothing.${didYouMean(closestIds(id, providerIds, 1))}`,
    });
  }
  for (const [alias, id] of Object.entries(settings.aliases)) {
    const slash = id.indexOf('/');
    // A local server's models join the catalog only once they are found.
    if (catalog.has(id) || (slash > 0 && catalog.provider(id.slice(0, slash))?.local)) continue;
    warnings.push({
      setting: 'switchboard.aliases',
      message: `switchboard.aliases: "${alias}" stands for "${id}", which is not in the catalog, so requests to "${alias}" fail.${didYouMean(catalog.suggest(id))}`,
    });
  }
  return warnings;
}
