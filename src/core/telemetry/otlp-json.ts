import { randomBytes } from 'node:crypto';

/**
 * The OTLP/JSON encoding of spans and metrics (opentelemetry-proto, docs/specification.md "JSON Protobuf
 * Encoding"): lowerCamelCase keys, trace and span ids as hex, enums as integers, 64-bit integers as decimal
 * strings. Only the fields Switchboard sends are modelled.
 */

export type AttributeValue = string | number | boolean | string[] | undefined;
export type Attributes = Record<string, AttributeValue>;

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValue[] };
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** Span kinds and status codes, as the proto enums number them. */
export const SPAN_KIND_CLIENT = 3;
export const STATUS_CODE_ERROR = 2;
/** AggregationTemporality. */
export const TEMPORALITY_CUMULATIVE = 2;

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

/** Milliseconds since the epoch (fractions kept to the microsecond) as OTLP's nanosecond string. */
export const unixNano = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();

function anyValue(value: Exclude<AttributeValue, undefined>): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } };
}

/** Attributes in OTLP form; undefined values are left out. `doubles` names keys always sent as doubles. */
export function encodeAttributes(attributes: Attributes, doubles: ReadonlySet<string> = new Set()): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    out.push({ key, value: doubles.has(key) && typeof value === 'number' ? { doubleValue: value } : anyValue(value) });
  }
  return out;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status?: { code: number; message?: string };
}

export interface OtlpResource {
  attributes: OtlpKeyValue[];
}

export interface OtlpScope {
  name: string;
  version?: string;
}

export const encodeTraces = (resource: OtlpResource, scope: OtlpScope, spans: OtlpSpan[]) => ({
  resourceSpans: [{ resource, scopeSpans: [{ scope, spans }] }],
});

export interface HistogramPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  count: string;
  sum: number;
  min: number;
  max: number;
  bucketCounts: string[];
  explicitBounds: number[];
}

export interface SumPoint {
  attributes: OtlpKeyValue[];
  startTimeUnixNano: string;
  timeUnixNano: string;
  asDouble: number;
}

export type OtlpMetric =
  | { name: string; unit: string; description: string; histogram: { aggregationTemporality: number; dataPoints: HistogramPoint[] } }
  | { name: string; unit: string; description: string; sum: { aggregationTemporality: number; isMonotonic: boolean; dataPoints: SumPoint[] } };

export const encodeMetrics = (resource: OtlpResource, scope: OtlpScope, metrics: OtlpMetric[]) => ({
  resourceMetrics: [{ resource, scopeMetrics: [{ scope, metrics }] }],
});

/** A cumulative explicit-bucket histogram per attribute set. */
export class CumulativeHistogram {
  private readonly series = new Map<string, { attributes: OtlpKeyValue[]; count: number; sum: number; min: number; max: number; buckets: number[] }>();
  constructor(
    readonly name: string,
    readonly unit: string,
    readonly description: string,
    readonly bounds: readonly number[],
  ) {}

  record(value: number, attributes: Attributes): void {
    const encoded = encodeAttributes(attributes);
    const key = JSON.stringify(encoded);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { attributes: encoded, count: 0, sum: 0, min: value, max: value, buckets: new Array(this.bounds.length + 1).fill(0) }));
    s.count++;
    s.sum += value;
    s.min = Math.min(s.min, value);
    s.max = Math.max(s.max, value);
    // Bucket i holds values in (bounds[i-1], bounds[i]]; the last one everything above the last bound.
    let i = this.bounds.findIndex((b) => value <= b);
    if (i === -1) i = this.bounds.length;
    s.buckets[i]++;
  }

  encode(startNano: string, nowNano: string): OtlpMetric | undefined {
    if (!this.series.size) return undefined;
    const dataPoints = [...this.series.values()].map((s) => ({
      attributes: s.attributes,
      startTimeUnixNano: startNano,
      timeUnixNano: nowNano,
      count: String(s.count),
      sum: s.sum,
      min: s.min,
      max: s.max,
      bucketCounts: s.buckets.map(String),
      explicitBounds: [...this.bounds],
    }));
    return { name: this.name, unit: this.unit, description: this.description, histogram: { aggregationTemporality: TEMPORALITY_CUMULATIVE, dataPoints } };
  }
}

/** A cumulative monotonic sum per attribute set. */
export class CumulativeSum {
  private readonly series = new Map<string, { attributes: OtlpKeyValue[]; value: number }>();
  constructor(
    readonly name: string,
    readonly unit: string,
    readonly description: string,
  ) {}

  add(value: number, attributes: Attributes): void {
    const encoded = encodeAttributes(attributes);
    const key = JSON.stringify(encoded);
    const s = this.series.get(key);
    if (s) s.value += value;
    else this.series.set(key, { attributes: encoded, value });
  }

  encode(startNano: string, nowNano: string): OtlpMetric | undefined {
    if (!this.series.size) return undefined;
    const dataPoints = [...this.series.values()].map((s) => ({ attributes: s.attributes, startTimeUnixNano: startNano, timeUnixNano: nowNano, asDouble: s.value }));
    return { name: this.name, unit: this.unit, description: this.description, sum: { aggregationTemporality: TEMPORALITY_CUMULATIVE, isMonotonic: true, dataPoints } };
  }
}
