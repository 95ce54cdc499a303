import type { LoggingLevel, RequestRecord } from '../log/record';
import {
  DOUBLE_ATTRIBUTES,
  DURATION_BUCKETS,
  TOKEN_BUCKETS,
  metricAttributes,
  spanAttributes,
  spanName,
  type SpanParams,
} from './genai';
import {
  CumulativeHistogram,
  CumulativeSum,
  SPAN_KIND_CLIENT,
  STATUS_CODE_ERROR,
  encodeAttributes,
  encodeMetrics,
  encodeTraces,
  newSpanId,
  newTraceId,
  unixNano,
  type OtlpMetric,
  type OtlpResource,
  type OtlpScope,
  type OtlpSpan,
} from './otlp-json';

/**
 * OpenTelemetry export (`switchboard.telemetry.otlpEndpoint`, off by default). Each request becomes one GenAI
 * inference span, and feeds the `gen_ai.client.token.usage` and `gen_ai.client.operation.duration` histograms
 * plus Switchboard's cost and request counters. Everything is sent as OTLP/HTTP JSON with `fetch` to
 * `<endpoint>/v1/traces` and `<endpoint>/v1/metrics`, in batches, off the request path: `record()` only queues,
 * and nothing here ever throws to its caller. A failed export drops its batch and is reported once per outage.
 */

export interface OtlpExporterOptions {
  /** The collector's base URL, e.g. `http://localhost:4318`. A trailing `/v1/traces` is tolerated. */
  endpoint: string;
  /** Prompts and answers are sent only at `full`. */
  level: LoggingLevel;
  headers?: Record<string, string>;
  serviceName?: string;
  serviceVersion?: string;
  /** Spans per POST; a full batch is sent at once. Default 100. */
  maxBatch?: number;
  /** How long a partial batch waits. Default 5000 ms. */
  flushIntervalMs?: number;
  /** Spans kept while the collector is slow or down; the oldest are dropped beyond it. Default 2048. */
  maxQueue?: number;
  /** Per POST. Default 10000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /** An export failed or spans were dropped. Called once until an export succeeds again. */
  onError?: (message: string) => void;
}

export interface TelemetryInput {
  /** The redacted record; its contents, when present, are exported only at level `full`. */
  record: RequestRecord;
  params?: SpanParams;
  /** The model name the upstream reported. */
  upstreamModel?: string;
}

const baseUrl = (endpoint: string): string => endpoint.replace(/\/+$/, '').replace(/\/v1\/(traces|metrics)$/, '');

export class OtlpExporter {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly resource: OtlpResource;
  private readonly scope: OtlpScope;
  private readonly startNano: string;
  private queue: OtlpSpan[] = [];
  private timer: NodeJS.Timeout | undefined;
  private exporting: Promise<void> | undefined;
  private metricsDirty = false;
  private failing = false;
  private closed = false;
  private readonly tokenUsage = new CumulativeHistogram('gen_ai.client.token.usage', '{token}', 'Number of input and output tokens used.', TOKEN_BUCKETS);
  private readonly duration = new CumulativeHistogram('gen_ai.client.operation.duration', 's', 'GenAI operation duration.', DURATION_BUCKETS);
  private readonly cost = new CumulativeSum('switchboard.cost', 'USD', 'Cost of model requests in US dollars.');
  private readonly requests = new CumulativeSum('switchboard.requests', '{request}', 'Model requests, by outcome.');
  /** Counts for tests and status displays. */
  readonly stats = { exportedSpans: 0, droppedSpans: 0, failedExports: 0 };

  constructor(private readonly options: OtlpExporterOptions) {
    this.base = baseUrl(options.endpoint);
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    this.startNano = unixNano(this.now());
    this.resource = {
      attributes: encodeAttributes({ 'service.name': options.serviceName ?? 'switchboard', 'service.version': options.serviceVersion }),
    };
    this.scope = { name: 'switchboard', ...(options.serviceVersion ? { version: options.serviceVersion } : {}) };
  }

  /** Queues a finished request. Never throws. */
  record(input: TelemetryInput): void {
    if (this.closed) return;
    try {
      this.queue.push(this.toSpan(input));
      this.recordMetrics(input);
      const maxQueue = this.options.maxQueue ?? 2048;
      if (this.queue.length > maxQueue) {
        const dropped = this.queue.length - maxQueue;
        this.queue.splice(0, dropped);
        this.stats.droppedSpans += dropped;
        this.report(`Telemetry queue full: dropped ${dropped} span(s) for ${this.base}; requests continue.`);
      }
      if (this.queue.length >= (this.options.maxBatch ?? 100)) void this.flush();
      else this.schedule();
    } catch (err) {
      this.report(`Telemetry not recorded: ${(err as Error).message}`);
    }
  }

  /** Sends everything queued. Never rejects. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // One export at a time; a flush during one waits for it, then sends what came in meanwhile.
    const run = (this.exporting ?? Promise.resolve()).then(() => this.exportAll());
    const current: Promise<void> = run.finally(() => {
      if (this.exporting === current) this.exporting = undefined;
    });
    this.exporting = current;
    return current;
  }

  /** Flushes and stops; later records are ignored. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.options.flushIntervalMs ?? 5000);
    this.timer.unref?.();
  }

  private toSpan(input: TelemetryInput): OtlpSpan {
    const { record } = input;
    const start = Date.parse(record.time);
    const attributes = spanAttributes({ ...input, captureContent: this.options.level === 'full' });
    return {
      traceId: newTraceId(),
      spanId: newSpanId(),
      name: spanName(record),
      kind: SPAN_KIND_CLIENT,
      startTimeUnixNano: unixNano(start),
      endTimeUnixNano: unixNano(start + record.latencyMs),
      attributes: encodeAttributes(attributes, DOUBLE_ATTRIBUTES),
      ...(record.status === 'ok' ? {} : { status: { code: STATUS_CODE_ERROR, ...(record.error ? { message: record.error } : {}) } }),
    };
  }

  private recordMetrics({ record, upstreamModel }: TelemetryInput): void {
    const attributes = metricAttributes(record, upstreamModel);
    if (!record.cacheHit) {
      this.tokenUsage.record(record.usage.inputTokens, { ...attributes, 'error.type': undefined, 'gen_ai.token.type': 'input' });
      this.tokenUsage.record(record.usage.outputTokens, { ...attributes, 'error.type': undefined, 'gen_ai.token.type': 'output' });
    }
    this.duration.record(record.latencyMs / 1000, attributes);
    const counterAttributes = {
      'gen_ai.provider.name': attributes['gen_ai.provider.name'],
      'gen_ai.request.model': attributes['gen_ai.request.model'],
      'switchboard.status': record.status,
      'switchboard.cache_hit': record.cacheHit,
    };
    this.cost.add(record.cost, counterAttributes);
    this.requests.add(1, counterAttributes);
    this.metricsDirty = true;
  }

  private async exportAll(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 100;
    while (this.queue.length) {
      const batch = this.queue.splice(0, maxBatch);
      if (await this.post('/v1/traces', encodeTraces(this.resource, this.scope, batch))) this.stats.exportedSpans += batch.length;
      else this.stats.droppedSpans += batch.length;
    }
    if (this.metricsDirty) {
      this.metricsDirty = false;
      const nowNano = unixNano(this.now());
      const metrics = [this.tokenUsage, this.duration, this.cost, this.requests]
        .map((m) => m.encode(this.startNano, nowNano))
        .filter((m): m is OtlpMetric => m !== undefined);
      // Cumulative: a lost export is made good by the next one, which carries the same totals and more.
      await this.post('/v1/metrics', encodeMetrics(this.resource, this.scope, metrics));
    }
  }

  private async post(path: string, body: unknown): Promise<boolean> {
    const url = `${this.base}${path}`;
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
      this.failing = false;
      return true;
    } catch (err) {
      this.stats.failedExports++;
      this.report(`Telemetry export to ${url} failed: ${(err as Error).message}. Data is dropped until the collector answers; requests continue.`);
      return false;
    }
  }

  private report(message: string): void {
    if (this.failing) return;
    this.failing = true;
    try {
      this.options.onError?.(message);
    } catch {
      // A failing reporter must not reach the request path either.
    }
  }
}
