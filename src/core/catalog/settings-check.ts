import type { Settings, SettingsWarning } from '../config/settings';
import { baseUrlEnvVar } from '../providers/registry';
import type { Catalog } from './catalog';
import { closestIds } from './suggest';

type CheckedCatalog = Pick<Catalog, 'has' | 'provider' | 'providers' | 'suggest'>;

const BASE_URL_ENV = /^SWITCHBOARD_.+_BASE_URL$/;

/**
 * A model id is known when the catalog has it, or when it belongs to a local provider whose models are discovered
 * at run time (they may not be in the catalog yet). Asks without pricing the entry.
 */
export function isKnownModel(id: string, catalog: Pick<Catalog, 'has' | 'provider'>): boolean {
  if (catalog.has(id)) return true;
  const slash = id.indexOf('/');
  return slash > 0 && catalog.provider(id.slice(0, slash))?.local === true;
}

const didYouMean = (ids: readonly string[]): string => (ids.length ? ` Did you mean ${ids.map((id) => `"${id}"`).join(', ')}?` : '');

/**
 * Settings and env vars that name a provider or a model the catalog does not have, each as a warning: a base URL
 * for a misspelt provider would otherwise do nothing without a word (its requests going to the provider's own
 * endpoint), and an alias would fail only when used, naming the model but not the alias. Nothing is changed. The
 * catalog is built only when something needs checking.
 */
export function checkCatalogReferences(
  settings: Pick<Settings, 'providers' | 'aliases'>,
  env: Record<string, string | undefined>,
  catalogOf: () => CheckedCatalog,
): SettingsWarning[] {
  const overrides = Object.keys(settings.providers);
  const aliases = Object.entries(settings.aliases);
  const envVars = Object.keys(env).filter((name) => BASE_URL_ENV.test(name) && env[name]?.trim());
  if (!overrides.length && !aliases.length && !envVars.length) return [];
  const catalog = catalogOf();
  const warnings: SettingsWarning[] = [];
  const providerIds = catalog.providers().map((p) => p.id);
  for (const id of overrides) {
    if (catalog.provider(id)) continue;
    warnings.push({
      setting: 'switchboard.providers',
      message: `switchboard.providers has overrides for "${id}", which is not a provider, so they apply to nothing.${didYouMean(closestIds(id, providerIds, 1))}`,
    });
  }
  const envVarNames = providerIds.map(baseUrlEnvVar);
  for (const name of envVars) {
    if (envVarNames.includes(name)) continue;
    warnings.push({
      setting: 'switchboard.providers',
      message: `The env var ${name} names no provider, so it applies to nothing.${didYouMean(closestIds(name, envVarNames, 1))}`,
    });
  }
  for (const [alias, id] of aliases) {
    if (isKnownModel(id, catalog)) continue;
    warnings.push({
      setting: 'switchboard.aliases',
      message: `switchboard.aliases: "${alias}" stands for "${id}", which is not in the catalog, so requests to "${alias}" fail.${didYouMean(catalog.suggest(id))}`,
    });
  }
  return warnings;
}
