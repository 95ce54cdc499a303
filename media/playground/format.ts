import { formatMs, formatUsd } from '../../src/core/format';
import type { ModelInfo } from '../../src/shared/playground-protocol';

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
