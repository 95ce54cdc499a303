import { formatMs, formatUsd } from '../../src/core/format';
import type { DraftEstimate, ModelInfo } from '../../src/shared/playground-protocol';

export { formatMs, formatUsd };

/** 128000 -> "128k", 1048576 -> "1M". */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toFixed(1))}M`;
  if (n >= 1000) return `${Math.round(n / 1000)}k`;
  return String(n);
}

/** USD per 1M tokens, without trailing zeros. */
export const formatPrice = (usd: number): string => `$${Number(usd.toFixed(3))}`;

export function capabilityList(model: ModelInfo): string[] {
  const c = model.capabilities;
  return [c.vision && 'vision', c.tools && 'tools', c.json && 'json', c.reasoning && 'reasoning'].filter((x): x is string => Boolean(x));
}

/** One line about a model: its price, context window and capabilities. */
export function describeModel(model: ModelInfo): string {
  const price = model.price
    ? model.price.input === 0 && model.price.output === 0
      ? 'free'
      : `${formatPrice(model.price.input)} in · ${formatPrice(model.price.output)} out per 1M`
    : 'no price known';
  return [price, `${formatCount(model.contextWindow)} context`, ...capabilityList(model)].join(' · ');
}

/** "≈ $0.0010 on openai/gpt-5-mini (14 in + 500 out assumed) · cheapest: groq/llama-3.1-8b-instant $0.000040, …" */
export function describeEstimate({ model, cheapest }: DraftEstimate): string {
  const tokens = `(${model.inputTokens} in + ${model.outputTokens} out assumed)`;
  const own = model.cost === undefined ? `≈ no price known for ${model.model} ${tokens}` : `≈ ${formatUsd(model.cost)} on ${model.model} ${tokens}`;
  if (!cheapest.length) return own;
  return `${own} · cheapest: ${cheapest.map((e) => `${e.model} ${formatUsd(e.cost ?? 0)}`).join(', ')}`;
}
