import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { RequestRecord } from '../log/record';

/**
 * Running usage totals: this session, today, this month, per workspace, per model and per provider. All but the
 * session survive restarts in a small JSON file, rewritten atomically (temp file + rename) a moment after each
 * change, or at once by `flush()`. Days and months are local time, as a user reads a daily budget.
 */

/** What a request adds to the totals; a log record has it all. */
export type UsageEntry = Pick<RequestRecord, 'time' | 'model' | 'provider' | 'status' | 'usage' | 'cost' | 'priced' | 'cacheHit' | 'workspace'>;

/** A request the running totals take as it ends: when it started as a Date, which a log record holds as text. */
export type LiveUsage = Omit<UsageEntry, 'time'> & { startedAt: Date };

export interface Tally {
  requests: number;
  /** Requests that failed or were cancelled. */
  errors: number;
  /** Answered from the response cache: no tokens or cost added. */
  cacheHits: number;
  costUsd: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Requests whose cost is unknown or partly unknown. */
  unpricedRequests: number;
  /** Requests whose usage was counted locally. */
  estimatedRequests: number;
}

export const emptyTally = (): Tally => ({
  requests: 0,
  errors: 0,
  cacheHits: 0,
  costUsd: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  unpricedRequests: 0,
  estimatedRequests: 0,
});

export function addToTally(t: Tally, e: Omit<UsageEntry, 'time'>): void {
  t.requests++;
  if (e.status !== 'ok') t.errors++;
  if (!e.priced) t.unpricedRequests++;
  if (e.cacheHit) {
    t.cacheHits++;
    return;
  }
  t.costUsd += e.cost;
  t.inputTokens += e.usage.inputTokens;
  t.cachedInputTokens += e.usage.cachedInputTokens;
  t.outputTokens += e.usage.outputTokens;
  t.reasoningTokens += e.usage.reasoningTokens;
  if (e.usage.estimated) t.estimatedRequests++;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The local day last asked about, from its first millisecond to the next day's: totals ask on every request. The
 * process's time zone is taken as fixed while it runs.
 */
const known = { from: 0, to: 0, day: '', month: '' };

function knowDay(d: Date): typeof known {
  const time = d.getTime();
  if (time >= known.from && time < known.to) return known;
  const [year, month, date] = [d.getFullYear(), d.getMonth(), d.getDate()];
  // Bounds from local midnights, so that days of 23 or 25 hours (daylight saving) are right.
  known.from = new Date(year, month, date).getTime();
  known.to = new Date(year, month, date + 1).getTime();
  known.day = `${year}-${pad(month + 1)}-${pad(date)}`;
  known.month = known.day.slice(0, 7);
  return known;
}

/** Local day, `YYYY-MM-DD`. */
export const localDay = (d: Date): string => knowDay(d).day;
/** Local month, `YYYY-MM`. */
export const localMonth = (d: Date): string => knowDay(d).month;

export interface Aggregate {
  total: Tally;
  byModel: Map<string, Tally>;
  byProvider: Map<string, Tally>;
  /** Local day, `YYYY-MM-DD`. */
  byDay: Map<string, Tally>;
  byWorkspace: Map<string, Tally>;
}

/** Accumulates entries into totals and per-model, per-provider, per-day and per-workspace aggregates. */
export class Aggregator {
  readonly result: Aggregate = { total: emptyTally(), byModel: new Map(), byProvider: new Map(), byDay: new Map(), byWorkspace: new Map() };
  // Log records come in time order, so the local day is worked out once per minute of records (every time
  // zone offset is a whole number of minutes, so a minute never straddles two local days).
  private lastMinute = '';
  private lastDay: Tally = emptyTally();

  add(e: UsageEntry): void {
    const r = this.result;
    addToTally(r.total, e);
    addToTally(bucket(r.byModel, e.model), e);
    addToTally(bucket(r.byProvider, e.provider), e);
    if (e.workspace) addToTally(bucket(r.byWorkspace, e.workspace), e);
    if (!e.time.startsWith(this.lastMinute) || this.lastMinute === '') {
      this.lastMinute = e.time.slice(0, 16);
      this.lastDay = bucket(r.byDay, localDay(new Date(e.time)));
    }
    addToTally(this.lastDay, e);
  }
}

function bucket(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = emptyTally()));
  return t;
}

/** Aggregates log records (or any usage entries). */
export function aggregate(entries: Iterable<UsageEntry>): Aggregate {
  const agg = new Aggregator();
  for (const e of entries) agg.add(e);
  return agg.result;
}

export async function aggregateAsync(entries: AsyncIterable<UsageEntry>): Promise<Aggregate> {
  const agg = new Aggregator();
  for await (const e of entries) agg.add(e);
  return agg.result;
}

const TallySchema = z.object({
  requests: z.number(),
  errors: z.number(),
  cacheHits: z.number(),
  costUsd: z.number(),
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
  unpricedRequests: z.number(),
  estimatedRequests: z.number(),
});

const TotalsFileSchema = z.object({
  version: z.literal(1),
  /** When these totals began (first run, a reset or a rebuild). */
  since: z.string(),
  day: z.object({ key: z.string(), tally: TallySchema }),
  month: z.object({ key: z.string(), tally: TallySchema }),
  byWorkspace: z.record(z.string(), TallySchema),
  byModel: z.record(z.string(), TallySchema),
  byProvider: z.record(z.string(), TallySchema),
});

type TotalsFile = z.infer<typeof TotalsFileSchema>;

export interface TotalsSnapshot {
  since: string;
  session: Tally;
  today: Tally;
  month: Tally;
  /** The current workspace's totals since `since`, when a workspace is open. */
  workspace?: Tally;
  byWorkspace: Record<string, Tally>;
  byModel: Record<string, Tally>;
  byProvider: Record<string, Tally>;
}

export interface UsageTotalsOptions {
  /** The JSON file, e.g. `dataPaths(dataDir).totalsFile`. */
  file: string;
  /** The open workspace, for `snapshot().workspace`. */
  workspace?: string;
  now?: () => Date;
  /** Delay before a change is written; default 1000 ms. */
  debounceMs?: number;
  /** Where to rebuild from when the file is corrupt: usually `log.query()`. */
  rebuildFrom?: () => AsyncIterable<UsageEntry>;
  onWarning?: (message: string) => void;
}

const clone = (t: Tally): Tally => ({ ...t });
const cloneAll = (m: Record<string, Tally>): Record<string, Tally> => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, clone(v)]));

export class UsageTotals {
  private data: TotalsFile;
  private readonly session = emptyTally();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private writeFailed = false;

  private constructor(
    private readonly options: UsageTotalsOptions,
    data: TotalsFile,
  ) {
    this.data = data;
  }

  /**
   * Loads the totals. A missing file starts from zero; an unreadable or invalid one is rebuilt from
   * `rebuildFrom` (or reset when there is none) with a warning.
   */
  static async load(options: UsageTotalsOptions): Promise<UsageTotals> {
    const now = options.now ?? (() => new Date());
    let text: string | undefined;
    try {
      text = await fsp.readFile(options.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        options.onWarning?.(`Could not read the usage totals ${options.file}: ${(err as Error).message}. Starting from the request log.`);
      }
    }
    if (text !== undefined) {
      let parsed: ReturnType<typeof TotalsFileSchema.safeParse> | undefined;
      try {
        parsed = TotalsFileSchema.safeParse(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) return new UsageTotals(options, parsed.data);
    }
    const totals = new UsageTotals(options, emptyFile(now()));
    if (text === undefined && !options.rebuildFrom) return totals;
    if (text === undefined) {
      // No file yet: a first run, or one that was deleted. The log, when there is one, knows better than zero.
      await totals.rebuild(options.rebuildFrom!());
      return totals;
    }
    if (options.rebuildFrom) {
      await totals.rebuild(options.rebuildFrom());
      options.onWarning?.(`The usage totals file ${options.file} was corrupt; rebuilt it from the request log (which keeps only its retention period).`);
    } else {
      options.onWarning?.(`The usage totals file ${options.file} was corrupt; usage totals were reset to zero.`);
    }
    await totals.flush();
    return totals;
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  /** Starts a new day or month when the clock has moved on. */
  private roll(): void {
    const now = this.now();
    const day = localDay(now);
    const month = localMonth(now);
    if (this.data.day.key !== day) this.data.day = { key: day, tally: emptyTally() };
    if (this.data.month.key !== month) this.data.month = { key: month, tally: emptyTally() };
  }

  add(entry: LiveUsage): void {
    this.roll();
    addToTally(this.session, entry);
    // A request counts toward the day and month it started in, which is today's except around midnight.
    const started = entry.startedAt;
    if (localDay(started) === this.data.day.key) addToTally(this.data.day.tally, entry);
    if (localMonth(started) === this.data.month.key) addToTally(this.data.month.tally, entry);
    addToTally((this.data.byModel[entry.model] ??= emptyTally()), entry);
    addToTally((this.data.byProvider[entry.provider] ??= emptyTally()), entry);
    if (entry.workspace) addToTally((this.data.byWorkspace[entry.workspace] ??= emptyTally()), entry);
    this.scheduleSave();
  }

  snapshot(): TotalsSnapshot {
    this.roll();
    const ws = this.options.workspace;
    return {
      since: this.data.since,
      session: clone(this.session),
      today: clone(this.data.day.tally),
      month: clone(this.data.month.tally),
      ...(ws !== undefined ? { workspace: clone(this.data.byWorkspace[ws] ?? emptyTally()) } : {}),
      byWorkspace: cloneAll(this.data.byWorkspace),
      byModel: cloneAll(this.data.byModel),
      byProvider: cloneAll(this.data.byProvider),
    };
  }

  /** Spend so far today and this month, in USD: what budgets check. */
  spend(): { today: number; month: number } {
    this.roll();
    return { today: this.data.day.tally.costUsd, month: this.data.month.tally.costUsd };
  }

  /** Replaces everything but the session with totals computed from `entries` (e.g. the request log). */
  async rebuild(entries: AsyncIterable<UsageEntry>): Promise<void> {
    const now = this.now();
    const data = emptyFile(now);
    const day = localDay(now);
    const month = localMonth(now);
    let earliest: string | undefined;
    for await (const e of entries) {
      const started = new Date(e.time);
      if (localDay(started) === day) addToTally(data.day.tally, e);
      if (localMonth(started) === month) addToTally(data.month.tally, e);
      addToTally((data.byModel[e.model] ??= emptyTally()), e);
      addToTally((data.byProvider[e.provider] ??= emptyTally()), e);
      if (e.workspace) addToTally((data.byWorkspace[e.workspace] ??= emptyTally()), e);
      if (earliest === undefined || e.time < earliest) earliest = e.time;
    }
    if (earliest) data.since = earliest;
    this.data = data;
    this.scheduleSave();
  }

  /** Starts the session's totals over ("Reset Session Cost"); the persisted totals are kept. */
  resetSession(): void {
    Object.assign(this.session, emptyTally());
  }

  /** Starts every persisted total over. */
  async reset(): Promise<void> {
    this.data = emptyFile(this.now());
    await this.flush();
  }

  private scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, this.options.debounceMs ?? 1000);
    this.timer.unref?.();
  }

  /** Writes pending changes now. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.save();
  }

  /** Flushes and stops the timer; call on shutdown. */
  async close(): Promise<void> {
    await this.flush();
  }

  private save(): Promise<void> {
    const text = `${JSON.stringify(this.data, null, 1)}\n`;
    this.writing = this.writing.then(() => this.writeAtomically(text));
    return this.writing;
  }

  private async writeAtomically(text: string): Promise<void> {
    const file = this.options.file;
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fsp.mkdir(dirname(file), { recursive: true });
      await fsp.writeFile(temp, text, 'utf8');
      await fsp.rename(temp, file);
      this.writeFailed = false;
    } catch (err) {
      await fsp.unlink(temp).catch(() => undefined);
      if (!this.writeFailed) this.options.onWarning?.(`Usage totals not saved to ${file}: ${(err as Error).message}. They are kept in memory.`);
      this.writeFailed = true;
    }
  }
}

function emptyFile(now: Date): TotalsFile {
  return {
    version: 1,
    since: now.toISOString(),
    day: { key: localDay(now), tally: emptyTally() },
    month: { key: localMonth(now), tally: emptyTally() },
    byWorkspace: {},
    byModel: {},
    byProvider: {},
  };
}
