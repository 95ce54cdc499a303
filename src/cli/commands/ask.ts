import { text as readAll } from 'node:stream/consumers';
import { ConfigError } from '../../core/errors';
import type { ChatRequestInput, GatewayResult } from '../../core/types';
import type { CliContext } from '../context';
import { formatMs, formatUsd } from '../../core/format';

export const ASK_USAGE =
  'switchboard ask [--model ID] [--system TEXT] [--max-tokens N] [--temperature T] [--no-stream] [--json] [PROMPT]';

export interface AskOptions {
  model?: string;
  system?: string;
  maxTokens?: string;
  temperature?: string;
  noStream: boolean;
  json: boolean;
  prompt?: string;
}

const parseNumber = (flag: string, value: string | undefined, integer: boolean): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`${flag} takes a number${integer ? ' (an integer)' : ''}, not "${value}".`);
  }
  return n;
};

const summary = (r: GatewayResult): string =>
  [
    r.model + (r.model !== r.requestedModel ? ` (fallback from ${r.requestedModel})` : ''),
    formatMs(r.latencyMs),
    `ttft ${formatMs(r.ttftMs)}`,
    `${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens${r.usage.estimated ? ' (estimated)' : ''}`,
    r.cost.priced ? formatUsd(r.cost.total) : 'cost unknown (no price for this model)',
  ].join(' · ');

/** Sends one prompt; streams the answer to stdout and a one-line summary to stderr. */
export async function askCommand(ctx: CliContext, options: AskOptions, signal: AbortSignal): Promise<number> {
  const prompt = options.prompt ?? (ctx.stdin.isTTY ? '' : await readAll(ctx.stdin));
  if (!prompt.trim()) throw new ConfigError(`No prompt. Pass it as an argument or on stdin.\nUsage: ${ASK_USAGE}`);
  const request: ChatRequestInput = {
    model: options.model ?? ctx.gateway.currentSettings.model,
    system: options.system,
    messages: [{ role: 'user', content: prompt }],
    maxTokens: parseNumber('--max-tokens', options.maxTokens, true),
    temperature: parseNumber('--temperature', options.temperature, false),
  };

  if (options.noStream) {
    const result = await ctx.gateway.complete(request, { signal });
    if (options.json) ctx.stdout.write(JSON.stringify(jsonView(result)) + '\n');
    else {
      ctx.stdout.write(result.text.endsWith('\n') ? result.text : result.text + '\n');
      ctx.stderr.write(summary(result) + '\n');
    }
    return 0;
  }

  for await (const event of ctx.gateway.stream(request, { signal })) {
    if (event.type === 'text' && !options.json) ctx.stdout.write(event.delta);
    else if (event.type === 'done') {
      if (options.json) ctx.stdout.write(JSON.stringify(jsonView(event.result)) + '\n');
      else {
        if (!event.result.text.endsWith('\n')) ctx.stdout.write('\n');
        ctx.stderr.write(summary(event.result) + '\n');
      }
      return 0;
    } else if (event.type === 'error') {
      if (event.partialText && !options.json) ctx.stdout.write('\n');
      throw event.error;
    }
  }
  return 1;
}

const jsonView = (r: GatewayResult) => ({
  model: r.model,
  requestedModel: r.requestedModel,
  provider: r.provider,
  text: r.text,
  toolCalls: r.toolCalls,
  finishReason: r.finishReason,
  usage: r.usage,
  cost: r.cost.total,
  costBreakdown: r.cost,
  latencyMs: r.latencyMs,
  ttftMs: r.ttftMs,
  attempts: r.attempts,
  requestId: r.requestId,
  cacheHit: r.cacheHit,
});
