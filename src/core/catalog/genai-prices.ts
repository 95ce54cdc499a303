import type { ModelPrice as LibraryPrice } from '@pydantic/genai-prices';
import type { ModelPrice } from './types';

/**
 * Prices from @pydantic/genai-prices, converted to `ModelPrice`. The library bundles ~0.5 MB of price data, so it is
 * required on the first lookup, never at import: activating the extension does not pay for it.
 */

type GenaiPrices = typeof import('@pydantic/genai-prices');
type LibraryValue = LibraryPrice[string];

/** Our provider ids, as genai-prices names them. Custom and local providers have none. */
export const GENAI_PROVIDER_IDS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  mistral: 'mistral',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x-ai',
  'workers-ai': 'cloudflare',
  openrouter: 'openrouter',
  together: 'together',
  fireworks: 'fireworks',
  cerebras: 'cerebras',
  perplexity: 'perplexity',
};

let library: GenaiPrices | undefined;

/** The library, loaded once on first use. */
export function genaiPrices(): GenaiPrices {
  library ??= require('@pydantic/genai-prices') as GenaiPrices;
  return library;
}

/** Prices with no date or time-of-day conditions (and models the library lacks) never change: looked up once. */
const timeless = new Map<string, ModelPrice | null>();

/** The price genai-prices holds for a model, in force at `at` (some prices change by date or time of day). */
export function libraryPrice(providerId: string, upstreamModel: string, at: Date): ModelPrice | undefined {
  const libraryProvider = GENAI_PROVIDER_IDS[providerId];
  if (!libraryProvider) return undefined;
  const key = `${libraryProvider}\n${upstreamModel}`;
  const known = timeless.get(key);
  if (known !== undefined) return known ?? undefined;
  try {
    // Pricing zero tokens runs the library's own model matching and picks the conditional price in force.
    const result = genaiPrices().calcPrice({}, upstreamModel, { providerId: libraryProvider, timestamp: at });
    const price = result ? toModelPrice(result.model_price) : undefined;
    if (price) deepFreeze(price);
    if (!result || !Array.isArray(result.model.prices)) timeless.set(key, price ?? null);
    return price;
  } catch {
    return undefined;
  }
}

/** Cached prices are shared by every catalog: nobody may change them. */
function deepFreeze(price: ModelPrice): void {
  for (const tier of price.tiers ?? []) Object.freeze(tier);
  Object.freeze(price.tiers);
  Object.freeze(price);
}

const isTiered = (v: LibraryValue): v is { base: number; tiers: { start: number; price: number }[] } =>
  typeof v === 'object' && v !== null;

const baseRate = (v: LibraryValue): number | undefined => (isTiered(v) ? v.base : v);

/** The rate once the prompt exceeds `threshold` tokens: tiers apply above their start. */
function rateAbove(v: LibraryValue, threshold: number): number | undefined {
  if (!isTiered(v)) return v;
  let rate = v.base;
  for (const tier of v.tiers) if (tier.start <= threshold) rate = tier.price;
  return rate;
}

/**
 * genai-prices keeps tiers per price key (`input_mtok: {base, tiers}`); `ModelPrice` keeps whole price rows per
 * threshold. Every start found under any key becomes one row holding each key's rate above it.
 */
export function toModelPrice(p: LibraryPrice): ModelPrice | undefined {
  const input = baseRate(p.input_mtok);
  if (input === undefined) return undefined;
  const price: ModelPrice = { input, output: baseRate(p.output_mtok) ?? 0 };
  const cachedInput = baseRate(p.cache_read_mtok);
  const cacheWrite = baseRate(p.cache_write_mtok);
  const reasoning = baseRate(p.output_reasoning_mtok);
  if (cachedInput !== undefined) price.cachedInput = cachedInput;
  if (cacheWrite !== undefined) price.cacheWrite = cacheWrite;
  if (reasoning !== undefined) price.reasoning = reasoning;

  const keys = [p.input_mtok, p.output_mtok, p.cache_read_mtok, p.cache_write_mtok];
  const thresholds = [...new Set(keys.flatMap((v) => (isTiered(v) ? v.tiers.map((t) => t.start) : [])))];
  if (thresholds.length) {
    price.tiers = thresholds
      .sort((a, b) => a - b)
      .map((threshold) => {
        const tier: NonNullable<ModelPrice['tiers']>[number] = {
          threshold,
          input: rateAbove(p.input_mtok, threshold) ?? input,
          output: rateAbove(p.output_mtok, threshold) ?? price.output,
        };
        const cached = rateAbove(p.cache_read_mtok, threshold);
        const write = rateAbove(p.cache_write_mtok, threshold);
        if (cached !== undefined) tier.cachedInput = cached;
        if (write !== undefined) tier.cacheWrite = write;
        return tier;
      });
  }
  return price;
}
