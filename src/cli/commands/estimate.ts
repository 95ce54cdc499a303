import { text as readAll } from 'node:stream/consumers';
import { ConfigError } from '../../core/errors';
import { formatUsd } from '../../core/format';
import type { CliContext } from '../context';
import { table } from '../format';

export const ESTIMATE_USAGE = 'switchboard estimate [--model ID] [--system TEXT] [--output-tokens N] [--top N] [--json] [PROMPT]';

export interface EstimateOptions {
  model?: string;
  system?: string;
  outputTokens?: string;
  top?: string;
  json: boolean;
  prompt?: string;
}

const positiveInteger = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${flag} takes a positive integer, not "${value}".`);
  return n;
};

/**
 * The approximate cost of a prompt before it is sent: input counted with a tokenizer, output assumed, on the chosen
 * model and, for comparison, on the cheapest models of the catalog. Nothing is sent upstream.
 */
export async function estimateCommand(ctx: CliContext, options: EstimateOptions): Promise<number> {
  const prompt = options.prompt ?? (ctx.stdin.isTTY ? '' : await readAll(ctx.stdin));
  if (!prompt.trim()) throw new ConfigError(`No prompt. Pass it as an argument or on stdin.\nUsage: ${ESTIMATE_USAGE}`);
  const top = positiveInteger('--top', options.top) ?? 10;
  const estimate = await ctx.gateway.estimateCost(
    { model: options.model ?? ctx.gateway.currentSettings.model, system: options.system, messages: [{ role: 'user', content: prompt }] },
    { assumedOutputTokens: positiveInteger('--output-tokens', options.outputTokens) },
  );
  if (options.json) {
    ctx.stdout.write(`${JSON.stringify(estimate, null, 2)}\n`);
    return 0;
  }
  const cost = (c: { priced: boolean; total: number }) => (c.priced ? formatUsd(c.total) : 'no price');
  const { model } = estimate;
  ctx.stdout.write(`${model.model}: about ${cost(model.cost)} for ${model.inputTokens} input and ${model.outputTokens} assumed output tokens\n\n`);
  const rows = [['MODEL', 'INPUT', 'OUTPUT', 'ESTIMATE']];
  for (const e of estimate.across.slice(0, top)) rows.push([e.model, String(e.inputTokens), String(e.outputTokens), cost(e.cost)]);
  ctx.stdout.write(`Cheapest ${Math.min(top, estimate.across.length)} of ${estimate.across.length} catalog models:\n${table(rows)}`);
  return 0;
}
