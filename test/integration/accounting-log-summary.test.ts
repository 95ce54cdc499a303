import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceAttempts, settleFailedAttempts } from '../../src/core/accounting/attempt-costs';
import { aggregateLog, summaryFileOf, type LogAggregate } from '../../src/core/accounting/log-summary';
import type { CatalogEntry } from '../../src/core/catalog/types';
import { toRecord, type RequestRecord } from '../../src/core/log/record';
import { createRedactor } from '../../src/core/log/redact';
import { RequestLog, type ReadReport } from '../../src/core/log/store';
import type { AttemptRecord, ChatRequest, GatewayResult } from '../../src/core/types';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const MODELS = ['openai/gpt-5-mini', 'anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b-versatile'];

function record(i: number): RequestRecord {
  const model = MODELS[i % MODELS.length];
  return {
    id: `r${i}`,
    time: new Date(Date.UTC(2025, 2, 1, 10) + i * 60_000).toISOString(),
    requestedModel: model,
    model,
    provider: model.split('/')[0],
    attempts: [],
    status: i % 7 === 0 ? 'error' : 'ok',
    latencyMs: 100 + i,
    usage: { inputTokens: 10 + i, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    cost: 0.001 * (i + 1),
    priced: true,
    cacheHit: false,
    source: 'cli',
    workspace: i % 2 ? '/w/a' : '/w/b',
  };
}

async function filledLog(count: number): Promise<RequestLog> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-summary-'));
  dirs.push(dir);
  // The clock is fixed, so every record lands in the same day's series; small files force rotation.
  const log = new RequestLog({ dir, maxFileBytes: 2000, retentionDays: 100_000, now: () => new Date(Date.UTC(2025, 2, 1, 12)) });
  for (let i = 0; i < count; i++) await log.append(record(i));
  await log.close();
  return log;
}

const plain = (a: LogAggregate) => ({
  total: a.aggregate.total,
  byModel: Object.fromEntries([...a.aggregate.byModel].sort()),
  byProvider: Object.fromEntries([...a.aggregate.byProvider].sort()),
  byDay: Object.fromEntries([...a.aggregate.byDay].sort()),
  byWorkspace: Object.fromEntries([...a.aggregate.byWorkspace].sort()),
});

test('closed files are answered from their summaries, the open one is scanned, and the figures are the same', async () => {
  const log = await filledLog(60);
  const files = await log.files();
  assert.ok(files.length >= 5, `${files.length} files`);

  const scan = await aggregateLog(log, { summaries: false });
  assert.equal(scan.scanned, files.length);
  assert.equal(scan.aggregate.total.requests, 60);
  assert.equal(existsSync(summaryFileOf(files[0].path)), false, 'a plain scan writes no summary');

  const cold = await aggregateLog(log);
  assert.deepEqual([cold.summarized, cold.scanned], [0, files.length]);
  for (const f of files.slice(0, -1)) assert.ok(existsSync(summaryFileOf(f.path)), `summary of ${f.name}`);
  assert.equal(existsSync(summaryFileOf(files.at(-1)!.path)), false, 'the open file gets no summary');

  const warm = await aggregateLog(log);
  assert.deepEqual([warm.summarized, warm.scanned], [files.length - 1, 1]);
  assert.deepEqual(plain(warm), plain(scan));
  assert.deepEqual(plain(cold), plain(scan));
});

test('a summary is what is read while its file is unchanged, and is replaced when the file changes', async () => {
  const log = await filledLog(40);
  const [first] = await log.files();
  await aggregateLog(log);
  const summaryPath = summaryFileOf(first.path);

  // Doctored figures with the right size and mtime are believed: proof that the file itself was not read.
  const summary = JSON.parse(readFileSync(summaryPath, 'utf8'));
  const trueCount = summary.total.requests;
  summary.total.requests += 1000;
  writeFileSync(summaryPath, JSON.stringify(summary));
  const believed = await aggregateLog(log);
  assert.equal(believed.aggregate.total.requests, 40 + 1000);

  // Appending to the closed file changes its size: the summary is dropped, the file scanned and summarized again.
  appendFileSync(first.path, `${JSON.stringify(record(999))}\n`);
  const after = await aggregateLog(log);
  assert.equal(after.aggregate.total.requests, 41);
  assert.equal(JSON.parse(readFileSync(summaryPath, 'utf8')).total.requests, trueCount + 1);

  // The same size with another mtime is a change too.
  const stat = statSync(first.path);
  utimesSync(first.path, stat.atime, new Date(stat.mtimeMs + 5000));
  const touched = await aggregateLog(log);
  assert.equal(touched.scanned, 2);

  // A garbled summary is rebuilt.
  writeFileSync(summaryPath, '{"version":1,');
  const rebuilt = await aggregateLog(log);
  assert.equal(rebuilt.aggregate.total.requests, 41);
  assert.equal(rebuilt.scanned, 2);
});

test('unreadable lines of a summarized file keep being reported; summaries of deleted files are removed', async () => {
  const log = await filledLog(40);
  const files = await log.files();
  appendFileSync(files[1].path, 'garbage line\n');
  const coldReport: ReadReport = { skipped: [] };
  const cold = await aggregateLog(log, { report: coldReport });
  const warmReport: ReadReport = { skipped: [] };
  const warm = await aggregateLog(log, { report: warmReport });
  assert.equal(warm.summarized, files.length - 1);
  assert.deepEqual(warmReport.skipped, coldReport.skipped);
  assert.equal(coldReport.skipped.length, 1);
  assert.equal(coldReport.skipped[0].file, files[1].name);
  assert.equal(warm.aggregate.total.requests, cold.aggregate.total.requests);

  unlinkSync(files[0].path);
  await aggregateLog(log);
  assert.equal(existsSync(summaryFileOf(files[0].path)), false);
});

const entry = (id: string, price?: CatalogEntry['price']): CatalogEntry =>
  ({ id, provider: id.split('/')[0], price, priceSource: price ? 'genai-prices' : undefined }) as CatalogEntry;
const catalog = {
  get: (id: string) => ({ 'openai/a': entry('openai/a', { input: 1, output: 2 }), 'openai/b': entry('openai/b', { input: 10, output: 20 }) })[id],
};
const usage = (input: number, output: number) => ({ inputTokens: input, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: output, reasoningTokens: 0 });

test('a hedge that lost and a failed stream add their cost to the record; an unpriced one marks it a lower bound', () => {
  const attempts: AttemptRecord[] = [
    { model: 'openai/b', provider: 'openai', outcome: 'cancelled', hedged: true, latencyMs: 5, usage: usage(1_000_000, 0) },
    { model: 'openai/a', provider: 'openai', outcome: 'ok', latencyMs: 5, usage: usage(1_000_000, 1_000_000) },
  ];
  priceAttempts(attempts, catalog);
  assert.deepEqual(attempts.map((a) => a.cost), [10, 3]);
  const result = { text: 'x', toolCalls: [], finishReason: 'stop', usage: usage(1_000_000, 1_000_000), requestedModel: 'openai/a', model: 'openai/a', provider: 'openai',
    cost: { total: 3, input: 1, cachedInput: 0, cacheWrite: 0, output: 2, reasoning: 0, priced: true }, latencyMs: 9, ttftMs: 4, attempts, cacheHit: false } satisfies GatewayResult;
  const request: ChatRequest = { model: 'openai/a', messages: [{ role: 'user', content: 'q' }] };
  const r = toRecord({ request, result, source: 'cli' }, { level: 'metadata', redactor: createRedactor() })!;
  assert.equal(r.cost, 13);
  assert.equal(r.priced, true);

  const unknown: AttemptRecord[] = [{ model: 'openai/unknown', provider: 'openai', outcome: 'error', latencyMs: 1, usage: usage(10, 10) }];
  priceAttempts(unknown, catalog);
  assert.equal(unknown[0].cost, undefined);
  const failed = toRecord({ request, error: new Error('boom'), attempts: unknown, latencyMs: 1, source: 'cli' }, { level: 'metadata', redactor: createRedactor() })!;
  assert.equal(failed.priced, false);
});

test('failed attempts: the streaming one is estimated, an HTTP error is free, an abandoned one is added', async () => {
  const request: ChatRequest = { model: 'openai/a', messages: [{ role: 'user', content: 'count to one hundred' }] };
  const requested = entry('openai/a', { input: 1, output: 2 });
  const cancelled = await settleFailedAttempts(
    { request, requested, partialText: 'one two three', latencyMs: 10, attempts: [{ model: 'openai/a', provider: 'openai', outcome: 'cancelled', latencyMs: 10 }] },
    catalog,
  );
  assert.equal(cancelled[0].usage?.estimated, true);
  assert.ok(cancelled[0].usage!.outputTokens >= 3);
  assert.ok(cancelled[0].cost! > 0);

  const httpError = await settleFailedAttempts(
    { request, requested, partialText: '', latencyMs: 10, attempts: [{ model: 'openai/a', provider: 'openai', outcome: 'error', status: 500, latencyMs: 10 }] },
    catalog,
  );
  assert.equal(httpError[0].usage, undefined);

  const original: AttemptRecord[] = [{ model: 'openai/b', provider: 'openai', outcome: 'error', status: 503, latencyMs: 10 }];
  const abandoned = await settleFailedAttempts({ request, requested, partialText: 'partial', latencyMs: 30, attempts: original, abandoned: true }, catalog);
  assert.equal(abandoned.length, 2);
  assert.equal(abandoned[1].outcome, 'cancelled');
  assert.equal(abandoned[1].usage?.estimated, true);
  assert.equal(original.length, 1, 'the caller’s attempts are not changed');
});
