import type { CatalogEntry, ModelPrice } from '../catalog/types';
import type { ChatRequest, CostBreakdown, ToolCall, Usage } from '../types';

/**
 * Token counts made locally with the o200k_base encoding (GPT-4o and later). For other vendors' models they are
 * approximations, good for a pre-send cost estimate and for an aborted stream whose provider reported no usage.
 * The tokenizer (a few MB of ranks) is loaded on first use only.
 */

const importTokenizer = () => import('gpt-tokenizer/encoding/o200k_base');
let tokenizer: ReturnType<typeof importTokenizer> | undefined;
const loadTokenizer = (): ReturnType<typeof importTokenizer> => (tokenizer ??= importTokenizer());

// Text that happens to spell a special token such as <|endoftext|> is counted as plain text.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** OpenAI's documented chat framing: about 3 tokens per message, 3 to prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_REPLY_PRIMING = 3;
/** A typical image costs several hundred tokens at normal detail; the exact figure depends on size and vendor. */
export const TOKENS_PER_IMAGE = 765;
/** The output size assumed by `estimateCostAcross` when the caller gives none. */
export const DEFAULT_ASSUMED_OUTPUT_TOKENS = 500;

export async function countTokens(text: string): Promise<number> {
  if (!text) return 0;
  return (await loadTokenizer()).countTokens(text, PLAIN_TEXT);
}

/** The prompt's tokens: system, messages (text, images, tool calls and results), tools and response schema. */
export async function estimatePromptTokens(
  request: Pick<ChatRequest, 'system' | 'messages' | 'tools' | 'responseFormat'>,
): Promise<number> {
  const { countTokens: count } = await loadTokenizer();
  const text = (s: string): number => (s ? count(s, PLAIN_TEXT) : 0);
  let tokens = TOKENS_REPLY_PRIMING;
  if (request.system) tokens += TOKENS_PER_MESSAGE + text(request.system);
  for (const m of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    if (typeof m.content === 'string') tokens += text(m.content);
    else for (const part of m.content) tokens += part.type === 'text' ? text(part.text) : TOKENS_PER_IMAGE;
    if (m.role === 'assistant') for (const call of m.toolCalls ?? []) tokens += text(call.name) + text(call.arguments);
  }
  if (request.tools?.length) tokens += text(JSON.stringify(request.tools));
  if (request.responseFormat?.type === 'json_schema') tokens += text(JSON.stringify(request.responseFormat.schema));
  return tokens;
}

export async function countOutputTokens(text: string, toolCalls: readonly ToolCall[] = []): Promise<number> {
  let tokens = await countTokens(text);
  for (const call of toolCalls) tokens += (await countTokens(call.name)) + (await countTokens(call.arguments));
  return tokens;
}

/**
 * Usage for a request whose provider reported none (typically a stream cancelled before its usage chunk): the
 * figures the provider did report are kept, the others counted here, and the result is marked `estimated`.
 */
export async function estimateUsage(input: {
  request: Pick<ChatRequest, 'system' | 'messages' | 'tools' | 'responseFormat'>;
  outputText: string;
  toolCalls?: readonly ToolCall[];
  reported?: Partial<Usage>;
}): Promise<Usage> {
  const reported = input.reported ?? {};
  const inputTokens = reported.inputTokens || (await estimatePromptTokens(input.request));
  const outputTokens = reported.outputTokens || (await countOutputTokens(input.outputText, input.toolCalls));
  return {
    inputTokens,
    cachedInputTokens: reported.cachedInputTokens ?? 0,
    cacheWriteTokens: reported.cacheWriteTokens ?? 0,
    outputTokens,
    reasoningTokens: reported.reasoningTokens ?? 0,
    estimated: true,
  };
}

export type ComputeCost = (usage: Usage, price: ModelPrice | undefined, source?: CostBreakdown['source']) => CostBreakdown;

export interface ModelCostEstimate {
  model: string;
  inputTokens: number;
  /** The assumed output, capped by the request's maxTokens and the model's maxOutput. */
  outputTokens: number;
  cost: CostBreakdown;
}

/**
 * What a request would roughly cost on each model: input tokens counted here, output assumed to be
 * `assumedOutputTokens` (default 500). Unpriced models come back with `cost.priced: false`.
 */
export async function estimateCostAcross(
  request: Pick<ChatRequest, 'system' | 'messages' | 'tools' | 'responseFormat' | 'maxTokens'>,
  entries: readonly CatalogEntry[],
  computeCost: ComputeCost,
  options: { assumedOutputTokens?: number } = {},
): Promise<ModelCostEstimate[]> {
  const inputTokens = await estimatePromptTokens(request);
  const assumed = options.assumedOutputTokens ?? DEFAULT_ASSUMED_OUTPUT_TOKENS;
  return entries.map((entry) => {
    const outputTokens = Math.min(assumed, request.maxTokens ?? Infinity, entry.maxOutput || Infinity);
    const usage: Usage = { inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens, reasoningTokens: 0, estimated: true };
    const source = entry.priceSource === 'local' ? 'catalog' : entry.priceSource;
    return { model: entry.id, inputTokens, outputTokens, cost: computeCost(usage, entry.price, source) };
  });
}
