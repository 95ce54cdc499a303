import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { BUILTIN_MODELS } from '../../src/core/catalog/models';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';

const remoteProviders = BUILTIN_PROVIDERS.filter((p) => !p.local).map((p) => p.id);
const modality = z.enum(['text', 'image', 'audio']);

const EntrySchema = z
  .object({
    id: z.string(),
    displayName: z.string().min(1),
    provider: z.enum(remoteProviders as [string, ...string[]]),
    upstreamModel: z.string().min(1),
    contextWindow: z.number().int().positive(),
    maxOutput: z.number().int().positive(),
    modalities: z.object({ input: z.array(modality).min(1), output: z.array(modality).min(1) }),
    capabilities: z.object({
      streaming: z.boolean(),
      tools: z.boolean(),
      vision: z.boolean(),
      reasoning: z.boolean(),
      json: z.boolean(),
    }),
    endOfLife: z.iso.date().optional(),
    replacement: z.string().optional(),
  })
  .strict()
  .refine((e) => e.id === `${e.provider}/${e.upstreamModel}`, { message: 'id must be provider/upstreamModel' })
  .refine((e) => e.maxOutput <= e.contextWindow, { message: 'maxOutput must fit in the context window' })
  .refine((e) => e.modalities.input.includes('text') && e.modalities.output.includes('text'), {
    message: 'every chat model takes and gives text',
  })
  .refine((e) => e.modalities.input.includes('image') === e.capabilities.vision, {
    message: 'image input and the vision capability must agree',
  });

test('every built-in entry passes the schema', () => {
  for (const entry of BUILTIN_MODELS) {
    const result = EntrySchema.safeParse(entry);
    assert.ok(result.success, `${entry.id}: ${result.success ? '' : z.prettifyError(result.error)}`);
  }
});

test('the catalog is broad: at least 70 models from at least 12 providers, ids unique', () => {
  assert.ok(BUILTIN_MODELS.length >= 70, `only ${BUILTIN_MODELS.length} models`);
  assert.ok(new Set(BUILTIN_MODELS.map((e) => e.provider)).size >= 12);
  const ids = BUILTIN_MODELS.map((e) => e.id);
  assert.deepEqual(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'duplicate ids',
  );
});

test('every built-in remote provider has at least two models; local ones have none', () => {
  for (const p of BUILTIN_PROVIDERS) {
    const count = BUILTIN_MODELS.filter((e) => e.provider === p.id).length;
    if (p.local) assert.equal(count, 0, `${p.id} models are discovered, not listed`);
    else assert.ok(count >= 2, `${p.id} has ${count} models`);
  }
});

test('the models the rest of Switchboard names are listed', () => {
  const required = [
    'openai/gpt-5',
    'openai/gpt-5-mini',
    'openai/gpt-5-nano',
    'openai/gpt-4.1',
    'openai/gpt-4.1-mini',
    'openai/gpt-4o',
    'openai/gpt-4o-mini',
    'openai/o3',
    'openai/o4-mini',
    'anthropic/claude-sonnet-4-5',
    'anthropic/claude-sonnet-4-6',
    'anthropic/claude-opus-4-1',
    'anthropic/claude-haiku-4-5',
    'anthropic/claude-3-5-haiku-latest',
    'google/gemini-2.5-pro',
    'google/gemini-2.5-flash',
    'google/gemini-2.5-flash-lite',
    'workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast',
    'groq/llama-3.3-70b-versatile',
  ];
  const ids = new Set(BUILTIN_MODELS.map((e) => e.id));
  assert.deepEqual(required.filter((id) => !ids.has(id)), []);
});

test('a model with an end of life names a replacement of its provider that is itself in service then', () => {
  const byId = new Map(BUILTIN_MODELS.map((e) => [e.id, e]));
  const ending = BUILTIN_MODELS.filter((e) => e.endOfLife !== undefined);
  assert.deepEqual(ending.map((e) => [e.id, e.endOfLife]), [
    ['anthropic/claude-sonnet-4-5', '2026-11-30'],
    ['anthropic/claude-opus-4-1', '2026-08-05'],
  ]);
  for (const entry of ending) {
    const replacement = byId.get(entry.replacement ?? '');
    assert.ok(replacement, `${entry.id}: replacement ${entry.replacement} is in the catalog`);
    assert.equal(replacement.provider, entry.provider);
    assert.ok(replacement.endOfLife === undefined || replacement.endOfLife > entry.endOfLife!, `${entry.id}: ${replacement.id} outlives it`);
  }
  assert.equal(BUILTIN_MODELS.filter((e) => e.replacement !== undefined && e.endOfLife === undefined).length, 0);
});

test('spot checks of published limits', () => {
  const byId = new Map(BUILTIN_MODELS.map((e) => [e.id, e]));
  const limits = (id: string) => {
    const e = byId.get(id);
    return e && [e.contextWindow, e.maxOutput];
  };
  assert.deepEqual(limits('openai/gpt-5-mini'), [400_000, 128_000]);
  assert.deepEqual(limits('openai/gpt-4.1'), [1_047_576, 32_768]);
  assert.deepEqual(limits('anthropic/claude-sonnet-4-5'), [200_000, 64_000]);
  assert.deepEqual(limits('anthropic/claude-sonnet-4-6'), [1_000_000, 128_000]);
  assert.deepEqual(limits('google/gemini-2.5-pro'), [1_048_576, 65_536]);
  assert.deepEqual(limits('groq/llama-3.3-70b-versatile'), [131_072, 32_768]);
  // Workers AI shares its window between prompt and answer.
  assert.deepEqual(limits('workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast'), [24_000, 24_000]);
  assert.equal(byId.get('anthropic/claude-3-5-haiku-latest')?.capabilities.reasoning, false);
  assert.equal(byId.get('perplexity/sonar')?.capabilities.tools, false);
});
