/** The model listings the fake serves: Ollama's `/api/tags`, and OpenAI- and Anthropic-style `GET /models`. */
import { createHash } from 'node:crypto';

export interface LocalModels {
  ollama: string[];
  lmstudio: string[];
}

export const defaultLocalModels = (): LocalModels => ({
  ollama: ['llama3.2:latest', 'qwen2.5-coder:7b'],
  lmstudio: ['qwen2.5-7b-instruct', 'meta-llama-3.1-8b-instruct'],
});

/** Hosted models listed next to the LM Studio ones, so `/models` looks like a real provider's list. */
const HOSTED_MODELS = ['gpt-4o-mini', 'gpt-4.1', 'claude-sonnet-4-5'];

const MODIFIED_AT = '2025-10-03T23:34:03.409490317-07:00';
const CREATED = 1_700_000_000;

export function ollamaTags(names: string[]) {
  return {
    models: names.map((name) => {
      const family = name.split(/[:\d.-]/)[0] || 'llama';
      return {
        name,
        model: name,
        modified_at: MODIFIED_AT,
        size: 4_661_224_676,
        digest: createHash('sha256').update(name).digest('hex'),
        details: {
          parent_model: '',
          format: 'gguf',
          family,
          families: [family],
          parameter_size: '7.6B',
          quantization_level: 'Q4_K_M',
        },
      };
    }),
  };
}

export function openaiModelList(lmstudio: string[]) {
  return {
    object: 'list',
    data: [
      ...lmstudio.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'organization_owner' })),
      ...HOSTED_MODELS.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'system' })),
    ],
  };
}

export function anthropicModelList() {
  const data = HOSTED_MODELS.filter((id) => id.startsWith('claude')).map((id) => ({
    type: 'model',
    id,
    display_name: id,
    created_at: new Date(CREATED * 1000).toISOString(),
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
