import { ConfigError } from '../../core/errors';
import type { RequestRecord, RequestStatus } from '../../core/log/record';
import { describeSkipped, type LogQuery, type ReadReport } from '../../core/log/store';
import type { CliContext } from '../context';
import { formatMs, formatUsd } from '../../core/format';
import { table } from '../format';

export const LOG_USAGE = 'switchboard log [--json] [--since DURATION] [--model ID] [--status ok|error|cancelled] [--limit N]';

export interface LogOptions {
  json: boolean;
  /** `30m`, `2h`, `7d`, `1w`, `45s`, or an ISO date. */
  since?: string;
  model?: string;
  status?: string;
  limit?: string;
}

const DEFAULT_LIMIT = 50;
const STATUSES: readonly RequestStatus[] = ['ok', 'error', 'cancelled'];
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a duration back from now (`30m`, `2h`, `7d`) or an ISO date. */
export function parseSince(value: string, now: number = Date.now()): Date {
  const duration = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(value.trim());
  if (duration) return new Date(now - Number(duration[1]) * UNIT_MS[duration[2]]);
  const date = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) throw new ConfigError(`--since takes a duration such as 30m, 2h or 7d (or an ISO date), not "${value}".`);
  return new Date(date);
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`--limit takes a positive integer, not "${value}".`);
  return n;
}

function parseStatus(value: string | undefined): RequestStatus | undefined {
  if (value === undefined) return undefined;
  if (!(STATUSES as readonly string[]).includes(value)) throw new ConfigError(`--status takes one of ${STATUSES.join(', ')}, not "${value}".`);
  return value as RequestStatus;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const localTime = (iso: string): string => {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

const oneLine = (text: string, max = 80): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function row(r: RequestRecord): string[] {
  const model = r.model === r.requestedModel ? r.model : `${r.model} (for ${r.requestedModel})`;
  const status = r.cacheHit ? `${r.status} (cache)` : r.status;
  const tokens = `${r.usage.inputTokens}/${r.usage.outputTokens}${r.usage.estimated ? ' est.' : ''}`;
  const cost = r.priced ? formatUsd(r.cost) : `${formatUsd(r.cost)}+?`;
  return [localTime(r.time), model, status, formatMs(r.latencyMs), tokens, cost, r.error ? oneLine(r.error) : ''];
}

/** Lists logged requests, newest last; `--json` prints one record per line (JSON Lines). */
export async function logCommand(ctx: CliContext, options: LogOptions): Promise<number> {
  const query: LogQuery = {
    limit: parseLimit(options.limit),
    order: 'desc',
    ...(options.since !== undefined ? { since: parseSince(options.since) } : {}),
    ...(options.model !== undefined ? { model: ctx.gateway.currentSettings.aliases[options.model] ?? options.model } : {}),
    ...(options.status !== undefined ? { status: parseStatus(options.status) } : {}),
  };
  const { gateway } = ctx;
  const report: ReadReport = { skipped: [] };
  const records = (await gateway.requestLog.list(query, report)).reverse();
  const skipped = describeSkipped(report.skipped);
  if (skipped) ctx.stderr.write(`switchboard: warning: ${skipped}\n`);

  if (options.json) {
    for (const record of records) ctx.stdout.write(`${JSON.stringify(record)}\n`);
    return 0;
  }
  if (!records.length) {
    ctx.stdout.write(`No logged requests match (log folder: ${gateway.requestLog.directory}).\n`);
    return 0;
  }
  ctx.stdout.write(table([['TIME', 'MODEL', 'STATUS', 'LATENCY', 'TOKENS IN/OUT', 'COST', 'ERROR'], ...records.map(row)]));
  return 0;
}
