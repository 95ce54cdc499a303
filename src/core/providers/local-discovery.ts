import type { CatalogEntry } from '../catalog/types';
import type { Settings } from '../config/settings';
import { resolveEndpoint } from './endpoint';
import type { ProviderDefinition } from './types';

const DEFAULT_TIMEOUT_MS = 300;
/** Neither server reports limits in its model list; these fit most local models. */
const DEFAULT_CONTEXT_WINDOW = 8192;
const DEFAULT_MAX_OUTPUT = 4096;
/** Embedding models show up in the lists but cannot chat. */
const EMBEDDING_MODEL = /embed/i;

interface OllamaTags {
  models?: { name?: unknown; details?: { families?: unknown } }[];
}

interface OpenAIModelList {
  data?: { id?: unknown }[];
}

/**
 * Finds the models of the local servers in the catalog, Ollama (`GET /api/tags`) and LM Studio (`GET /v1/models`),
 * at their base URLs as overridden by env or settings. A server that does not answer within the timeout, or
 * answers with something unexpected, contributes nothing; this never throws.
 */
export async function discoverLocalModels(
  catalogProviders: ProviderDefinition[],
  settings: Settings,
  env: Record<string, string | undefined>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<CatalogEntry[]> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const probes = catalogProviders.filter((p) => p.local).map(async (provider): Promise<CatalogEntry[]> => {
    switch (provider.id) {
      case 'ollama':
        return probeOllama(provider, baseURLOf(provider, settings, env), signal);
      case 'lmstudio':
        return probeLMStudio(provider, baseURLOf(provider, settings, env), signal);
      default:
        return [];
    }
  });
  return (await Promise.all(probes.map((probe) => probe.catch(() => [])))).flat();
}

const baseURLOf = (provider: ProviderDefinition, settings: Settings, env: Record<string, string | undefined>): string =>
  resolveEndpoint(provider, settings, env).baseURL;

async function probeOllama(provider: ProviderDefinition, baseURL: string, signal: AbortSignal): Promise<CatalogEntry[]> {
  // Ollama's own API sits at the root; its OpenAI-compatible one under /v1.
  const root = baseURL.replace(/\/v1$/, '');
  const body = (await getJson(`${root}/api/tags`, signal)) as OllamaTags;
  return (body.models ?? []).flatMap((model) => {
    if (typeof model.name !== 'string' || EMBEDDING_MODEL.test(model.name)) return [];
    const families = Array.isArray(model.details?.families) ? model.details.families : [];
    const vision = families.some((f) => f === 'clip' || f === 'mllama');
    return [localEntry(provider, model.name, vision)];
  });
}

async function probeLMStudio(provider: ProviderDefinition, baseURL: string, signal: AbortSignal): Promise<CatalogEntry[]> {
  const body = (await getJson(`${baseURL}/models`, signal)) as OpenAIModelList;
  return (body.data ?? []).flatMap((model) =>
    typeof model.id === 'string' && !EMBEDDING_MODEL.test(model.id) ? [localEntry(provider, model.id, false)] : [],
  );
}

async function getJson(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null) throw new Error(`${url} answered with no object`);
  return body;
}

function localEntry(provider: ProviderDefinition, model: string, vision: boolean): CatalogEntry {
  return {
    id: `${provider.id}/${model}`,
    displayName: `${model} (${provider.name.replace(/ \(local\)$/, '')})`,
    provider: provider.id,
    upstreamModel: model,
    contextWindow: DEFAULT_CONTEXT_WINDOW,
    maxOutput: DEFAULT_MAX_OUTPUT,
    modalities: { input: vision ? ['text', 'image'] : ['text'], output: ['text'] },
    capabilities: { streaming: true, tools: true, vision, reasoning: false, json: true },
    price: { input: 0, output: 0 },
    priceSource: 'local',
    discovered: true,
  };
}
