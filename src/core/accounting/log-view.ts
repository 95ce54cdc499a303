import type { Writable } from 'node:stream';
import { exportRecords, type ExportFormat } from '../log/export';
import type { RequestRecord } from '../log/record';
import type { LogFile, LogQuery, ReadReport, RequestLog, SkippedLine } from '../log/store';
import { aggregateLog, type LogAggregate } from './log-summary';

/** What the view needs from the accounting. */
export interface LogViewHost {
  /** Undefined when the gateway has no data folder. */
  readonly log: RequestLog | undefined;
  /** Waits for the records of requests that already ended. */
  settle(): Promise<void>;
  /** Reports unreadable lines (once per distinct set) as a warning. */
  reportSkipped(skipped: readonly SkippedLine[]): void;
  warn(message: string): void;
}

/**
 * The request log as the extension, the CLI and the server read it: queries see every request that has ended,
 * and unreadable lines become a warning unless the caller asks for them with a report.
 */
export class RequestLogView {
  constructor(private readonly host: LogViewHost) {}

  /** The log folder; undefined when the gateway keeps no log. */
  get directory(): string | undefined {
    return this.host.log?.directory;
  }

  /** Streams the matching records (see `LogQuery`; `order: 'desc'` for newest first). */
  async *query(filter: LogQuery = {}, report?: ReadReport): AsyncGenerator<RequestRecord> {
    const log = this.host.log;
    if (!log) return;
    await this.host.settle();
    const own: ReadReport = report ?? { skipped: [] };
    yield* log.query(filter, own);
    if (!report) this.host.reportSkipped(own.skipped);
  }

  /** The matching records in an array; mind `limit` on a large log. */
  async list(filter: LogQuery = {}, report?: ReadReport): Promise<RequestRecord[]> {
    const records: RequestRecord[] = [];
    for await (const record of this.query(filter, report)) records.push(record);
    return records;
  }

  /** Writes the matching records to `out` (not ended) as JSON Lines or CSV. Returns how many. */
  async export(out: Writable, format: ExportFormat, filter: LogQuery = {}, report?: ReadReport): Promise<number> {
    return exportRecords(this.query(filter, report), format, out);
  }

  /** Totals and per-model, per-provider, per-day and per-workspace aggregates over the whole log. */
  async aggregate(options: { report?: ReadReport; summaries?: boolean } = {}): Promise<LogAggregate | undefined> {
    const log = this.host.log;
    if (!log) return undefined;
    await this.host.settle();
    const own: ReadReport = options.report ?? { skipped: [] };
    const result = await aggregateLog(log, { report: own, summaries: options.summaries, onWarning: (m) => this.host.warn(m) });
    if (!options.report) this.host.reportSkipped(own.skipped);
    return result;
  }

  async files(): Promise<LogFile[]> {
    return (await this.host.log?.files()) ?? [];
  }
}
