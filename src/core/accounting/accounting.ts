import { ResponseCache } from '../cache/response-cache';
import type { Catalog } from '../catalog/catalog';
import type { CatalogEntry } from '../catalog/types';
import type { Settings } from '../config/settings';
import { errorMessage } from '../errors';
import type { KeySource } from '../keys';
import { dataPaths } from '../log/paths';
import { liveUsage, toRecord, type RecordInput, type RequestSource } from '../log/record';
import { RequestLog, describeSkipped, type ReadReport, type SkippedLine } from '../log/store';
import { OtlpExporter } from '../telemetry/otlp';
import type { AttemptRecord, CallOptions, ChatRequest, GatewayResult } from '../types';
import { budgetLimits, checkBudget, enforceBudget } from '../usage/budget';
import { computeCost } from '../usage/cost';
import { estimateCostAcross, type ModelCostEstimate } from '../usage/estimate';
import { UsageTotals, localDay, localMonth, type TotalsSnapshot, type UsageEntry } from '../usage/totals';
import { settleFailedAttempts } from './attempt-costs';
import { budgetState, type BudgetState } from './budget-state';
import { RequestLogView } from './log-view';
import { RedactionSource } from './redaction';
import { RequestTicket, type EndedRequest, type TicketHost } from './ticket';
import { MemoryTotals, type TotalsStore } from './totals-store';

export interface AccountingOptions {
  settings: Settings;
  keys: KeySource;
  /** The gateway's current catalog (rebuilt on settings changes). */
  catalog: () => Catalog;
  /** Where the request log and the usage totals live; without one, totals are kept in memory and nothing is logged. */
  dataDir?: string;
  source?: RequestSource;
  workspace?: string;
}

export interface AccountingWarning {
  /** What it is about. */
  source: 'log' | 'totals' | 'redaction' | 'telemetry' | 'budget';
  message: string;
  /** The setting to look at, when there is one. */
  setting?: string;
}

export type AccountingWarningListener = (warning: AccountingWarning) => void;

export interface CostEstimate {
  /** The requested model. */
  model: ModelCostEstimate;
  /** Every catalog model, cheapest first; unpriced ones last. */
  across: ModelCostEstimate[];
}

/** See `Accounting.record`. */
const RECORD_BATCH_MS = 50;

interface PendingRecord {
  ended: EndedRequest;
  settings: Settings;
}

interface Stores {
  log: RequestLog | undefined;
  totals: TotalsStore;
}

/**
 * Cost and usage accounting around the gateway's requests: the budget check and the response cache before a
 * request is sent, and afterwards its log record (redacted, at the logging level), the running totals and the
 * OpenTelemetry export. Nothing is read from disk until the first request or query, and nothing is written on the
 * request path: records are built and written after the request has answered.
 */
export class Accounting implements TicketHost {
  private currentSettings: Settings;
  private readonly keys: KeySource;
  private readonly catalogOf: () => Catalog;
  private readonly dataDir: string | undefined;
  private readonly source: RequestSource;
  private readonly workspace: string | undefined;
  private logInstance: RequestLog | undefined;
  private loading: Promise<Stores> | undefined;
  private loaded: Stores | undefined;
  private cache: ResponseCache<GatewayResult> | undefined;
  private telemetry: { exporter: OtlpExporter; signature: string } | undefined;
  /** Records that write out (the log, telemetry) are built and written one at a time, in the order their requests ended. */
  private queue: Promise<void> = Promise.resolve();
  /** Requests that ended since the last batch; see `record`. */
  private pending: PendingRecord[] = [];
  private batchTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<AccountingWarningListener>();
  private readonly redaction: RedactionSource;
  /** Budget warnings already given, by period and day or month, so each is shown once. */
  private readonly budgetWarnings = new Set<string>();
  private lastSkipped = '';
  readonly requestLog: RequestLogView;

  constructor(options: AccountingOptions) {
    this.currentSettings = options.settings;
    this.keys = options.keys;
    this.catalogOf = options.catalog;
    this.dataDir = options.dataDir;
    this.source = options.source ?? 'cli';
    this.workspace = options.workspace;
    this.redaction = new RedactionSource(this.keys, (warnings) => {
      for (const w of warnings) this.warn({ source: 'redaction', message: w.message, setting: w.setting });
    });
    const logOf = () => this.log;
    this.requestLog = new RequestLogView({
      get log() {
        return logOf();
      },
      settle: () => this.settle(),
      reportSkipped: (skipped) => this.reportSkipped(skipped),
      warn: (message) => this.warn({ source: 'log', message }),
    });
  }

  get settings(): Settings {
    return this.currentSettings;
  }

  get catalog(): Catalog {
    return this.catalogOf();
  }

  /** The request log (no I/O until used); undefined without a data folder. */
  get log(): RequestLog | undefined {
    if (!this.dataDir) return undefined;
    this.logInstance ??= new RequestLog({
      dir: dataPaths(this.dataDir).logDir,
      retentionDays: this.currentSettings['logging.retentionDays'],
      onError: (message) => this.warn({ source: 'log', message }),
      onWarning: (message) => this.warn({ source: 'log', message }),
    });
    return this.logInstance;
  }

  updateSettings(settings: Settings): void {
    this.currentSettings = settings;
    this.logInstance?.configure({ retentionDays: settings['logging.retentionDays'] });
    if (!settings['cache.enabled']) this.cache = undefined;
    else this.cache?.configure({ ttlMs: settings['cache.ttlSeconds'] * 1000 });
    this.budgetWarnings.clear();
  }

  onDidWarn(listener: AccountingWarningListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a request's bookkeeping once its model is resolved. */
  begin(request: ChatRequest, requested: CatalogEntry, started: number, options: CallOptions): RequestTicket {
    return new RequestTicket(this, request, requested, started, options.allowOverBudget === true);
  }

  lookup(key: string): GatewayResult | undefined {
    return this.cache?.get(key);
  }

  store(key: string, result: GatewayResult): void {
    this.cache ??= new ResponseCache<GatewayResult>({ ttlMs: this.currentSettings['cache.ttlSeconds'] * 1000 });
    this.cache.set(key, result);
  }

  async enforceBudget(request: ChatRequest, requested: CatalogEntry): Promise<void> {
    // The requests that ended before this one count against the budget it is checked against.
    await this.settle();
    const { totals } = await this.stores();
    const [estimate] = await estimateCostAcross(request, [requested], computeCost);
    const check = checkBudget(totals.spend(), budgetLimits(this.currentSettings), estimate.cost.priced ? estimate.cost.total : 0);
    enforceBudget(check);
    if (check.state === 'warn') this.warnBudgetOnce(check.period!, check.message);
  }

  /**
   * Queues the request's record. The records of the requests that end within `RECORD_BATCH_MS` are written in one
   * batch, so that a chain of requests pays no event-loop turn and no promise chain per request for its records
   * (side by side with bench/core-ab.mjs, about 10 µs a request). Whatever reads the totals or the log writes the
   * batch first.
   */
  record(ended: EndedRequest): void {
    // The settings in force when the request ended decide its record, even if they change before it is written.
    this.pending.push({ ended, settings: this.currentSettings });
    this.batchTimer ??= setTimeout(this.writeBatch, RECORD_BATCH_MS);
  }

  /**
   * Writes the pending records now. A successful request whose record leaves nothing to write (no log file, no
   * telemetry) is counted at once; the others are written in the queue, in order.
   */
  private readonly writeBatch = (): void => {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const batch = this.pending;
    if (!batch.length) return;
    this.pending = [];
    const stores = this.loaded;
    for (const item of batch) {
      const { result } = item.ended;
      if (!stores || !result || this.writesOut(stores, item.settings)) {
        this.queue = this.queue.then(() => this.writeRecord(item)).catch(this.recordFailed);
        continue;
      }
      try {
        this.count(item, stores.totals, result.attempts);
      } catch (err) {
        this.recordFailed(err);
      }
    }
  };

  private readonly recordFailed = (err: unknown): void => {
    this.warn({ source: 'log', message: `A request was not recorded: ${errorMessage(err)}` });
  };

  /** The record goes to the log file or the telemetry export. */
  private writesOut(stores: Stores, settings: Settings): boolean {
    return (settings['logging.level'] !== 'off' && stores.log !== undefined) || this.exporter(settings) !== undefined;
  }

  /** Adds the request to the totals; returns what its log record is built from. */
  private count({ ended, settings }: PendingRecord, totals: TotalsStore, attempts: AttemptRecord[]): RecordInput {
    const { request, result, error } = ended;
    // Built field by field: on Node 20 every property written after a spread is slow (see `withFields`).
    const input: RecordInput = { request, requestedModel: ended.requested.id, startedAt: ended.startedAt, source: this.source };
    if (result) input.result = result;
    else Object.assign(input, { error, attempts, latencyMs: ended.latencyMs, partialText: ended.partialText });
    if (this.workspace) input.workspace = this.workspace;
    // Totals keep ids and numbers in this process; only what is written or exported needs redacting.
    totals.add(liveUsage(input));
    this.warnIfOverBudget(totals, settings);
    return input;
  }

  private async writeRecord(item: PendingRecord): Promise<void> {
    const stores = this.loaded ?? (await this.stores());
    const { ended, settings } = item;
    const catalog = this.catalog;
    const attempts = ended.result ? ended.result.attempts : await settleFailedAttempts(ended, catalog);
    const input = this.count(item, stores.totals, attempts);
    // Without a log file or an exporter nothing leaves the process, so there is nothing to redact.
    if (!this.writesOut(stores, settings)) return;
    const { log } = stores;
    const { request, result } = ended;
    const level = settings['logging.level'];
    const exporter = this.exporter(settings);
    const redactor = await this.redaction.redactorFor([ended.requested.provider, ...attempts.map((a) => a.provider)], catalog, settings);
    const logged = level === 'off' ? undefined : toRecord(input, { level, redactor });
    if (logged && log) void log.append(logged);
    exporter?.record({
      record: logged ?? toRecord(input, { level: 'metadata', redactor })!,
      params: { temperature: request.temperature, topP: request.topP, maxTokens: request.maxTokens, stop: request.stop },
      upstreamModel: result?.upstreamModel,
    });
  }

  private exporter(settings: Settings): OtlpExporter | undefined {
    const endpoint = settings['telemetry.otlpEndpoint'];
    if (!endpoint && !this.telemetry) return undefined;
    const level = settings['logging.level'];
    const signature = `${endpoint} ${level}`;
    if (this.telemetry?.signature === signature) return this.telemetry.exporter;
    void this.telemetry?.exporter.shutdown();
    this.telemetry = endpoint
      ? {
          signature,
          exporter: new OtlpExporter({
            endpoint,
            level,
            onError: (message) => this.warn({ source: 'telemetry', message, setting: 'switchboard.telemetry.otlpEndpoint' }),
          }),
        }
      : undefined;
    return this.telemetry?.exporter;
  }

  private warnIfOverBudget(totals: TotalsStore, settings: Settings): void {
    const limits = budgetLimits(settings);
    if (limits.daily === null && limits.monthly === null) return;
    const check = checkBudget(totals.spend(), limits);
    if (check.state !== 'ok') this.warnBudgetOnce(check.period!, check.message, check.state);
  }

  private warnBudgetOnce(period: 'daily' | 'monthly', message: string, state = 'warn'): void {
    const now = new Date();
    const key = `${period} ${period === 'daily' ? localDay(now) : localMonth(now)} ${state}`;
    if (this.budgetWarnings.has(key)) return;
    this.budgetWarnings.add(key);
    this.warn({ source: 'budget', message, setting: `switchboard.budget.${period}` });
  }

  /** The log and the totals, loaded on first use. Never rejects: totals that cannot be loaded are kept in memory. */
  private stores(): Promise<Stores> {
    this.loading ??= this.load().then((stores) => (this.loaded = stores));
    return this.loading;
  }

  private async load(): Promise<Stores> {
    const log = this.log;
    if (!this.dataDir) return { log, totals: new MemoryTotals(this.workspace) };
    const onWarning = (message: string) => this.warn({ source: 'totals', message });
    try {
      const totals = await UsageTotals.load({
        file: dataPaths(this.dataDir).totalsFile,
        workspace: this.workspace,
        rebuildFrom: log && (() => this.rebuildSource(log)),
        onWarning,
      });
      return { log, totals };
    } catch (err) {
      onWarning(`Usage totals could not be loaded from ${this.dataDir}, so they count from zero, in memory: ${errorMessage(err)}`);
      return { log, totals: new MemoryTotals(this.workspace) };
    }
  }

  private async *rebuildSource(log: RequestLog): AsyncGenerator<UsageEntry> {
    const report: ReadReport = { skipped: [] };
    yield* log.query({}, report);
    this.reportSkipped(report.skipped);
  }

  private reportSkipped(skipped: readonly SkippedLine[]): void {
    const message = describeSkipped(skipped);
    if (!message || message === this.lastSkipped) return;
    this.lastSkipped = message;
    this.warn({ source: 'log', message });
  }

  private warn(warning: AccountingWarning): void {
    for (const listener of this.listeners) {
      try {
        listener(warning);
      } catch {
        // A listener's failure must not stop the accounting.
      }
    }
  }

  /** Waits for the records of the requests that have ended. */
  async settle(): Promise<void> {
    for (;;) {
      this.writeBatch();
      const queued = this.queue;
      await queued;
      if (queued === this.queue && !this.pending.length) return;
    }
  }

  async totals(): Promise<TotalsSnapshot> {
    await this.settle();
    return (await this.stores()).totals.snapshot();
  }

  resetSessionCost(): void {
    if (this.loaded) this.loaded.totals.resetSession();
    else void this.loading?.then((s) => s.totals.resetSession());
  }

  async budgetState(): Promise<BudgetState> {
    await this.settle();
    return budgetState((await this.stores()).totals.spend(), budgetLimits(this.currentSettings));
  }

  async estimateCost(request: ChatRequest, requested: CatalogEntry, options: { assumedOutputTokens?: number } = {}): Promise<CostEstimate> {
    const entries = this.catalog.entries();
    if (!entries.some((e) => e.id === requested.id)) entries.push(requested);
    const across = await estimateCostAcross(request, entries, computeCost, options);
    const model = across.find((e) => e.model === requested.id)!;
    across.sort((a, b) => Number(b.cost.priced) - Number(a.cost.priced) || a.cost.total - b.cost.total || a.model.localeCompare(b.model));
    return { model, across };
  }

  /** Writes everything pending: log appends, totals, telemetry. */
  async flush(): Promise<void> {
    await this.settle();
    if (!this.loading) return;
    const { log, totals } = await this.loading;
    await Promise.all([log?.flush(), totals.flush(), this.telemetry?.exporter.flush()]);
  }

  /** Flushes and closes the log file and the telemetry exporter. */
  async close(): Promise<void> {
    await this.flush();
    if (this.loading) {
      const { log, totals } = await this.loading;
      await Promise.all([log?.close(), totals.close()]);
    }
    await this.telemetry?.exporter.shutdown();
    this.telemetry = undefined;
  }
}
