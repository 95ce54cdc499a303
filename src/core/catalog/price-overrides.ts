import type { ModelPrice } from './types';

/**
 * Prices for built-in models that @pydantic/genai-prices does not know yet (priceSource 'catalog'). The library wins
 * once it lists a model, so entries here can be dropped when it catches up.
 */
export const CATALOG_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI's model list (developers.openai.com/api/docs/models, November 2026) gives input and output only;
  // cache reads are billed at the input rate here until a cached rate is published.
  'openai/gpt-6.1-sol': { input: 2, output: 10 },
  'openai/gpt-6.1-terra': { input: 1, output: 5 },
};
