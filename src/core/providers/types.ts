import type { CallOptions, ChatRequest, ChatResult, ProviderStreamEvent } from '../types';

/** The wire protocol a provider speaks, which picks the adapter (and the SDK) that talks to it. */
export type ProviderFamily = 'openai' | 'anthropic';

/** Differences between OpenAI-compatible APIs, kept as data so a new provider needs no code. */
export interface ProviderQuirks {
  /** The name of the output-token limit field. OpenAI's reasoning models want `max_completion_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** The API rejects `stream_options.include_usage`. */
  noStreamOptions?: boolean;
  /** The API rejects `response_format: json_schema` (json_object still works). */
  noJsonSchema?: boolean;
  /** The API rejects `stop`. */
  noStop?: boolean;
  /** The API rejects `tool_choice`. */
  noToolChoice?: boolean;
}

/**
 * A provider, as data. Adding an OpenAI-compatible provider is one of these entries.
 * `baseURL` may hold `{NAME}` placeholders, filled from the env var NAME or from settings
 * (Workers AI's `{CLOUDFLARE_ACCOUNT_ID}`).
 */
export interface ProviderDefinition {
  id: string;
  name: string;
  family: ProviderFamily;
  baseURL: string;
  /** Env vars that may hold the key, in order of preference. Empty for keyless local servers. */
  apiKeyEnv: string[];
  /** How the key is sent. OpenAI-family SDK calls always use `Authorization: Bearer`. */
  auth: 'bearer' | 'x-api-key' | 'none';
  /** A local server, detected on its default port; needs no key. */
  local?: boolean;
  quirks?: ProviderQuirks;
  /** The provider's path segment on Cloudflare AI Gateway, when the gateway supports it. */
  cloudflareGatewaySlug?: string;
  /** Extra headers sent on every request. */
  headers?: Record<string, string>;
  /** Where the user gets a key; shown in errors and in the walkthrough. */
  keyUrl?: string;
}

/** Everything an adapter needs to make one call. The gateway resolves it before each attempt. */
export interface ResolvedCall {
  provider: ProviderDefinition;
  /** The catalog id, `provider/model`. */
  modelId: string;
  /** The model name the upstream expects (the catalog id without the provider prefix). */
  upstreamModel: string;
  baseURL: string;
  /** Undefined only for keyless providers. */
  apiKey?: string;
  /** Extra headers: provider defaults, Cloudflare AI Gateway headers, user headers. */
  headers: Record<string, string>;
  request: ChatRequest;
  /** The model's end of life and replacement, from its catalog entry, for the error a retired model gets. */
  endOfLife?: string;
  replacement?: string;
}

/** One adapter per family. Adapters throw `UpstreamError` (or `CancelledError`) and never retry. */
export interface ProviderAdapter {
  complete(call: ResolvedCall, options: CallOptions): Promise<ChatResult>;
  stream(call: ResolvedCall, options: CallOptions): AsyncIterable<ProviderStreamEvent>;
}
