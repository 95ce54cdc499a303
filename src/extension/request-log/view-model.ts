import type { RequestRecord, RequestStatus } from '../../core/log/record';
import type { LogQuery } from '../../core/log/store';

/** What the Request Log view shows, without VS Code: filters, list rows, documents. Tested on its own. */

export type TimeRangeId = '15m' | '1h' | '24h' | '7d' | '30d' | 'all';

export const TIME_RANGES: readonly { id: TimeRangeId; label: string; ms?: number }[] = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: 'all', label: 'All time' },
];

export const STATUSES: readonly RequestStatus[] = ['ok', 'error', 'cancelled'];

export interface LogFilter {
  /** A catalog id; undefined for any. */
  model?: string;
  status?: RequestStatus;
  range: TimeRangeId;
}

export const DEFAULT_FILTER: LogFilter = { range: '24h' };

/** The most rows the list loads; the newest come first. */
export const LIST_LIMIT = 500;

/** The log query for a filter: newest first, limited for the list, unlimited (oldest first) for an export. */
export function toQuery(filter: LogFilter, now: number, purpose: 'list' | 'export'): LogQuery {
  const range = TIME_RANGES.find((r) => r.id === filter.range);
  return {
    ...(range?.ms !== undefined ? { since: new Date(now - range.ms) } : {}),
    ...(filter.model !== undefined ? { model: filter.model } : {}),
    ...(filter.status !== undefined ? { status: filter.status } : {}),
    ...(purpose === 'list' ? { order: 'desc', limit: LIST_LIMIT } : { order: 'asc' }),
  };
}

export function describeFilter(filter: LogFilter): string {
  const range = TIME_RANGES.find((r) => r.id === filter.range)?.label ?? filter.range;
  return [range, filter.model ?? 'any model', filter.status ?? 'any status'].join(' · ');
}

const STATUS_ICONS: Record<RequestStatus, string> = { ok: '$(pass)', error: '$(error)', cancelled: '$(circle-slash)' };

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local date and time, `YYYY-MM-DD HH:MM:SS`. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatCost(usd: number, priced: boolean): string {
  const amount = usd === 0 ? '$0' : usd < 0.01 ? `$${usd.toFixed(6)}` : `$${usd.toFixed(4)}`;
  return priced ? amount : `${amount} (price unknown)`;
}

const formatLatency = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/** One row of the list: the model and outcome, when and how long, then tokens, cost and what went wrong. */
export function recordRow(r: RequestRecord): { label: string; description: string; detail: string } {
  const model = r.model === r.requestedModel ? r.model : `${r.model} (fallback from ${r.requestedModel})`;
  const facts = [
    `${r.usage.inputTokens} in / ${r.usage.outputTokens} out tokens${r.usage.estimated ? ' (estimated)' : ''}`,
    r.cacheHit ? 'cache hit' : formatCost(r.cost, r.priced),
    `${r.attempts.length} attempt${r.attempts.length === 1 ? '' : 's'}`,
    r.source,
  ];
  if (r.error) facts.push(r.error.replace(/\s+/g, ' ').slice(0, 160));
  return {
    label: `${STATUS_ICONS[r.status] ?? ''} ${model}`.trim(),
    description: `${localTime(r.time)} · ${formatLatency(r.latencyMs)}`,
    detail: facts.join(' · '),
  };
}

/** The read-only document of one record: the record as JSON, with a note when contents were not logged. */
export function recordDocument(r: RequestRecord): string {
  const note = r.request
    ? {}
    : { note: 'The request and response were not logged: set switchboard.logging.level to "full" to keep them for later requests.' };
  return `${JSON.stringify({ ...note, ...r }, null, 2)}\n`;
}

/** The path of a record's virtual document: readable in a tab title, `.json` so that it opens as JSON. */
export function recordPath(r: RequestRecord): string {
  const name = r.model.split('/').slice(1).join('-') || r.model;
  const time = localTime(r.time).replace(/[: ]/g, (c) => (c === ' ' ? '_' : '-'));
  return `/${name}_${time}.json`.replace(/[^A-Za-z0-9_.\-/]/g, '-');
}

/** The suggested export file name. */
export function exportFileName(format: 'jsonl' | 'csv', now: Date): string {
  return `switchboard-requests-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${format}`;
}
