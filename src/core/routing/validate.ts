import { DEFAULT_SETTINGS, settingSchemas, type Settings, type SettingsWarning } from '../config/settings';
import { ANY_MODEL, type RoutingCatalog } from './candidates';
import { isKnownModel } from '../catalog/settings-check';
import { describeIssues } from '../validation-issues';

const ROUTING_KEYS = ['retry', 'timeouts', 'breaker', 'hedging', 'routing', 'fallbacks'] as const;
type RoutingKey = (typeof ROUTING_KEYS)[number];

/** The catalog, or a function that builds it, so that settings without model ids never build it. */
export type CatalogSource = RoutingCatalog | (() => RoutingCatalog);

interface CheckContext {
  settings: Settings;
  catalog: () => RoutingCatalog;
}

function unknownModels(ids: Iterable<string>, catalog: RoutingCatalog): string[] {
  return [...new Set(ids)].filter((id) => !isKnownModel(id, catalog));
}

/** The first cycle among explicit fallback entries, as a path `a -> b -> a`. */
function findCycle(fallbacks: Record<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    if (done.has(id)) return undefined;
    for (const next of fallbacks[id] ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of Object.keys(fallbacks)) {
    if (id === ANY_MODEL) continue;
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Problems a schema cannot see: values that contradict each other, ids the catalog does not know, cycles. */
const semanticChecks: Record<RoutingKey, (ctx: CheckContext) => string | undefined> = {
  retry: ({ settings: { retry } }) =>
    retry.maxDelayMs < retry.baseDelayMs ? `maxDelayMs (${retry.maxDelayMs}) is below baseDelayMs (${retry.baseDelayMs})` : undefined,
  timeouts: ({ settings: { timeouts } }) => {
    if (timeouts.firstByteMs > timeouts.totalMs) return `firstByteMs (${timeouts.firstByteMs}) exceeds totalMs (${timeouts.totalMs})`;
    if (timeouts.idleMs > timeouts.totalMs) return `idleMs (${timeouts.idleMs}) exceeds totalMs (${timeouts.totalMs})`;
    return undefined;
  },
  breaker: () => undefined,
  hedging: ({ settings: { hedging, timeouts } }) =>
    hedging.enabled && hedging.afterMs >= timeouts.firstByteMs
      ? `afterMs (${hedging.afterMs}) is not below switchboard.timeouts.firstByteMs (${timeouts.firstByteMs}), so no hedge would ever start`
      : undefined,
  routing: ({ settings: { routing }, catalog }) => {
    const ids = routing.equivalents.flat();
    if (!ids.length) return undefined;
    const unknown = unknownModels(ids, catalog());
    if (unknown.length) return `equivalents name models not in the catalog: ${unknown.join(', ')}`;
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (twice.length) return `a model may belong to one equivalents group only: ${[...new Set(twice)].join(', ')}`;
    return undefined;
  },
  fallbacks: ({ settings: { fallbacks }, catalog }) => {
    const keys = Object.keys(fallbacks).filter((k) => k !== ANY_MODEL);
    const ids = [...keys, ...Object.values(fallbacks).flat()];
    if (!ids.length) return undefined;
    const unknown = unknownModels(ids, catalog());
    if (unknown.length) return `not in the catalog: ${unknown.join(', ')}`;
    const cycle = findCycle(fallbacks);
    if (cycle) return `the fallbacks form a cycle: ${cycle.join(' -> ')}`;
    return undefined;
  },
};

/**
 * Warnings for routing settings that cannot be applied, each naming its setting. Values are checked against the
 * setting schemas too, for settings that did not come through `parseSettings`.
 */
export function validateRoutingSettings(settings: Settings, catalog: CatalogSource): SettingsWarning[] {
  let built: RoutingCatalog | undefined;
  const ctx: CheckContext = {
    settings,
    catalog: () => (built ??= typeof catalog === 'function' ? catalog() : catalog),
  };
  const warnings: SettingsWarning[] = [];
  for (const key of ROUTING_KEYS) {
    const parsed = settingSchemas[key].safeParse(settings[key]);
    const problem = parsed.success
      ? semanticChecks[key](ctx)
      : describeIssues(parsed.error);
    if (problem) {
      warnings.push({
        setting: `switchboard.${key}`,
        message: `Invalid value for switchboard.${key}: ${problem}. Using the default ${JSON.stringify(DEFAULT_SETTINGS[key])}.`,
      });
    }
  }
  return warnings;
}

/** The settings with every routing setting that has a warning put back to its default. */
export function applyRoutingDefaults(settings: Settings, warnings: readonly SettingsWarning[]): Settings {
  const fixed: Record<string, unknown> = { ...settings };
  for (const key of ROUTING_KEYS) {
    if (warnings.some((w) => w.setting === `switchboard.${key}`)) fixed[key] = DEFAULT_SETTINGS[key];
  }
  return fixed as Settings;
}
