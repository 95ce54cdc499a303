import type { CatalogEntry } from './types';

/**
 * The built-in model catalog: facts only, no prices (those come from @pydantic/genai-prices, see pricing.ts).
 * Limits are the providers' own figures (model pages and docs, checked November 2026). Local servers (Ollama,
 * LM Studio) are not listed: their models are discovered at run time.
 */

interface ModelSpec {
  /** The name the upstream API takes. */
  model: string;
  name: string;
  context: number;
  /** Omitted where the provider documents no output cap apart from the context window, which then bounds it. */
  maxOutput?: number;
  vision?: boolean;
  audio?: boolean;
  reasoning?: boolean;
  tools?: boolean;
  json?: boolean;
  /** The provider's retirement date for the model (`YYYY-MM-DD`), and a model of the same provider to use instead. */
  endOfLife?: string;
  replacement?: string;
}

type Traits = Pick<ModelSpec, 'vision' | 'audio' | 'reasoning' | 'tools' | 'json'>;

function provider(id: string, defaults: Traits, specs: ModelSpec[]): CatalogEntry[] {
  return specs.map((spec) => {
    const s = { ...defaults, ...spec };
    const input: CatalogEntry['modalities']['input'] = ['text'];
    if (s.vision) input.push('image');
    if (s.audio) input.push('audio');
    return {
      id: `${id}/${s.model}`,
      displayName: s.name,
      provider: id,
      upstreamModel: s.model,
      contextWindow: s.context,
      maxOutput: s.maxOutput ?? s.context,
      modalities: { input, output: ['text'] },
      capabilities: {
        streaming: true,
        tools: s.tools ?? false,
        vision: s.vision ?? false,
        reasoning: s.reasoning ?? false,
        json: s.json ?? false,
      },
      ...(s.endOfLife !== undefined && { endOfLife: s.endOfLife }),
      ...(s.replacement !== undefined && { replacement: `${id}/${s.replacement}` }),
    };
  });
}

const CHAT = { tools: true, json: true } as const;
const FRONTIER = { ...CHAT, vision: true, reasoning: true } as const;

export const BUILTIN_MODELS: readonly CatalogEntry[] = [
  ...provider('openai', FRONTIER, [
    { model: 'gpt-6-astra', name: 'GPT-6 Astra', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-6-sol', name: 'GPT-6 Sol', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-6-luna', name: 'GPT-6 Luna', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-6.1-sol', name: 'GPT-6.1 Sol', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-6.1-terra', name: 'GPT-6.1 Terra', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-5.6-sol', name: 'GPT-5.6 Sol', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-5.6-terra', name: 'GPT-5.6 Terra', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-5.6-luna', name: 'GPT-5.6 Luna', context: 1_050_000, maxOutput: 128_000 },
    { model: 'gpt-5', name: 'GPT-5', context: 400_000, maxOutput: 128_000 },
    { model: 'gpt-5-mini', name: 'GPT-5 mini', context: 400_000, maxOutput: 128_000 },
    { model: 'gpt-5-nano', name: 'GPT-5 nano', context: 400_000, maxOutput: 128_000 },
    { model: 'gpt-4.1', name: 'GPT-4.1', context: 1_047_576, maxOutput: 32_768, reasoning: false },
    { model: 'gpt-4.1-mini', name: 'GPT-4.1 mini', context: 1_047_576, maxOutput: 32_768, reasoning: false },
    { model: 'gpt-4.1-nano', name: 'GPT-4.1 nano', context: 1_047_576, maxOutput: 32_768, reasoning: false },
    { model: 'gpt-4o', name: 'GPT-4o', context: 128_000, maxOutput: 16_384, reasoning: false },
    { model: 'gpt-4o-mini', name: 'GPT-4o mini', context: 128_000, maxOutput: 16_384, reasoning: false },
    { model: 'o3', name: 'o3', context: 200_000, maxOutput: 100_000 },
    { model: 'o4-mini', name: 'o4-mini', context: 200_000, maxOutput: 100_000 },
  ]),
  ...provider('anthropic', FRONTIER, [
    { model: 'claude-opus-5-5', name: 'Claude Opus 5.5', context: 1_000_000, maxOutput: 128_000 },
    { model: 'claude-sonnet-5-5', name: 'Claude Sonnet 5.5', context: 1_000_000, maxOutput: 128_000 },
    { model: 'claude-opus-5', name: 'Claude Opus 5', context: 1_000_000, maxOutput: 128_000 },
    { model: 'claude-sonnet-5', name: 'Claude Sonnet 5', context: 1_000_000, maxOutput: 128_000 },
    { model: 'claude-sonnet-4-6', name: 'Claude Sonnet 4.6', context: 1_000_000, maxOutput: 128_000 },
    { model: 'claude-opus-4-5', name: 'Claude Opus 4.5', context: 200_000, maxOutput: 64_000 },
    // End of life as the Anthropic SDK's own deprecation list gives it.
    { model: 'claude-sonnet-4-5', name: 'Claude Sonnet 4.5', context: 200_000, maxOutput: 64_000, endOfLife: '2026-11-30', replacement: 'claude-sonnet-4-6' },
    { model: 'claude-haiku-4-5', name: 'Claude Haiku 4.5', context: 200_000, maxOutput: 64_000 },
    // No longer in the Anthropic SDK's model list; the day is the one third-party release notes give.
    { model: 'claude-opus-4-1', name: 'Claude Opus 4.1', context: 200_000, maxOutput: 32_000, endOfLife: '2026-08-05', replacement: 'claude-opus-5-5' },
    { model: 'claude-3-5-haiku-latest', name: 'Claude Haiku 3.5', context: 200_000, maxOutput: 8_192, reasoning: false },
  ]),
  ...provider('google', { ...FRONTIER, audio: true }, [
    { model: 'gemini-3.5-flash', name: 'Gemini 3.5 Flash', context: 1_048_576, maxOutput: 65_536 },
    { model: 'gemini-3.1-pro-preview', name: 'Gemini 3.1 Pro (preview)', context: 1_048_576, maxOutput: 65_536 },
    { model: 'gemini-2.5-pro', name: 'Gemini 2.5 Pro', context: 1_048_576, maxOutput: 65_536 },
    { model: 'gemini-2.5-flash', name: 'Gemini 2.5 Flash', context: 1_048_576, maxOutput: 65_536 },
    { model: 'gemini-2.5-flash-lite', name: 'Gemini 2.5 Flash-Lite', context: 1_048_576, maxOutput: 65_536 },
  ]),
  ...provider('mistral', CHAT, [
    { model: 'mistral-large-2512', name: 'Mistral Large 3', context: 262_144, vision: true },
    { model: 'mistral-medium-latest', name: 'Mistral Medium (latest)', context: 262_144, vision: true, reasoning: true },
    { model: 'ministral-14b-2512', name: 'Ministral 3 14B', context: 262_144, vision: true },
    { model: 'ministral-8b-2512', name: 'Ministral 3 8B', context: 262_144, vision: true },
    { model: 'ministral-3b-2512', name: 'Ministral 3 3B', context: 131_072, vision: true },
    { model: 'codestral-2508', name: 'Codestral 25.08', context: 256_000 },
    { model: 'devstral-2512', name: 'Devstral 2', context: 262_144 },
  ]),
  ...provider('groq', CHAT, [
    { model: 'llama-3.3-70b-versatile', name: 'Llama 3.3 70B Versatile', context: 131_072, maxOutput: 32_768 },
    { model: 'llama-3.1-8b-instant', name: 'Llama 3.1 8B Instant', context: 131_072, maxOutput: 131_072 },
    { model: 'openai/gpt-oss-120b', name: 'GPT-OSS 120B', context: 131_072, maxOutput: 65_536, reasoning: true },
    { model: 'openai/gpt-oss-20b', name: 'GPT-OSS 20B', context: 131_072, maxOutput: 65_536, reasoning: true },
    {
      model: 'meta-llama/llama-4-scout-17b-16e-instruct',
      name: 'Llama 4 Scout 17B 16E',
      context: 131_072,
      maxOutput: 8_192,
      vision: true,
    },
    { model: 'qwen/qwen3-32b', name: 'Qwen3 32B', context: 131_072, maxOutput: 40_960, reasoning: true },
  ]),
  ...provider('deepseek', { ...CHAT, reasoning: true }, [
    { model: 'deepseek-v4-flash', name: 'DeepSeek V4 Flash', context: 1_048_576, maxOutput: 393_216 },
    { model: 'deepseek-v4-pro', name: 'DeepSeek V4 Pro', context: 1_048_576, maxOutput: 393_216 },
  ]),
  ...provider('xai', FRONTIER, [
    { model: 'grok-4.6', name: 'Grok 4.6', context: 500_000 },
    { model: 'grok-4.5', name: 'Grok 4.5', context: 500_000 },
    { model: 'grok-4-1-fast-reasoning', name: 'Grok 4.1 Fast (reasoning)', context: 2_000_000 },
    { model: 'grok-4-1-fast-non-reasoning', name: 'Grok 4.1 Fast', context: 2_000_000, reasoning: false },
    { model: 'grok-code-fast-1', name: 'Grok Code Fast 1', context: 256_000, vision: false },
  ]),
  // Workers AI shares one window between prompt and answer.
  ...provider('workers-ai', { tools: true }, [
    { model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', name: 'Llama 3.3 70B (fp8, fast)', context: 24_000, json: true },
    { model: '@cf/openai/gpt-oss-120b', name: 'GPT-OSS 120B', context: 128_000, reasoning: true },
    { model: '@cf/openai/gpt-oss-20b', name: 'GPT-OSS 20B', context: 128_000, reasoning: true },
    { model: '@cf/meta/llama-4-scout-17b-16e-instruct', name: 'Llama 4 Scout 17B 16E', context: 131_000, vision: true },
    { model: '@cf/google/gemma-4-26b-a4b-it', name: 'Gemma 4 26B A4B', context: 256_000, reasoning: true },
    { model: '@cf/zai-org/glm-4.7-flash', name: 'GLM 4.7 Flash', context: 131_072, reasoning: true },
  ]),
  ...provider('openrouter', CHAT, [
    { model: 'openai/gpt-6-sol', name: 'GPT-6 Sol (OpenRouter)', context: 1_050_000, maxOutput: 128_000, vision: true, reasoning: true },
    { model: 'openai/gpt-5-mini', name: 'GPT-5 mini (OpenRouter)', context: 400_000, maxOutput: 128_000, vision: true, reasoning: true },
    {
      model: 'anthropic/claude-sonnet-4.5',
      name: 'Claude Sonnet 4.5 (OpenRouter)',
      context: 1_000_000,
      maxOutput: 64_000,
      vision: true,
      reasoning: true,
    },
    {
      model: 'google/gemini-3.5-flash',
      name: 'Gemini 3.5 Flash (OpenRouter)',
      context: 1_048_576,
      maxOutput: 65_536,
      vision: true,
      reasoning: true,
    },
    {
      model: 'google/gemini-2.5-flash',
      name: 'Gemini 2.5 Flash (OpenRouter)',
      context: 1_048_576,
      maxOutput: 65_536,
      vision: true,
      reasoning: true,
    },
    {
      model: 'deepseek/deepseek-v4-flash',
      name: 'DeepSeek V4 Flash (OpenRouter)',
      context: 1_048_576,
      maxOutput: 393_216,
      reasoning: true,
    },
    { model: 'meta-llama/llama-3.3-70b-instruct', name: 'Llama 3.3 70B (OpenRouter)', context: 131_072 },
    { model: 'openai/gpt-oss-120b', name: 'GPT-OSS 120B (OpenRouter)', context: 131_072, reasoning: true },
  ]),
  ...provider('together', CHAT, [
    { model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', name: 'Llama 3.3 70B Turbo', context: 131_072 },
    { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', name: 'Llama 3.1 8B Turbo', context: 131_072 },
  ]),
  ...provider('fireworks', CHAT, [
    { model: 'accounts/fireworks/models/gpt-oss-120b', name: 'GPT-OSS 120B', context: 131_072, reasoning: true },
    { model: 'accounts/fireworks/models/gpt-oss-20b', name: 'GPT-OSS 20B', context: 131_072, reasoning: true },
    { model: 'accounts/fireworks/models/deepseek-v3p2', name: 'DeepSeek V3.2', context: 163_840, reasoning: true },
    {
      model: 'accounts/fireworks/models/deepseek-v4-pro',
      name: 'DeepSeek V4 Pro',
      context: 1_048_576,
      maxOutput: 393_216,
      reasoning: true,
    },
    { model: 'accounts/fireworks/models/glm-4p7', name: 'GLM-4.7', context: 202_752, reasoning: true },
    { model: 'accounts/fireworks/models/kimi-k2p5', name: 'Kimi K2.5', context: 262_144, reasoning: true },
  ]),
  // Paid tiers; the free tier cuts the window to 65K.
  ...provider('cerebras', CHAT, [
    { model: 'gpt-oss-120b', name: 'GPT-OSS 120B', context: 131_072, reasoning: true },
    { model: 'gemma-4-31b', name: 'Gemma 4 31B', context: 131_072 },
  ]),
  // Perplexity's API takes no tools; it answers with web search built in.
  ...provider('perplexity', { json: true }, [
    { model: 'sonar', name: 'Sonar', context: 128_000 },
    { model: 'sonar-pro', name: 'Sonar Pro', context: 200_000, maxOutput: 8_000 },
    { model: 'sonar-reasoning-pro', name: 'Sonar Reasoning Pro', context: 128_000, reasoning: true },
    { model: 'sonar-deep-research', name: 'Sonar Deep Research', context: 128_000, reasoning: true },
  ]),
];
