import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConfigError } from '../../src/core/errors';
import { exportRecords } from '../../src/core/log/export';
import { toRecord, type RequestRecord } from '../../src/core/log/record';
import { createRedactor } from '../../src/core/log/redact';
import { RequestLog, describeSkipped, type LogFileSystem, type ReadReport } from '../../src/core/log/store';
import type { ChatRequest, GatewayResult } from '../../src/core/types';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-log-'));
  dirs.push(dir);
  return dir;
}

function record(i: number, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id: `r${i}`,
    time: new Date(Date.UTC(2025, 2, 10, 12, 0, i)).toISOString(),
    requestedModel: 'openai/gpt-5-mini',
    model: 'openai/gpt-5-mini',
    provider: 'openai',
    attempts: [{ model: 'openai/gpt-5-mini', provider: 'openai', outcome: 'ok', latencyMs: 100 }],
    status: 'ok',
    latencyMs: 100,
    ttftMs: 40,
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 },
    cost: 0.001,
    priced: true,
    cacheHit: false,
    source: 'cli',
    ...overrides,
  };
}

const fixedNow = (iso: string) => () => new Date(iso);

async function collect(log: RequestLog, ...args: Parameters<RequestLog['query']>): Promise<RequestRecord[]> {
  const out: RequestRecord[] = [];
  for await (const r of log.query(...args)) out.push(r);
  return out;
}

async function rawLog(dir: string): Promise<string> {
  const names = (await fsp.readdir(dir)).sort();
  return (await Promise.all(names.map((n) => fsp.readFile(join(dir, n), 'utf8')))).join('');
}

test('records round-trip; query filters, limits and orders', async () => {
  const dir = await tempDir();
  const log = new RequestLog({ dir, now: fixedNow('2025-03-10T12:30:00Z') });
  await log.append(record(1));
  await log.append(record(2, { status: 'error', error: 'boom', model: 'anthropic/claude-haiku-4-5', provider: 'anthropic' }));
  await log.append(record(3));
  assert.deepEqual((await collect(log)).map((r) => r.id), ['r1', 'r2', 'r3']);
  assert.deepEqual((await collect(log, { order: 'desc', limit: 2 })).map((r) => r.id), ['r3', 'r2']);
  assert.deepEqual((await collect(log, { status: 'error' })).map((r) => r.id), ['r2']);
  assert.deepEqual((await collect(log, { model: 'anthropic/claude-haiku-4-5' })).map((r) => r.id), ['r2']);
  assert.deepEqual((await collect(log, { provider: 'openai' })).map((r) => r.id), ['r1', 'r3']);
  assert.deepEqual((await collect(log, { since: record(2).time })).map((r) => r.id), ['r2', 'r3']);
  assert.deepEqual((await collect(log, { until: record(2).time })).map((r) => r.id), ['r1']);
  assert.deepEqual((await collect(log, { since: '2025-03-11T00:00:00Z' })).map((r) => r.id), []);
  const files = await log.files();
  assert.deepEqual(files.map((f) => f.name), ['requests-2025-03-10-000.jsonl']);
  await log.close();
});

test('a torn last line is skipped with a report, and repaired before the next append', async () => {
  const dir = await tempDir();
  const now = fixedNow('2025-03-10T12:30:00Z');
  const first = new RequestLog({ dir, now });
  for (let i = 1; i <= 3; i++) await first.append(record(i));
  await first.close();
  const file = join(dir, 'requests-2025-03-10-000.jsonl');
  // A crash in the middle of a write.
  await fsp.appendFile(file, JSON.stringify(record(4)).slice(0, 57));

  const warnings: string[] = [];
  const second = new RequestLog({ dir, now, onWarning: (m) => warnings.push(m) });
  const report: ReadReport = { skipped: [] };
  assert.deepEqual((await collect(second, {}, report)).map((r) => r.id), ['r1', 'r2', 'r3']);
  assert.deepEqual(report.skipped, [{ file: 'requests-2025-03-10-000.jsonl', line: 4, reason: 'torn' }]);
  assert.match(describeSkipped(report.skipped)!, /Skipped 1 unreadable line in the request log: requests-2025-03-10-000\.jsonl line 4 \(incomplete\)/);

  assert.equal(await second.append(record(5)), true);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /removed an incomplete last line \(57 bytes\)/);
  const clean: ReadReport = { skipped: [] };
  assert.deepEqual((await collect(second, {}, clean)).map((r) => r.id), ['r1', 'r2', 'r3', 'r5']);
  assert.deepEqual(clean.skipped, []);
  const lines = (await fsp.readFile(file, 'utf8')).split('\n');
  assert.equal(lines.length, 5);
  assert.equal(lines[4], '');
  assert.equal(JSON.parse(lines[3]).id, 'r5');
  await second.close();
});

test('a complete last record that only lacks its newline is kept', async () => {
  const dir = await tempDir();
  const file = join(dir, 'requests-2025-03-10-000.jsonl');
  await fsp.writeFile(file, `${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}`);
  const log = new RequestLog({ dir, now: fixedNow('2025-03-10T12:30:00Z') });
  await log.append(record(3));
  assert.deepEqual((await collect(log)).map((r) => r.id), ['r1', 'r2', 'r3']);
  await log.close();
});

test('a corrupt line in the middle is skipped and reported; the others are read', async () => {
  const dir = await tempDir();
  const file = join(dir, 'requests-2025-03-10-000.jsonl');
  await fsp.writeFile(file, [JSON.stringify(record(1)), '{"id": "half', '[1,2,3]', '', JSON.stringify(record(2)), ''].join('\n'));
  const log = new RequestLog({ dir, now: fixedNow('2025-03-10T12:30:00Z') });
  const report: ReadReport = { skipped: [] };
  assert.deepEqual((await collect(log, {}, report)).map((r) => r.id), ['r1', 'r2']);
  assert.deepEqual(report.skipped, [
    { file: 'requests-2025-03-10-000.jsonl', line: 2, reason: 'corrupt' },
    { file: 'requests-2025-03-10-000.jsonl', line: 3, reason: 'corrupt' },
  ]);
  assert.match(describeSkipped(report.skipped)!, /Skipped 2 unreadable lines.*line 2 \(not valid JSON\), .*line 3/);
  await log.close();
});

test('files rotate by size and are read back in order', async () => {
  const dir = await tempDir();
  const lineBytes = Buffer.byteLength(`${JSON.stringify(record(10))}\n`);
  const log = new RequestLog({ dir, now: fixedNow('2025-03-10T12:30:00Z'), maxFileBytes: lineBytes * 3 + 1 });
  for (let i = 10; i < 20; i++) await log.append(record(i));
  const files = await log.files();
  assert.deepEqual(files.map((f) => f.name), [
    'requests-2025-03-10-000.jsonl',
    'requests-2025-03-10-001.jsonl',
    'requests-2025-03-10-002.jsonl',
    'requests-2025-03-10-003.jsonl',
  ]);
  for (const f of files) assert.ok((await fsp.stat(f.path)).size <= lineBytes * 3 + 1);
  assert.deepEqual((await collect(log)).map((r) => r.id), Array.from({ length: 10 }, (_, i) => `r${i + 10}`));
  assert.deepEqual((await collect(log, { order: 'desc', limit: 4 })).map((r) => r.id), ['r19', 'r18', 'r17', 'r16']);
  // A restarted store continues the last file of the day.
  await log.close();
  const again = new RequestLog({ dir, now: fixedNow('2025-03-10T13:00:00Z'), maxFileBytes: lineBytes * 3 + 1 });
  await again.append(record(20));
  assert.equal((await again.files()).length, 4);
  await again.close();
});

test('a new UTC day starts a new file, and days past the retention are deleted', async () => {
  const dir = await tempDir();
  for (const day of ['2025-01-01', '2025-02-07', '2025-02-08', '2025-03-09']) {
    await fsp.writeFile(join(dir, `requests-${day}-000.jsonl`), `${JSON.stringify(record(1, { id: day, time: `${day}T10:00:00.000Z` }))}\n`);
  }
  await fsp.writeFile(join(dir, 'notes.txt'), 'not a log file');
  let now = new Date('2025-03-10T08:00:00Z');
  const log = new RequestLog({ dir, now: () => now, retentionDays: 30 });
  await log.append(record(1));
  // 30 days before 2025-03-10 is 2025-02-08: that day stays, earlier ones go.
  assert.deepEqual((await log.files()).map((f) => f.day), ['2025-02-08', '2025-03-09', '2025-03-10']);
  assert.ok((await fsp.readdir(dir)).includes('notes.txt'));
  now = new Date('2025-03-11T00:00:01Z');
  await log.append(record(2, { time: now.toISOString() }));
  // The first append of a new day prunes again: 2025-02-08 is now past the retention.
  assert.deepEqual((await log.files()).map((f) => f.day), ['2025-03-09', '2025-03-10', '2025-03-11']);
  log.configure({ retentionDays: 1 });
  assert.deepEqual(await log.prune(), ['requests-2025-03-09-000.jsonl']);
  await log.close();
});

test('a full disk: the append reports once and resolves false; earlier records survive; writing resumes', async () => {
  const dir = await tempDir();
  const diskFull = { on: false };
  // A real file system whose writes, while the disk is "full", write half the line and then fail.
  const fs = {
    mkdir: fsp.mkdir,
    readdir: fsp.readdir,
    unlink: fsp.unlink,
    async open(path: string, flags: string) {
      const handle = await fsp.open(path, flags);
      return new Proxy(handle, {
        get(target, prop) {
          if (prop === 'write' && diskFull.on) {
            return async (buf: Buffer, offset: number, length: number) => {
              await target.write(buf, offset, Math.floor(length / 2), null);
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  } as unknown as LogFileSystem;
  const errors: string[] = [];
  const log = new RequestLog({ dir, fs, now: fixedNow('2025-03-10T12:30:00Z'), onError: (m) => errors.push(m) });

  assert.equal(await log.append(record(1)), true);
  diskFull.on = true;
  assert.equal(await log.append(record(2)), false);
  assert.equal(await log.append(record(3)), false);
  assert.deepEqual(errors, [`Request log not written: disk full at ${join(dir, 'requests-2025-03-10-000.jsonl')}; requests continue.`]);
  diskFull.on = false;
  assert.equal(await log.append(record(4)), true);

  const report: ReadReport = { skipped: [] };
  assert.deepEqual((await collect(log, {}, report)).map((r) => r.id), ['r1', 'r4']);
  assert.deepEqual(report.skipped, []);
  // A new failure after recovery is reported again.
  diskFull.on = true;
  assert.equal(await log.append(record(5)), false);
  assert.equal(errors.length, 2);
  diskFull.on = false;
  await log.close();
});

test('an unwritable folder is reported, not thrown', async () => {
  const dir = await tempDir();
  const blocker = join(dir, 'file');
  await fsp.writeFile(blocker, 'x');
  const errors: string[] = [];
  const log = new RequestLog({ dir: join(blocker, 'logs'), onError: (m) => errors.push(m) });
  assert.equal(await log.append(record(1)), false);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^Request log not written: .*requests continue\.$/);
  // Reading it is a configuration error that names the folder (the CLI exits 2 with it), not a bare ENOTDIR.
  await assert.rejects(collect(log), (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /^Could not read the request log folder .*logs \(ENOTDIR.*\): make sure it is a folder you can read and write\.$/);
    return true;
  });
});

test('a key pasted in a prompt never reaches the file, at any level', async () => {
  const key = 'sk-ant-api03-Q9w8E7r6T5y4U3i2O1p0A9s8D7f6G5h4J3k2L1';
  const userKey = 'my-own-provider-key-1234';
  const redactor = createRedactor({ knownSecrets: [userKey] });
  const request: ChatRequest = {
    model: 'anthropic/claude-haiku-4-5',
    system: `Server key: ${userKey}`,
    messages: [{ role: 'user', content: `Why does ANTHROPIC_API_KEY=${key} fail?` }],
  };
  const result: GatewayResult = {
    text: `Your key ${key} was revoked.`,
    toolCalls: [{ id: 't1', name: 'lookup', arguments: JSON.stringify({ key }) }],
    finishReason: 'stop',
    usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    requestedModel: 'anthropic/claude-haiku-4-5',
    model: 'anthropic/claude-haiku-4-5',
    provider: 'anthropic',
    cost: { total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, priced: true },
    latencyMs: 1,
    ttftMs: 1,
    attempts: [{ model: 'anthropic/claude-haiku-4-5', provider: 'anthropic', outcome: 'error', latencyMs: 1, error: `invalid x-api-key ${key}` }],
    cacheHit: false,
  };
  for (const level of ['off', 'metadata', 'full'] as const) {
    const dir = await tempDir();
    const log = new RequestLog({ dir });
    const ok = toRecord({ request, result, source: 'extension' }, { level, redactor });
    const failed = toRecord({ request, error: new Error(`401 for key ${key}`), latencyMs: 1, source: 'extension' }, { level, redactor });
    if (ok) await log.append(ok);
    if (failed) await log.append(failed);
    await log.close();
    const raw = await rawLog(dir);
    if (level === 'off') assert.equal(raw, '');
    else assert.ok(raw.includes('[REDACTED]'), level);
    assert.ok(!raw.includes(key.slice(14)), `key leaked at level ${level}`);
    assert.ok(!raw.includes(userKey), `known secret leaked at level ${level}`);
    if (level === 'full') assert.ok(raw.includes('was revoked'), 'contents are logged at full');
  }
});

test('export: JSON Lines and CSV with escaping', async () => {
  const dir = await tempDir();
  const log = new RequestLog({ dir, now: fixedNow('2025-03-10T12:30:00Z') });
  await log.append(record(1, { workspace: 'my, "quoted" project' }));
  await log.append(record(2, { status: 'error', error: '=HYPERLINK("http://x")' }));

  const jsonl = new PassThrough();
  const jsonChunks: Buffer[] = [];
  jsonl.on('data', (c: Buffer) => jsonChunks.push(c));
  assert.equal(await exportRecords(log.query(), 'jsonl', jsonl), 2);
  const lines = Buffer.concat(jsonChunks).toString().trim().split('\n');
  assert.deepEqual(lines.map((l) => JSON.parse(l).id), ['r1', 'r2']);

  const csv = new PassThrough();
  const csvChunks: Buffer[] = [];
  csv.on('data', (c: Buffer) => csvChunks.push(c));
  assert.equal(await exportRecords(log.query({ order: 'asc' }), 'csv', csv), 2);
  const rows = Buffer.concat(csvChunks).toString().split('\r\n');
  assert.equal(rows[0].split(',')[0], 'id');
  assert.ok(rows[0].includes('costUsd'));
  assert.ok(rows[1].startsWith('r1,2025-03-10T12:00:01.000Z,cli,"my, ""quoted"" project",openai/gpt-5-mini'));
  assert.ok(rows[2].endsWith(`,"'=HYPERLINK(""http://x"")"`));
  assert.equal(rows[3], '');
  await log.close();
});
