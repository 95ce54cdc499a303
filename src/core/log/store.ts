import { promises as nodeFsPromises } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../errors';
import type { RequestRecord, RequestStatus } from './record';

export { dataPaths, defaultDataDir } from './paths';

/**
 * The request log: JSON Lines files in one folder, append-only. Each record is one line written with one `write`
 * on a file opened for appending, so a crash can at worst leave a torn last line, which reading skips (and
 * reports) and the next append repairs. Files rotate by size, one series per UTC day
 * (`requests-2025-01-31-000.jsonl`, `-001`, ...), and whole days older than the retention are deleted.
 * A write error never fails the request: it is reported once (until a write succeeds again) and the record dropped.
 */

/** The part of `fs.promises` the log uses; tests pass one that fails. */
export type LogFileSystem = Pick<typeof nodeFsPromises, 'mkdir' | 'readdir' | 'unlink' | 'open'>;

export interface RequestLogOptions {
  dir: string;
  /** Default 10 MiB. */
  maxFileBytes?: number;
  /** `switchboard.logging.retentionDays`; default 30. */
  retentionDays?: number;
  fs?: LogFileSystem;
  now?: () => Date;
  /** A write failed. Called once per run of failures, with a message for the user. */
  onError?: (message: string, error: unknown) => void;
  /** Something was repaired or could not be cleaned up; nothing was lost that was not already broken. */
  onWarning?: (message: string) => void;
}

export interface LogQuery {
  /** Records that started at or after this time. */
  since?: Date | string;
  /** Records that started before this time. */
  until?: Date | string;
  /** Matches the model that answered or the one asked for. */
  model?: string;
  provider?: string;
  status?: RequestStatus | RequestStatus[];
  workspace?: string;
  limit?: number;
  /** `asc` (default) is oldest first; `desc` newest first. */
  order?: 'asc' | 'desc';
}

export interface SkippedLine {
  file: string;
  /** 1-based. */
  line: number;
  /** `torn`: an unterminated last line, from an interrupted write. `corrupt`: a line that is not a record. */
  reason: 'torn' | 'corrupt';
}

/** Filled while a query runs: the lines that could not be read. */
export interface ReadReport {
  skipped: SkippedLine[];
}

export interface LogFile {
  name: string;
  path: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  seq: number;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_RETENTION_DAYS = 30;

const FILE_NAME = /^requests-(\d{4}-\d{2}-\d{2})-(\d+)\.jsonl$/;
const NEWLINE = 0x0a;
const READ_CHUNK = 1 << 20;
const DAY_MS = 86_400_000;

const utcDay = (date: Date): string => date.toISOString().slice(0, 10);
const fileName = (day: string, seq: number): string => `requests-${day}-${String(seq).padStart(3, '0')}.jsonl`;

/** A user-facing summary of skipped lines, or undefined when there were none. */
export function describeSkipped(skipped: readonly SkippedLine[]): string | undefined {
  if (!skipped.length) return undefined;
  const shown = skipped.slice(0, 5).map((s) => `${s.file} line ${s.line} (${s.reason === 'torn' ? 'incomplete' : 'not valid JSON'})`);
  const more = skipped.length > shown.length ? ` and ${skipped.length - shown.length} more` : '';
  return `Skipped ${skipped.length} unreadable line${skipped.length === 1 ? '' : 's'} in the request log: ${shown.join(', ')}${more}.`;
}

function writeFailureMessage(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return `Request log not written: disk full at ${path}; requests continue.`;
  if (code === 'EACCES' || code === 'EPERM') return `Request log not written: no permission to write ${path}; requests continue.`;
  return `Request log not written: ${(err as Error)?.message ?? String(err)} (at ${path}); requests continue.`;
}

function isRecord(value: unknown): value is RequestRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RequestRecord).id === 'string' &&
    typeof (value as RequestRecord).time === 'string' &&
    typeof (value as RequestRecord).model === 'string'
  );
}

interface ActiveFile {
  day: string;
  seq: number;
  path: string;
  handle: FileHandle;
  /** Undefined after a failed write, until the file is checked again. */
  size: number | undefined;
}

export class RequestLog {
  private readonly dir: string;
  private readonly fs: LogFileSystem;
  private readonly now: () => Date;
  private readonly onError?: RequestLogOptions['onError'];
  private readonly onWarning?: RequestLogOptions['onWarning'];
  private maxFileBytes: number;
  private retentionDays: number;
  private active: ActiveFile | undefined;
  private dirReady = false;
  private failing = false;
  private queue: Promise<unknown> = Promise.resolve();
  private lastPruneDay: string | undefined;

  constructor(options: RequestLogOptions) {
    this.dir = options.dir;
    this.fs = options.fs ?? nodeFsPromises;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError;
    this.onWarning = options.onWarning;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  get directory(): string {
    return this.dir;
  }

  configure(options: { retentionDays?: number; maxFileBytes?: number }): void {
    if (options.retentionDays !== undefined) {
      this.retentionDays = options.retentionDays;
      this.lastPruneDay = undefined;
    }
    if (options.maxFileBytes !== undefined) this.maxFileBytes = options.maxFileBytes;
  }

  /**
   * Appends one record. Resolves true when written, false when not (the error went to `onError`); never rejects,
   * so the caller's request is never failed by its log.
   */
  append(record: RequestRecord): Promise<boolean> {
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const done = this.queue.then(() => this.write(line));
    this.queue = done;
    return done;
  }

  /** Waits for the appends in flight. */
  async flush(): Promise<void> {
    await this.queue;
  }

  async close(): Promise<void> {
    await this.flush();
    const active = this.active;
    this.active = undefined;
    await active?.handle.close().catch(() => undefined);
  }

  /** The log files, oldest first. */
  async files(): Promise<LogFile[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ConfigError(`Could not read the request log folder ${this.dir} (${errorMessage(err)}): make sure it is a folder you can read and write.`, {
        cause: err,
      });
    }
    const files: LogFile[] = [];
    for (const name of names) {
      const m = FILE_NAME.exec(name);
      if (m) files.push({ name, path: join(this.dir, name), day: m[1], seq: Number(m[2]) });
    }
    return files.sort((a, b) => (a.day === b.day ? a.seq - b.seq : a.day < b.day ? -1 : 1));
  }

  /** Deletes the files of days older than the retention. Returns the names deleted. */
  async prune(): Promise<string[]> {
    const cutoff = utcDay(new Date(this.now().getTime() - this.retentionDays * DAY_MS));
    const deleted: string[] = [];
    for (const file of await this.files()) {
      if (file.day >= cutoff || file.path === this.active?.path) continue;
      try {
        await this.fs.unlink(file.path);
        deleted.push(file.name);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.onWarning?.(`Could not delete the old request log ${file.path}: ${(err as Error).message}`);
      }
    }
    return deleted;
  }

  /**
   * Streams the records that match, reading one file at a time. Unreadable lines are skipped and listed in
   * `report` (see `describeSkipped`); the other records of the file are still returned.
   */
  async *query(filter: LogQuery = {}, report?: ReadReport): AsyncGenerator<RequestRecord> {
    for await (const batch of this.batches(filter, report)) yield* batch;
  }

  /** `query` in batches (up to a read chunk's worth of records): cheaper per record for a full scan. */
  async *batches(filter: LogQuery = {}, report?: ReadReport): AsyncGenerator<RequestRecord[]> {
    await this.flush();
    const since = filter.since === undefined ? undefined : new Date(filter.since);
    const until = filter.until === undefined ? undefined : new Date(filter.until);
    const sinceMs = since?.getTime();
    const untilMs = until?.getTime();
    const statuses = filter.status === undefined ? undefined : new Set([filter.status].flat());
    let remaining = filter.limit ?? Infinity;
    if (remaining <= 0) return;
    const filtered = filter.model !== undefined || filter.provider !== undefined || statuses || filter.workspace !== undefined || since || until;
    const matches = (r: RequestRecord): boolean => {
      if (filter.model !== undefined && r.model !== filter.model && r.requestedModel !== filter.model) return false;
      if (filter.provider !== undefined && r.provider !== filter.provider) return false;
      if (statuses && !statuses.has(r.status)) return false;
      if (filter.workspace !== undefined && r.workspace !== filter.workspace) return false;
      if (sinceMs !== undefined || untilMs !== undefined) {
        const t = Date.parse(r.time);
        if (sinceMs !== undefined && !(t >= sinceMs)) return false;
        if (untilMs !== undefined && !(t < untilMs)) return false;
      }
      return true;
    };
    const take = (batch: RequestRecord[]): RequestRecord[] => {
      const kept = filtered ? batch.filter(matches) : batch;
      if (kept.length > remaining) kept.length = remaining;
      remaining -= kept.length;
      return kept;
    };

    // A file holds records that started no later than its day, so whole days before `since` can be skipped.
    const sinceDay = since ? utcDay(since) : undefined;
    let files = (await this.files()).filter((f) => sinceDay === undefined || f.day >= sinceDay);
    if (filter.order === 'desc') files = files.reverse();

    for (const file of files) {
      if (filter.order === 'desc') {
        const all: RequestRecord[] = [];
        for await (const batch of this.readFile(file, report)) for (const r of batch) all.push(r);
        const kept = take(all.reverse());
        if (kept.length) yield kept;
      } else {
        for await (const batch of this.readFile(file, report)) {
          const kept = take(batch);
          if (kept.length) yield kept;
          if (remaining <= 0) return;
        }
      }
      if (remaining <= 0) return;
    }
  }

  /** The records of one file, in batches of one read chunk. */
  private async *readFile(file: LogFile, report?: ReadReport): AsyncGenerator<RequestRecord[]> {
    let handle: FileHandle;
    try {
      handle = await this.fs.open(file.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // pruned meanwhile
      throw err;
    }
    try {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      let carry: Buffer | undefined;
      let lineNo = 0;
      const parse = (text: string, terminated: boolean, out: RequestRecord[]): void => {
        lineNo++;
        if (!text.trim()) return;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = undefined;
        }
        if (isRecord(value)) out.push(value);
        else report?.skipped.push({ file: file.name, line: lineNo, reason: terminated ? 'corrupt' : 'torn' });
      };
      for (;;) {
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        const buf = carry ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        const batch: RequestRecord[] = [];
        let start = 0;
        for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
          parse(buf.toString('utf8', start, nl), true, batch);
          start = nl + 1;
        }
        // Copied: `chunk` is reused by the next read.
        carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
        if (batch.length) yield batch;
      }
      if (carry) {
        const batch: RequestRecord[] = [];
        parse(carry.toString('utf8'), false, batch);
        if (batch.length) yield batch;
      }
    } finally {
      await handle.close();
    }
  }

  private async write(line: Buffer): Promise<boolean> {
    const now = this.now();
    const day = utcDay(now);
    let path = join(this.dir, fileName(day, this.active?.seq ?? 0));
    try {
      if (!this.dirReady) {
        await this.fs.mkdir(this.dir, { recursive: true });
        this.dirReady = true;
      }
      if (this.active?.day !== day) {
        await this.openDay(day);
        await this.pruneOncePerDay(day);
      }
      let active = this.active!;
      path = active.path;
      active.size ??= await this.repairTail(active);
      if (active.size > 0 && active.size + line.length > this.maxFileBytes) {
        active = await this.openFile(day, active.seq + 1);
        path = active.path;
        active.size ??= await this.repairTail(active);
      }
      // Any failure from here on may leave part of the line behind: the next append checks the tail first.
      const size = active.size;
      active.size = undefined;
      await this.writeAll(active.handle, line);
      active.size = size + line.length;
      this.failing = false;
      return true;
    } catch (err) {
      if (!this.failing) this.onError?.(writeFailureMessage(err, path), err);
      this.failing = true;
      this.dirReady = false;
      return false;
    }
  }

  private async writeAll(handle: FileHandle, data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
      offset += bytesWritten;
    }
  }

  /** Opens the last file of the day (a new day starts at sequence 0). */
  private async openDay(day: string): Promise<void> {
    const ofDay = (await this.files()).filter((f) => f.day === day);
    await this.openFile(day, ofDay.at(-1)?.seq ?? 0);
  }

  private async openFile(day: string, seq: number): Promise<ActiveFile> {
    const previous = this.active;
    this.active = undefined;
    await previous?.handle.close().catch(() => undefined);
    const path = join(this.dir, fileName(day, seq));
    // a+: appends always go to the end, and the tail can still be read and truncated when repairing it.
    const handle = await this.fs.open(path, 'a+');
    this.active = { day, seq, path, handle, size: undefined };
    return this.active;
  }

  /**
   * Makes the file end with a newline before anything is appended: a complete record missing only its newline
   * gets one; an incomplete last line (an interrupted write) is cut off. Returns the size afterwards.
   */
  private async repairTail(active: ActiveFile): Promise<number> {
    const { handle } = active;
    const { size } = await handle.stat();
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === NEWLINE) return size;

    let lineStart = 0;
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - 64 * 1024);
      const buf = Buffer.alloc(end - start);
      await handle.read(buf, 0, buf.length, start);
      const nl = buf.lastIndexOf(NEWLINE);
      if (nl !== -1) {
        lineStart = start + nl + 1;
        break;
      }
      end = start;
    }
    const tail = Buffer.alloc(size - lineStart);
    await handle.read(tail, 0, tail.length, lineStart);
    let complete: boolean;
    try {
      complete = isRecord(JSON.parse(tail.toString('utf8')));
    } catch {
      complete = false;
    }
    if (complete) {
      await this.writeAll(handle, Buffer.from('\n'));
      return size + 1;
    }
    await handle.truncate(lineStart);
    this.onWarning?.(
      `Repaired the request log ${active.path}: removed an incomplete last line (${tail.length} bytes) left by an interrupted write.`,
    );
    return lineStart;
  }

  private async pruneOncePerDay(day: string): Promise<void> {
    if (this.lastPruneDay === day) return;
    this.lastPruneDay = day;
    try {
      await this.prune();
    } catch (err) {
      this.onWarning?.(`Could not clean up old request logs in ${this.dir}: ${(err as Error).message}`);
    }
  }
}
