import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toRecord } from '../src/core/log/record';
import { createRedactor } from '../src/core/log/redact';
import { RequestLog } from '../src/core/log/store';
import type { ChatRequest, GatewayResult } from '../src/core/types';
import { benchRecord } from './log-records';

/**
 * Request log append throughput:
 * - awaited: one append at a time, as a single request sees it (latency per append);
 * - queued: many appends in flight, as under load (they are serialized by the log);
 * - record+append: building the record (with redaction) at 'metadata' and 'full', then appending.
 * Usage: node --import tsx bench/log-append.ts [count]
 */

const count = Number(process.argv[2]) || 50_000;
const MB = 1024 * 1024;

function timer(): () => { wallMs: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

const report = (label: string, n: number, bytes: number, t: { wallMs: number; cpuMs: number }) =>
  console.log(
    `${label.padEnd(22)} ${n} records: ${(n / (t.wallMs / 1000)).toFixed(0).padStart(7)} rec/s wall, ` +
      `${((t.wallMs * 1000) / n).toFixed(1)} µs/rec wall, ${((t.cpuMs * 1000) / n).toFixed(1)} µs/rec cpu, ${(bytes / MB / (t.wallMs / 1000)).toFixed(1)} MB/s`,
  );

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'switchboard-bench-append-'));
  try {
    const records = Array.from({ length: count }, (_, i) => benchRecord(i, count));
    const bytes = records.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)) + 1, 0);

    {
      const log = new RequestLog({ dir: join(root, 'awaited') });
      const t = timer();
      for (const r of records) await log.append(r);
      report('awaited', count, bytes, t());
      await log.close();
    }
    {
      const log = new RequestLog({ dir: join(root, 'queued') });
      const t = timer();
      await Promise.all(records.map((r) => log.append(r)));
      report('queued', count, bytes, t());
      await log.close();
    }

    const redactor = createRedactor({ knownSecrets: ['sk-proj-0123456789abcdefghijklmnopqrstuvwxyz'] });
    const request: ChatRequest = {
      model: 'openai/gpt-5-mini',
      system: 'You are a helpful assistant. Answer briefly and precisely.',
      messages: [{ role: 'user', content: 'Summarize the following text. '.repeat(60) }],
      temperature: 0.3,
    };
    const result = (i: number): GatewayResult => {
      const r = benchRecord(i, count);
      return {
        text: 'Here is a summary of the text you gave me. '.repeat(20),
        toolCalls: [],
        finishReason: 'stop',
        usage: r.usage,
        requestedModel: r.requestedModel,
        model: r.model,
        provider: r.provider,
        cost: { total: r.cost, input: r.cost, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: true },
        latencyMs: r.latencyMs,
        ttftMs: r.ttftMs ?? r.latencyMs,
        attempts: r.attempts,
        cacheHit: false,
      };
    };
    for (const level of ['metadata', 'full'] as const) {
      const n = Math.min(count, 20_000);
      const log = new RequestLog({ dir: join(root, level) });
      let written = 0;
      const t = timer();
      for (let i = 0; i < n; i++) {
        const record = toRecord({ request, result: result(i), source: 'extension' }, { level, redactor })!;
        written += Buffer.byteLength(JSON.stringify(record)) + 1;
        await log.append(record);
      }
      report(`record+append ${level}`, n, written, t());
      await log.close();
    }
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main();
