import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestLog, type ReadReport } from '../src/core/log/store';
import { Aggregator, aggregate, type Aggregate } from '../src/core/usage/totals';
import { benchRecord } from './log-records';

/**
 * 1,000,000 logged requests -> totals and per-model aggregates. Two measurements, each in its own process so that
 * peak memory is its own:
 * - memory: `aggregate()` over records already in memory (what the dashboard does with a query's result);
 * - disk:   streaming the JSONL log from disk through `RequestLog.query()` into the aggregator.
 * Usage: node --import tsx bench/log-aggregate.ts [count]
 */

const MB = 1024 * 1024;
const mode = process.argv[2];
const count = Number(process.argv[3] ?? process.argv[2]) || 1_000_000;
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

async function fromDisk(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-log-'));
  try {
    // Written straight to files in the log's layout (10 MiB per file), which is much faster than appending.
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
    console.log(`disk: ${count} records, ${(bytes / MB).toFixed(0)} MB in ${files.size} files; ${mem()}`);

    const log = new RequestLog({ dir });
    const report: ReadReport = { skipped: [] };
    for (const api of ['query', 'batches'] as const) {
      const t = timer();
      const agg = new Aggregator();
      if (api === 'query') for await (const record of log.query({}, report)) agg.add(record);
      else for await (const batch of log.batches({}, report)) for (const record of batch) agg.add(record);
      console.log(`disk: ${api}() + aggregate wall/cpu ms: ${t()} (${(bytes / MB).toFixed(0)} MB); ${summary(agg.result)}; ${report.skipped.length} skipped`);
    }
    console.log(`disk: ${mem()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (mode === 'memory') return inMemory();
  if (mode === 'disk') return fromDisk();
  for (const m of ['memory', 'disk']) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], m, String(count)], { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}

void main();
