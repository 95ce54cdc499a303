import { Catalog } from './catalog/catalog';
import type { CatalogEntry } from './catalog/types';
import type { Settings } from './config/settings';
import { CancelledError, InvalidRequestError, MissingKeyError, errorMessage } from './errors';
import { CLOUDFLARE_GATEWAY_KEY, type KeySource } from './keys';
import { resolveEndpoint, type Endpoint } from './providers/endpoint';
import { getAdapter } from './providers/index';
import { discoverLocalModels } from './providers/local-discovery';
import type { ProviderAdapter, ProviderDefinition, ProviderFamily, ResolvedCall } from './providers/types';
import { routeComplete, routeStream, type Candidate, type RouteOptions, type RoutedEvent, type StartAttempt } from './routing/route';
import { CircuitBreaker } from './routing/breaker';
import { buildCandidates } from './routing/candidates';
import { LatencyTracker } from './routing/latency';
import { applyRoutingDefaults, validateRoutingSettings } from './routing/validate';
import { checkCatalogReferences } from './catalog/settings-check';
import type { SettingsWarning } from './config/settings';
import {
  ChatRequestSchema,
  type AttemptRecord,
  type CallOptions,
  type ChatResult,
  type ChatRequest,
  type ChatRequestInput,
  type GatewayResult,
  type GatewayStreamEvent,
  type ProviderStreamEvent,
} from './types';
import { computeCost } from './usage/cost';
import { deferredIterator } from './iterators';
import { withFields } from './objects';
import { RequestState } from './request-state';
import { parseCommonRequest } from './request-shape';
import { RequestStream, type StreamSteps } from './request-stream';
import { Accounting, type AccountingWarningListener, type CostEstimate } from './accounting/accounting';
import type { BudgetState } from './accounting/budget-state';
import type { RequestLogView } from './accounting/log-view';
import type { RequestSource } from './log/record';
import type { TotalsSnapshot } from './usage/totals';
import { describeIssues } from './validation-issues';

export interface GatewayOptions {
  settings: Settings;
  keys: KeySource;
  env?: Record<string, string | undefined>;
  /** Where the request log and usage totals live; without one, totals are kept in memory and nothing is logged. */
  dataDir?: string;
  /** Who sends the requests, for their log records. Default `cli`. */
  source?: RequestSource;
  /** The open workspace, for per-workspace totals. */
  workspace?: string;
  /** Adapters to use instead of the built-in ones, per wire family (benchmarks, tests). */
  adapters?: Partial<Record<ProviderFamily, ProviderAdapter>>;
}

/** Listeners see every finished request, successful or not, for status bars, logs and totals. */
export type GatewayListener = (event: { request: ChatRequest; result?: GatewayResult; error?: Error; attempts: AttemptRecord[] }) => void;

/**
 * The one entry point for model calls: validates the request, resolves the model, routes it to a provider
 * adapter, and returns a result with usage, cost, timing and every attempt.
 */
export class Gateway {
  private settings: Settings;
  private readonly keys: KeySource;
  private readonly env: Record<string, string | undefined>;
  private catalogInstance: Catalog | undefined;
  private readonly listeners = new Set<GatewayListener>();
  /** Per provider, shared by all requests: one request's failures spare the next ones. */
  private readonly breaker = new CircuitBreaker();
  private readonly latency = new LatencyTracker();
  private settingsWarnings: SettingsWarning[] = [];
  private readonly accounting: Accounting;
  /** Adapters already loaded, so that a request does not wait a turn for `getAdapter`'s promise. */
  private readonly adapters = new Map<ProviderFamily, ProviderAdapter>();
  /** See `endpointOf`; emptied when settings change. */
  private readonly endpoints = new Map<ProviderDefinition, { gatewayToken: string | undefined; endpoint: Endpoint }>();

  constructor(options: GatewayOptions) {
    this.settings = options.settings;
    this.keys = options.keys;
    this.env = options.env ?? process.env;
    this.settings = this.checkSettings(options.settings);
    for (const [family, adapter] of Object.entries(options.adapters ?? {})) this.adapters.set(family as ProviderFamily, adapter);
    const { dataDir, source, workspace } = options;
    this.accounting = new Accounting({ settings: this.settings, keys: this.keys, catalog: () => this.catalog, dataDir, source, workspace });
  }

  /**
   * Routing settings that could not be applied (their defaults are in force), and settings that name a provider or a
   * model the catalog does not have; each names its setting.
   */
  get warnings(): readonly SettingsWarning[] {
    return this.settingsWarnings;
  }

  /** Notes the settings' warnings; returns the settings with each routing setting that cannot be applied at its default. */
  private checkSettings(settings: Settings): Settings {
    const routing = validateRoutingSettings(settings, () => this.catalog);
    this.settingsWarnings = [...routing, ...checkCatalogReferences(settings, this.env, () => this.catalog)];
    return applyRoutingDefaults(settings, routing);
  }

  /** Built on first use, so that nothing pays for the price library until a model is needed. */
  get catalog(): Catalog {
    this.catalogInstance ??= new Catalog(this.settings, this.env);
    return this.catalogInstance;
  }

  get currentSettings(): Settings {
    return this.settings;
  }

  updateSettings(settings: Settings): void {
    this.settings = settings;
    this.endpoints.clear();
    const discovered = this.catalogInstance?.entries().filter((e) => e.discovered);
    this.catalogInstance = undefined;
    if (discovered?.length) this.catalog.addDiscovered(discovered);
    this.settings = this.checkSettings(settings);
    this.accounting.updateSettings(this.settings);
  }

  onDidFinish(listener: GatewayListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Problems of the request log, usage totals, redaction patterns, telemetry export, and budget warnings. */
  onDidWarn(listener: AccountingWarningListener): () => void {
    return this.accounting.onDidWarn(listener);
  }

  /** The request log: query, export, aggregate. Empty without a data folder. */
  get requestLog(): RequestLogView {
    return this.accounting.requestLog;
  }

  /** Usage and cost this session, today, this month, for the workspace, per model and per provider. */
  totals(): Promise<TotalsSnapshot> {
    return this.accounting.totals();
  }

  resetSessionCost(): void {
    this.accounting.resetSessionCost();
  }

  /** Spend against `switchboard.budget.daily` and `.monthly`. */
  budgetState(): Promise<BudgetState> {
    return this.accounting.budgetState();
  }

  /** What a request would roughly cost before it is sent: on its model and on every catalog model. */
  estimateCost(input: ChatRequestInput, options: { assumedOutputTokens?: number } = {}): Promise<CostEstimate> {
    const request = this.normalize(input);
    return this.accounting.estimateCost(request, this.catalog.resolve(request.model), options);
  }

  /** Writes the records of finished requests, the totals and the telemetry now. */
  flushAccounting(): Promise<void> {
    return this.accounting.flush();
  }

  /** Flushes and closes the request log and the telemetry export; call on shutdown. */
  close(): Promise<void> {
    return this.accounting.close();
  }

  /** Finds Ollama and LM Studio models on their ports and adds them to the catalog. */
  async discoverLocalModels(signal?: AbortSignal): Promise<CatalogEntry[]> {
    if (!this.settings.localDetection) return [];
    const found = await discoverLocalModels(this.catalog.providers(), this.settings, this.env, { signal });
    this.catalog.addDiscovered(found);
    return found;
  }

  async hasKey(providerId: string): Promise<boolean> {
    const provider = this.catalog.provider(providerId);
    if (!provider) return false;
    return provider.auth === 'none' || (await this.keys.getKey(provider)) !== undefined;
  }

  /** Parses and fills defaults from settings. Throws InvalidRequestError naming each bad field. */
  normalize(input: ChatRequestInput): ChatRequest {
    const request = parseCommonRequest(input) ?? parseRequest(input);
    if (request.temperature === undefined && this.settings.temperature !== null) request.temperature = this.settings.temperature;
    if (request.maxTokens === undefined && this.settings.maxTokens !== null) request.maxTokens = this.settings.maxTokens;
    return request;
  }

  /** A non-streaming call upstream. */
  async complete(input: ChatRequestInput, options: CallOptions = {}): Promise<GatewayResult> {
    // No generator here: a non-streaming call needs none of the events but `done`, and each generator layer costs
    // every request a few promises.
    const state = new RequestState(false, input, options);
    try {
      const hit = this.open(state);
      if (hit) return hit;
      if (state.ticket!.budgeted) await state.ticket!.checkBudget();
      const { result, candidate } = await routeComplete(this.candidatesFor(state.requested!), this.starter(state), options.signal, this.routeOptions(), state.attempts);
      return this.succeed(state, result, candidate);
    } catch (err) {
      throw this.fail(state, err).error;
    }
  }

  /** A streaming call. The iterable ends with exactly one `done` or `error` event and never throws. */
  stream(input: ChatRequestInput, options: CallOptions = {}): AsyncIterable<GatewayStreamEvent> {
    return new RequestStream(this.streamSteps, new RequestState(true, input, options));
  }

  private readonly streamSteps: StreamSteps = {
    open: (state) => this.open(state),
    route: (state) => {
      const route = () => routeStream(this.candidatesFor(state.requested!), this.starter(state), state.options.signal, this.routeOptions());
      return state.ticket!.budgeted ? state.ticket!.checkBudget().then(route) : route();
    },
    observe: observeRouted,
    succeed: (state, done) => this.succeed(state, done.result, done.candidate),
    fail: (state, err) => this.fail(state, err),
  };

  /**
   * Validates and resolves the request and opens its accounting ticket. Returns the cached answer when the response
   * cache has one (the request is then settled); throws when the request cannot be sent.
   */
  private open(state: RequestState): GatewayResult | undefined {
    const { input, options } = state;
    if (options.signal?.aborted) throw new CancelledError();
    const request = this.normalize(input);
    request.stream = state.streaming;
    state.request = request;
    state.requested = this.catalog.resolve(request.model);
    const ticket = (state.ticket = this.accounting.begin(request, state.requested, state.started, options));
    const hit = ticket.cacheHit();
    if (!hit) return undefined;
    state.settled = true;
    this.emit({ request, result: hit, attempts: hit.attempts });
    ticket.finish(hit);
    return hit;
  }

  /** Routing stops its attempts itself when its reader stops, so only the caller's signal is passed to it. */
  private starter(state: RequestState): StartAttempt {
    const request = state.request!;
    return (candidate, signal) => this.startAttempt(candidate, request, signal);
  }

  private routeOptions(): RouteOptions {
    return { settings: this.settings, breaker: this.breaker, latency: this.latency };
  }

  /** The winner's answer as the request's result, priced and timed; the request is settled. */
  private succeed(state: RequestState, answer: ChatResult, candidate: Candidate): GatewayResult {
    const latencyMs = performance.now() - state.started;
    const { entry, provider } = candidate;
    const cost = computeCost(answer.usage, entry.price, entry.priceSource === 'local' ? 'catalog' : entry.priceSource);
    const result: GatewayResult = withFields(answer, {
      requestedModel: state.requested!.id,
      model: entry.id,
      provider: provider.id,
      cost,
      latencyMs,
      ttftMs: state.streaming ? state.ttftMs ?? latencyMs : latencyMs,
      attempts: state.attempts,
      cacheHit: false,
    });
    // The answering attempt's usage is the answer's: its price is this one, so the accounting need not work it out again.
    const answering = state.attempts.at(-1);
    if (answering?.outcome === 'ok' && answering.cost === undefined && cost.priced) answering.cost = cost.total;
    state.settled = true;
    this.emit({ request: state.request!, result, attempts: state.attempts });
    state.ticket!.finish(result);
    return result;
  }

  /** The request failed or was cancelled: it is recorded, and settled. */
  private fail(state: RequestState, err: unknown): Extract<GatewayStreamEvent, { type: 'error' }> {
    const error = err instanceof Error ? err : new Error(errorMessage(err));
    const { request, attempts, partialText } = state;
    state.settled = true;
    if (request) this.emit({ request, error, attempts });
    state.ticket?.fail(error, attempts, partialText);
    return { type: 'error', error, partialText, attempts };
  }

  private candidatesFor(requested: CatalogEntry): Candidate[] {
    const provider = this.catalog.provider(requested.provider);
    if (!provider) throw new InvalidRequestError(`The catalog has no provider "${requested.provider}".`);
    return buildCandidates(requested, this.settings, this.catalog, this.latency);
  }

  /**
   * The call, when everything it needs is at hand: its key known without waiting and no Cloudflare gateway token to
   * look up. Each await before the upstream call costs a request a few microseconds (side by side with core-ab).
   */
  private knownCall(candidate: Candidate, request: ChatRequest): ResolvedCall | undefined {
    const { provider } = candidate;
    if (this.settings.cloudflareGateway) return undefined;
    if (provider.auth === 'none') return this.callWith(candidate, request, undefined, undefined);
    // A key known to be missing is left to `resolveCall`, which has the error to give.
    const apiKey = this.keys.knownKey?.(provider);
    return apiKey ? this.callWith(candidate, request, apiKey, undefined) : undefined;
  }

  private async resolveCall(candidate: Candidate, request: ChatRequest): Promise<ResolvedCall> {
    const { provider } = candidate;
    const apiKey = provider.auth === 'none' ? undefined : await this.keys.getKey(provider);
    if (provider.auth !== 'none' && !apiKey) throw new MissingKeyError(provider.name, provider.apiKeyEnv[0] ?? 'an API key');
    const gatewayToken = this.settings.cloudflareGateway ? await this.keys.getKey(CLOUDFLARE_GATEWAY_KEY) : undefined;
    return this.callWith(candidate, request, apiKey, gatewayToken);
  }

  private callWith(candidate: Candidate, request: ChatRequest, apiKey: string | undefined, gatewayToken: string | undefined): ResolvedCall {
    const { entry, provider } = candidate;
    const { baseURL, headers } = this.endpointOf(provider, gatewayToken);
    const call: ResolvedCall = {
      provider,
      modelId: entry.id,
      upstreamModel: entry.upstreamModel,
      baseURL,
      apiKey,
      headers,
      request: request.maxTokens === undefined && provider.family === 'anthropic' ? withFields(request, { maxTokens: entry.maxOutput }) : request,
    };
    if (entry.endOfLife !== undefined) {
      call.endOfLife = entry.endOfLife;
      call.replacement = entry.replacement;
    }
    return call;
  }

  /** The provider's base URL and headers, worked out once per provider (and gateway token) until settings change. */
  private endpointOf(provider: ProviderDefinition, gatewayToken: string | undefined): Endpoint {
    const known = this.endpoints.get(provider);
    if (known && known.gatewayToken === gatewayToken) return known.endpoint;
    const endpoint = resolveEndpoint(provider, this.settings, this.env, { gatewayToken });
    this.endpoints.set(provider, { gatewayToken, endpoint });
    return endpoint;
  }

  private startAttempt(candidate: Candidate, request: ChatRequest, signal: AbortSignal): AsyncIterable<ProviderStreamEvent> | Promise<ChatResult> {
    const adapter = this.adapters.get(candidate.provider.family);
    const call = adapter && this.knownCall(candidate, request);
    if (call) return request.stream ? adapter.stream(call, { signal }) : adapter.complete(call, { signal });
    if (!request.stream) return this.callOnce(candidate, request, signal);
    return deferredIterator(async () => {
      const call = await this.resolveCall(candidate, request);
      const adapter = this.adapters.get(candidate.provider.family) ?? (await this.loadAdapter(candidate.provider.family));
      return adapter.stream(call, { signal })[Symbol.asyncIterator]();
    });
  }

  private async callOnce(candidate: Candidate, request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
    const call = await this.resolveCall(candidate, request);
    const adapter = this.adapters.get(candidate.provider.family) ?? (await this.loadAdapter(candidate.provider.family));
    return await adapter.complete(call, { signal });
  }

  private async loadAdapter(family: ProviderFamily): Promise<ProviderAdapter> {
    const adapter = await getAdapter(family);
    this.adapters.set(family, adapter);
    return adapter;
  }

  private emit(event: Parameters<GatewayListener>[0]): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not fail the request it observes.
      }
    }
  }
}

/** Keeps what the request's record needs from a routed event. */
function observeRouted(state: RequestState, event: Exclude<RoutedEvent, { type: 'done' }>): void {
  switch (event.type) {
    case 'text':
      state.ttftMs ??= performance.now() - state.started;
      state.partialText += event.delta;
      break;
    case 'tool_call':
      state.ttftMs ??= performance.now() - state.started;
      break;
    case 'attempt':
      state.attempts.push(event.attempt);
      break;
  }
}

function parseRequest(input: ChatRequestInput): ChatRequest {
  const parsed = ChatRequestSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidRequestError(`Invalid request: ${describeIssues(parsed.error, 'request')}`);
}
