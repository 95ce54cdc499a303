/** Prices in USD per 1M tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cache reads; defaults to `input` when absent. */
  cachedInput?: number;
  /** Cache writes; defaults to `input` when absent. */
  cacheWrite?: number;
  /** Reasoning tokens, when billed apart from output; defaults to `output`. */
  reasoning?: number;
  /** Prices that apply once the prompt exceeds `threshold` input tokens (e.g. Gemini's long-context tier). */
  tiers?: { threshold: number; input: number; output: number; cachedInput?: number; cacheWrite?: number }[];
}

export interface ModelCapabilities {
  streaming: boolean;
  tools: boolean;
  vision: boolean;
  reasoning: boolean;
  json: boolean;
}

export interface CatalogEntry {
  /** `provider/model`, e.g. `openai/gpt-5-mini`. */
  id: string;
  displayName: string;
  provider: string;
  /** The model name the upstream API takes. */
  upstreamModel: string;
  contextWindow: number;
  maxOutput: number;
  modalities: { input: ('text' | 'image' | 'audio')[]; output: ('text' | 'image' | 'audio')[] };
  capabilities: ModelCapabilities;
  /** Undefined when no price is known (local models are free: zeros). */
  price?: ModelPrice;
  /** Where `price` came from. */
  priceSource?: 'genai-prices' | 'catalog' | 'user' | 'local';
  /** Found at run time on a local server, not shipped. */
  discovered?: boolean;
  /** The day (`YYYY-MM-DD`, UTC) the provider retires the model on its own API; requests fail from then on. */
  endOfLife?: string;
  /** A catalog id of the same provider to use instead, once the model has an end of life. */
  replacement?: string;
}
