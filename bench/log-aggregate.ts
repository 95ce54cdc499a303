import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aggregateLog } from '../src/core/accounting/log-summary';
import { RequestLog, type ReadReport } from '../src/core/log/store';
import { Aggregator, aggregate, type Aggregate } from '../src/core/usage/totals';
import { benchRecord } from './log-records';

/**
 * 1,000,000 logged requests -> totals and per-model aggregates. Each measurement runs in its own process, so that
 * its peak memory is its own:
 * - memory:     `aggregate()` over records already in memory (what the dashboard does with a query's result);
 * - disk:       the cold scan: streaming every JSONL file through `RequestLog.query()` / `.batches()`;
 * - summarize:  `aggregateLog()` the first time: scans every file and writes a summary beside each closed one;
 * - summarized: `aggregateLog()` afterwards: reads the closed files' summaries and scans only the open file.
 * The log is written once, by the parent, in the store's layout (10 MiB per file, one series per UTC day).
 * Usage: node --import tsx bench/log-aggregate.ts [count]
 */

const MB = 1024 * 1024;
const [mode, dirArg, countArg] = process.argv.slice(2);
const MODES = ['memory', 'disk', 'summarize', 'summarized'] as const;
const isChild = (MODES as readonly string[]).includes(mode);
const count = Number(isChild ? countArg : mode) || 1_000_000;
const mem = () => `heap ${(process.memoryUsage().heapUsed / MB).toFixed(0)} MB, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;

/** Wall and CPU time: the CPU figure stays meaningful on a busy machine. */
function timer(): () => string {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return `${(performance.now() - wall).toFixed(0)}/${((used.user + used.system) / 1000).toFixed(0)}`;
  };
}

function summary(agg: Aggregate): string {
  const t = agg.total;
  return `${t.requests} requests, ${t.errors} errors, $${t.costUsd.toFixed(2)}, ${agg.byModel.size} models, ${agg.byProvider.size} providers, ${agg.byDay.size} days`;
}

function writeLog(dir: string): void {
  mkdirSync(dir, { recursive: true });
  let file = '';
  let seq = 0;
  let lines: string[] = [];
  let size = 0;
  let bytes = 0;
  const files = new Set<string>();
  const emit = () => {
    if (!lines.length) return;
    writeFileSync(join(dir, file), lines.join(''), { flag: 'a' });
    files.add(file);
    lines = [];
  };
  for (let i = 0; i < count; i++) {
    const r = benchRecord(i, count);
    const line = `${JSON.stringify(r)}\n`;
    const day = r.time.slice(0, 10);
    const name = () => `requests-${day}-${String(seq).padStart(3, '0')}.jsonl`;
    if (!file.includes(day)) {
      emit();
      seq = 0;
      size = 0;
      file = name();
    } else if (size + line.length > 10 * MB) {
      emit();
      seq++;
      size = 0;
      file = name();
    }
    lines.push(line);
    size += line.length;
    bytes += line.length;
    if (lines.length >= 10_000) emit();
  }
  emit();
  console.log(`log: ${count} records, ${(bytes / MB).toFixed(0)} MB in ${files.size} files`);
}

async function inMemory(): Promise<void> {
  const records = Array.from({ length: count }, (_, i) => benchRecord(i, count));
  console.log(`memory: ${count} records built; ${mem()}`);
  globalThis.gc?.();
  const runs: string[] = [];
  let agg: Aggregate | undefined;
  for (let run = 0; run < 5; run++) {
    const t = timer();
    agg = aggregate(records);
    runs.push(t());
  }
  console.log(`memory: aggregate() wall/cpu ms: ${runs.join(', ')} (5 runs); ${summary(agg!)}`);
  console.log(`memory: ${mem()}`);
}

async function coldScan(dir: string): Promise<void> {
  const log = new RequestLog({ dir, retentionDays: 100_000 });
  const report: ReadReport = { skipped: [] };
  for (const api of ['batches', 'query'] as const) {
    const t = timer();
    const agg = new Aggregator();
    if (api === 'query') for await (const record of log.query({}, report)) agg.add(record);
    else for await (const batch of log.batches({}, report)) for (const record of batch) agg.add(record);
    console.log(`disk: cold scan, ${api}() + aggregate wall/cpu ms: ${t()}; ${summary(agg.result)}; ${report.skipped.length} skipped`);
  }
  console.log(`disk: ${mem()}`);
}

async function summarized(dir: string, label: string, runs: number): Promise<void> {
  const log = new RequestLog({ dir, retentionDays: 100_000 });
  const times: string[] = [];
  let last: Awaited<ReturnType<typeof aggregateLog>> | undefined;
  for (let run = 0; run < runs; run++) {
    const t = timer();
    last = await aggregateLog(log);
    times.push(t());
  }
  const { aggregate: agg, files, summarized: fromSummaries, scanned } = last!;
  console.log(
    `${label}: aggregateLog() wall/cpu ms: ${times.join(', ')} (${runs} run${runs > 1 ? 's' : ''}); ${files} files: ${fromSummaries} from summaries, ${scanned} scanned; ${summary(agg)}`,
  );
  console.log(`${label}: ${mem()}`);
}

async function main(): Promise<void> {
  if (mode === 'memory') return inMemory();
  if (mode === 'disk') return coldScan(dirArg);
  if (mode === 'summarize') return summarized(dirArg, 'summarize (first run, writes summaries)', 1);
  if (mode === 'summarized') return summarized(dirArg, 'summarized (closed files from summaries)', 5);

  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-log-'));
  try {
    writeLog(dir);
    for (const m of MODES) {
      const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], m, dir, String(count)], { stdio: 'inherit' });
      if (child.status !== 0) process.exit(child.status ?? 1);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
