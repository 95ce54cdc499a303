import type { Settings } from '../config/settings';
import { UnknownModelError } from '../errors';
import { BUILTIN_PROVIDERS } from '../providers/registry';
import type { ProviderDefinition } from '../providers/types';
import { customProviderDefinition, customProviderEntries } from './custom-providers';
import { BUILTIN_MODELS } from './models';
import { priceFor } from './pricing';
import { inService } from './lifecycle';
import { closestIds } from './suggest';
import type { CatalogEntry } from './types';

/**
 * Some prices change by date or by time of day (DeepSeek's peak hours). Prices are resolved for the start of the
 * current quarter hour and resolved again in the next one; the library's boundaries all fall on quarter hours.
 */
const PRICE_PERIOD_MS = 15 * 60_000;

const LOCAL_PRICE = { input: 0, output: 0 } as const;

/**
 * Every model Switchboard can call: the built-in list, custom providers' models, and local models found at run
 * time, each with its price. Ids are strict (`provider/model`); short names are the user's aliases.
 */
export class Catalog {
  private readonly providerList: ProviderDefinition[];
  private readonly providersById: Map<string, ProviderDefinition>;
  /** Built-in and custom entries, before pricing. */
  private readonly configured: CatalogEntry[];
  private readonly discovered = new Map<string, CatalogEntry[]>();
  private unpriced?: Map<string, CatalogEntry>;
  private priced = new Map<string, CatalogEntry>();
  private pricedList?: CatalogEntry[];
  private pricePeriod = Number.NaN;

  /** `_env` is accepted for the shared constructor shape; nothing in the catalog depends on it yet. */
  constructor(
    private readonly settings: Settings,
    _env?: Record<string, string | undefined>,
  ) {
    const custom = settings.customProviders;
    const customIds = new Set(custom.map((p) => p.id));
    // A custom provider that reuses a built-in id replaces that definition.
    this.providerList = [
      ...BUILTIN_PROVIDERS.filter((p) => !customIds.has(p.id)),
      ...custom.map(customProviderDefinition),
    ];
    this.providersById = new Map(this.providerList.map((p) => [p.id, p]));
    this.configured = [...BUILTIN_MODELS, ...custom.flatMap(customProviderEntries)];
  }

  /** Built-in, custom and discovered models, priced. Later sources win on equal ids. */
  entries(): CatalogEntry[] {
    this.checkPricePeriod();
    this.pricedList ??= [...this.index().values()].map((e) => this.withPrice(e));
    return this.pricedList.slice();
  }

  /** True when the catalog has `id`, without pricing it. */
  has(id: string): boolean {
    return this.index().has(id);
  }

  get(id: string): CatalogEntry | undefined {
    this.checkPricePeriod();
    const entry = this.index().get(id);
    return entry && this.withPrice(entry);
  }

  /** An alias from `switchboard.aliases` first, then an exact id. */
  resolve(idOrAlias: string): CatalogEntry {
    const aliases = this.settings.aliases;
    const id = Object.hasOwn(aliases, idOrAlias) ? aliases[idOrAlias] : idOrAlias;
    const entry = this.get(id);
    if (!entry) throw new UnknownModelError(id, this.suggest(id));
    return entry;
  }

  /** The catalog ids closest to `id`, best first; models their providers have retired are not suggested. */
  suggest(id: string, limit = 3): string[] {
    return closestIds(id, inService([...this.index().values()]).map((e) => e.id), limit);
  }

  providers(): ProviderDefinition[] {
    return this.providerList.slice();
  }

  provider(id: string): ProviderDefinition | undefined {
    return this.providersById.get(id);
  }

  /** Local models found at run time; each call replaces the earlier findings for the providers it names. */
  addDiscovered(entries: CatalogEntry[]): void {
    const byProvider = new Map<string, CatalogEntry[]>();
    for (const e of entries) {
      const list = byProvider.get(e.provider) ?? [];
      list.push({ ...e, discovered: true, price: e.price ?? LOCAL_PRICE, priceSource: e.priceSource ?? 'local' });
      byProvider.set(e.provider, list);
    }
    for (const [provider, list] of byProvider) this.discovered.set(provider, list);
    this.unpriced = undefined;
    this.pricedList = undefined;
    this.priced.clear();
  }

  private index(): Map<string, CatalogEntry> {
    if (!this.unpriced) {
      this.unpriced = new Map();
      for (const e of this.configured) this.unpriced.set(e.id, e);
      for (const list of this.discovered.values()) for (const e of list) this.unpriced.set(e.id, e);
    }
    return this.unpriced;
  }

  private checkPricePeriod(): void {
    const period = Math.floor(Date.now() / PRICE_PERIOD_MS);
    if (period === this.pricePeriod) return;
    this.pricePeriod = period;
    this.priced.clear();
    this.pricedList = undefined;
  }

  private withPrice(entry: CatalogEntry): CatalogEntry {
    let priced = this.priced.get(entry.id);
    if (!priced) {
      const at = new Date(this.pricePeriod * PRICE_PERIOD_MS);
      priced = { ...entry, ...priceFor(entry, this.settings.prices, at) };
      if (priced.price === undefined) delete priced.price;
      if (priced.priceSource === undefined) delete priced.priceSource;
      this.priced.set(entry.id, priced);
    }
    return priced;
  }
}
