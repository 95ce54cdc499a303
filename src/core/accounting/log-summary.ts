import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { RequestLog, type LogFile, type LogFileSystem, type ReadReport, type SkippedLine } from '../log/store';
import { Aggregator, emptyTally, type Aggregate, type Tally } from '../usage/totals';

/**
 * Aggregates over the whole request log without reading it all: each closed (rotated) log file gets a small JSON
 * summary beside it, in `<logDir>/summaries/`, holding that file's totals and per-model, per-provider, per-day and
 * per-workspace tallies. A summary is used only while its file's size and mtime (and the machine's time zone, which
 * decides the local days) are those it was made from; otherwise the file is scanned again and the summary rewritten.
 * The newest file, still being appended to, is always scanned.
 */

const SUMMARY_DIR = 'summaries';
const VERSION = 1;
/** Skipped lines kept per summary, so that a corrupt file keeps being reported without growing its summary. */
const MAX_SKIPPED_KEPT = 20;

interface SummaryFile {
  version: number;
  size: number;
  mtimeMs: number;
  timeZone: string;
  skippedCount: number;
  skipped: SkippedLine[];
  total: Tally;
  byModel: Record<string, Tally>;
  byProvider: Record<string, Tally>;
  byDay: Record<string, Tally>;
  byWorkspace: Record<string, Tally>;
}

export interface LogAggregate {
  aggregate: Aggregate;
  /** Log files covered. */
  files: number;
  /** Files answered from their summary. */
  summarized: number;
  /** Files read line by line (the open one, and closed ones without a valid summary). */
  scanned: number;
}

export interface AggregateLogOptions {
  /** Filled with the unreadable lines of every file, summarized ones included (up to 20 per summarized file). */
  report?: ReadReport;
  /** False scans every file and touches no summary (for comparisons). Default true. */
  summaries?: boolean;
  /** A summary could not be written; the aggregate is still right. */
  onWarning?: (message: string) => void;
}

const TALLY_KEYS = Object.keys(emptyTally()) as (keyof Tally)[];

const isTally = (value: unknown): value is Tally =>
  typeof value === 'object' && value !== null && TALLY_KEYS.every((k) => typeof (value as Tally)[k] === 'number');

const isTallyRecord = (value: unknown): value is Record<string, Tally> =>
  typeof value === 'object' && value !== null && Object.values(value).every(isTally);

function mergeTally(into: Tally, from: Tally): void {
  for (const k of TALLY_KEYS) into[k] += from[k];
}

function mergeInto(map: Map<string, Tally>, from: Record<string, Tally>): void {
  for (const [key, tally] of Object.entries(from)) {
    const existing = map.get(key);
    if (existing) mergeTally(existing, tally);
    else map.set(key, { ...tally });
  }
}

const emptyAggregate = (): Aggregate => ({ total: emptyTally(), byModel: new Map(), byProvider: new Map(), byDay: new Map(), byWorkspace: new Map() });

function mergeAggregate(into: Aggregate, from: Pick<SummaryFile, 'total' | 'byModel' | 'byProvider' | 'byDay' | 'byWorkspace'>): void {
  mergeTally(into.total, from.total);
  mergeInto(into.byModel, from.byModel);
  mergeInto(into.byProvider, from.byProvider);
  mergeInto(into.byDay, from.byDay);
  mergeInto(into.byWorkspace, from.byWorkspace);
}

const currentTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'unknown';

const summaryPath = (file: LogFile): string => join(file.path, '..', SUMMARY_DIR, `${file.name}.summary.json`);

/** The store's own reader, pointed at one file: its folder listing is narrowed to that file. */
function singleFileLog(file: LogFile): RequestLog {
  const fs: LogFileSystem = {
    mkdir: fsp.mkdir,
    unlink: fsp.unlink,
    open: fsp.open,
    readdir: (async () => [file.name]) as unknown as LogFileSystem['readdir'],
  };
  return new RequestLog({ dir: join(file.path, '..'), fs });
}

async function scanFile(file: LogFile): Promise<{ aggregate: Aggregate; skipped: SkippedLine[] }> {
  const report: ReadReport = { skipped: [] };
  const aggregator = new Aggregator();
  for await (const batch of singleFileLog(file).batches({}, report)) for (const record of batch) aggregator.add(record);
  return { aggregate: aggregator.result, skipped: report.skipped };
}

async function readSummary(file: LogFile, size: number, mtimeMs: number, timeZone: string): Promise<SummaryFile | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await fsp.readFile(summaryPath(file), 'utf8'));
  } catch {
    return undefined;
  }
  const s = value as SummaryFile;
  const valid =
    typeof s === 'object' &&
    s !== null &&
    s.version === VERSION &&
    s.size === size &&
    s.mtimeMs === mtimeMs &&
    s.timeZone === timeZone &&
    typeof s.skippedCount === 'number' &&
    Array.isArray(s.skipped) &&
    isTally(s.total) &&
    [s.byModel, s.byProvider, s.byDay, s.byWorkspace].every(isTallyRecord);
  return valid ? s : undefined;
}

async function writeSummary(file: LogFile, summary: SummaryFile): Promise<void> {
  const path = summaryPath(file);
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.mkdir(join(path, '..'), { recursive: true });
    await fsp.writeFile(temp, JSON.stringify(summary), 'utf8');
    await fsp.rename(temp, path);
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Deletes the summaries of log files that retention has removed. */
async function removeOrphans(logDir: string, files: LogFile[]): Promise<void> {
  const live = new Set(files.map((f) => `${f.name}.summary.json`));
  let names: string[];
  try {
    names = await fsp.readdir(join(logDir, SUMMARY_DIR));
  } catch {
    return;
  }
  for (const name of names) {
    if (!live.has(name)) await fsp.unlink(join(logDir, SUMMARY_DIR, name)).catch(() => undefined);
  }
}

/** Totals and per-model, per-provider, per-day and per-workspace aggregates over every record of the log. */
export async function aggregateLog(log: RequestLog, options: AggregateLogOptions = {}): Promise<LogAggregate> {
  await log.flush();
  const files = await log.files();
  const useSummaries = options.summaries !== false;
  const timeZone = currentTimeZone();
  const result = emptyAggregate();
  let summarized = 0;
  let scanned = 0;
  let writeFailure: string | undefined;

  for (const [index, file] of files.entries()) {
    const open = index === files.length - 1;
    let stat: { size: number; mtimeMs: number } | undefined;
    if (useSummaries && !open) {
      stat = await fsp.stat(file.path).catch(() => undefined);
      if (!stat) continue; // pruned meanwhile
      const summary = await readSummary(file, stat.size, stat.mtimeMs, timeZone);
      if (summary) {
        mergeAggregate(result, summary);
        options.report?.skipped.push(...summary.skipped);
        summarized++;
        continue;
      }
    }
    const { aggregate, skipped } = await scanFile(file);
    scanned++;
    mergeAggregate(result, {
      total: aggregate.total,
      byModel: Object.fromEntries(aggregate.byModel),
      byProvider: Object.fromEntries(aggregate.byProvider),
      byDay: Object.fromEntries(aggregate.byDay),
      byWorkspace: Object.fromEntries(aggregate.byWorkspace),
    });
    options.report?.skipped.push(...skipped);
    if (!stat) continue;
    // A file that changed while it was read is summarized on a later run.
    const after = await fsp.stat(file.path).catch(() => undefined);
    if (!after || after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) continue;
    try {
      await writeSummary(file, {
        version: VERSION,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        timeZone,
        skippedCount: skipped.length,
        skipped: skipped.slice(0, MAX_SKIPPED_KEPT),
        total: aggregate.total,
        byModel: Object.fromEntries(aggregate.byModel),
        byProvider: Object.fromEntries(aggregate.byProvider),
        byDay: Object.fromEntries(aggregate.byDay),
        byWorkspace: Object.fromEntries(aggregate.byWorkspace),
      });
    } catch (err) {
      writeFailure ??= `Request log summaries not saved in ${join(log.directory, SUMMARY_DIR)}: ${(err as Error).message}. Aggregates stay right but read every file.`;
    }
  }
  if (writeFailure) options.onWarning?.(writeFailure);
  if (useSummaries) await removeOrphans(log.directory, files);
  return { aggregate: result, files: files.length, summarized, scanned };
}

/** The summary file of a log file, for tests and tools. */
export const summaryFileOf = (logFilePath: string): string => join(logFilePath, '..', SUMMARY_DIR, `${basename(logFilePath)}.summary.json`);
