import type { Settings } from '../config/settings';
import { libraryPrice } from './genai-prices';
import { CATALOG_PRICES } from './price-overrides';
import type { CatalogEntry } from './types';

type Priced = Pick<CatalogEntry, 'price' | 'priceSource'>;

/**
 * Where a model's price comes from, first match wins: the user's `switchboard.prices`, a price the entry brought
 * (a custom model's own price, a local model's zeros), genai-prices, then the catalog's own table.
 */
export function priceFor(entry: CatalogEntry, userPrices: Settings['prices'], at: Date): Priced {
  if (Object.hasOwn(userPrices, entry.id)) return { price: userPrices[entry.id], priceSource: 'user' };
  if (entry.price) return { price: entry.price, priceSource: entry.priceSource };
  const fromLibrary = libraryPrice(entry.provider, entry.upstreamModel, at);
  if (fromLibrary) return { price: fromLibrary, priceSource: 'genai-prices' };
  if (Object.hasOwn(CATALOG_PRICES, entry.id)) return { price: CATALOG_PRICES[entry.id], priceSource: 'catalog' };
  return { price: undefined, priceSource: undefined };
}
