import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { UsageTotals, aggregate, localDay, type LiveUsage, type UsageEntry } from '../../src/core/usage/totals';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-totals-'));
  dirs.push(dir);
  return join(dir, 'nested', 'usage-totals.json');
}

// Local times, so that "today" and "this month" do not depend on the machine's time zone.
const at = (y: number, mo: number, d: number, h = 12) => new Date(y, mo - 1, d, h, 0, 0);

function entry(time: Date, overrides: Partial<UsageEntry> = {}): UsageEntry {
  return {
    time: time.toISOString(),
    model: 'openai/gpt-5-mini',
    provider: 'openai',
    status: 'ok',
    usage: { inputTokens: 100, cachedInputTokens: 10, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 5 },
    cost: 0.5,
    priced: true,
    cacheHit: false,
    ...overrides,
  };
}

/** The same request as the running totals take it when it ends. */
function live(time: Date, overrides: Partial<UsageEntry> = {}): LiveUsage {
  const { time: _logged, ...figures } = entry(time, overrides);
  return { ...figures, startedAt: time };
}

async function* iterate<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

test('totals by session, day, month, workspace, model and provider', async () => {
  let now = at(2025, 3, 10);
  const totals = await UsageTotals.load({ file: await tempFile(), now: () => now, workspace: '/ws/a', debounceMs: 10_000 });
  totals.add(live(now, { workspace: '/ws/a' }));
  totals.add(live(now, { model: 'anthropic/claude-haiku-4-5', provider: 'anthropic', cost: 0.25, workspace: '/ws/b' }));
  totals.add(live(now, { status: 'error', cost: 0, usage: { inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 } }));
  totals.add(live(now, { cacheHit: true }));
  totals.add(live(now, { priced: false, cost: 0, usage: { inputTokens: 7, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0, estimated: true } }));

  let s = totals.snapshot();
  assert.equal(s.session.requests, 5);
  assert.equal(s.session.errors, 1);
  assert.equal(s.session.cacheHits, 1);
  assert.equal(s.session.unpricedRequests, 1);
  assert.equal(s.session.estimatedRequests, 1);
  assert.equal(s.session.costUsd, 0.75, 'a cache hit adds no cost');
  assert.equal(s.session.inputTokens, 207);
  assert.equal(s.today.costUsd, 0.75);
  assert.equal(s.month.costUsd, 0.75);
  assert.equal(s.workspace?.costUsd, 0.5);
  assert.equal(s.byWorkspace['/ws/b'].costUsd, 0.25);
  assert.equal(s.byModel['openai/gpt-5-mini'].requests, 4);
  assert.equal(s.byProvider.anthropic.costUsd, 0.25);
  assert.deepEqual(totals.spend(), { today: 0.75, month: 0.75 });

  // The next day: today starts over, the month goes on.
  now = at(2025, 3, 11);
  totals.add(live(now, { cost: 1 }));
  s = totals.snapshot();
  assert.equal(s.today.costUsd, 1);
  assert.equal(s.month.costUsd, 1.75);
  // The next month.
  now = at(2025, 4, 1);
  assert.deepEqual(totals.spend(), { today: 0, month: 0 });
  await totals.close();
});

test('totals survive a restart (but the session does not), written atomically', async () => {
  const file = await tempFile();
  const now = at(2025, 3, 10);
  const first = await UsageTotals.load({ file, now: () => now, debounceMs: 5 });
  first.add(live(now));
  first.add(live(now, { cost: 0.25 }));
  // The debounced save happens by itself.
  const deadline = Date.now() + 5000;
  let saved: { month: { tally: { costUsd: number } } } | undefined;
  while (!saved && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    saved = await fsp.readFile(file, 'utf8').then(JSON.parse, () => undefined);
  }
  assert.equal(saved?.month.tally.costUsd, 0.75);
  first.add(live(now, { cost: 1 }));
  await first.flush();
  assert.deepEqual((await fsp.readdir(join(file, '..'))).filter((n) => n.endsWith('.tmp')), []);

  const second = await UsageTotals.load({ file, now: () => now });
  const s = second.snapshot();
  assert.equal(s.today.costUsd, 1.75);
  assert.equal(s.month.requests, 3);
  assert.equal(s.byModel['openai/gpt-5-mini'].requests, 3);
  assert.equal(s.session.requests, 0);
  second.add(live(now));
  second.resetSession();
  assert.equal(second.snapshot().session.requests, 0);
  assert.equal(second.snapshot().today.requests, 4);
  await second.close();
});

test('a corrupt totals file is rebuilt from the log, with a warning', async () => {
  const file = await tempFile();
  await fsp.mkdir(join(file, '..'), { recursive: true });
  await fsp.writeFile(file, '{"version":1,"since":"2025-');
  const now = at(2025, 3, 10);
  const warnings: string[] = [];
  const log = [entry(at(2025, 2, 20), { cost: 2 }), entry(at(2025, 3, 2), { cost: 3 }), entry(now, { cost: 0.5, workspace: '/ws' })];
  const totals = await UsageTotals.load({ file, now: () => now, rebuildFrom: () => iterate(log), onWarning: (m) => warnings.push(m) });
  const s = totals.snapshot();
  assert.equal(s.today.costUsd, 0.5);
  assert.equal(s.month.costUsd, 3.5);
  assert.equal(s.byModel['openai/gpt-5-mini'].costUsd, 5.5);
  assert.equal(s.byWorkspace['/ws'].requests, 1);
  assert.equal(s.since, log[0].time);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /was corrupt; rebuilt it from the request log/);
  // The rebuilt totals were written back.
  assert.equal(JSON.parse(await fsp.readFile(file, 'utf8')).month.tally.costUsd, 3.5);
  await totals.close();
});

test('a corrupt totals file without a log is reset to zero, with a warning', async () => {
  const file = await tempFile();
  await fsp.mkdir(join(file, '..'), { recursive: true });
  await fsp.writeFile(file, JSON.stringify({ version: 1, since: 'x', day: { key: 'x' } }));
  const warnings: string[] = [];
  const totals = await UsageTotals.load({ file, onWarning: (m) => warnings.push(m) });
  assert.equal(totals.snapshot().month.requests, 0);
  assert.match(warnings[0], /was corrupt; usage totals were reset to zero/);
  await totals.close();
});

test('aggregate() computes totals and per-model, per-provider, per-day aggregates', () => {
  const entries = [
    entry(at(2025, 3, 10, 1)),
    entry(at(2025, 3, 10, 23), { model: 'groq/llama-3.3-70b', provider: 'groq', cost: 0.1 }),
    entry(at(2025, 3, 11, 0), { status: 'cancelled', workspace: '/ws' }),
  ];
  const agg = aggregate(entries);
  assert.equal(agg.total.requests, 3);
  assert.equal(agg.total.errors, 1);
  assert.ok(Math.abs(agg.total.costUsd - 1.1) < 1e-12);
  assert.equal(agg.byModel.get('openai/gpt-5-mini')?.requests, 2);
  assert.equal(agg.byProvider.get('groq')?.costUsd, 0.1);
  assert.equal(agg.byDay.get(localDay(at(2025, 3, 10)))?.requests, 2);
  assert.equal(agg.byDay.get(localDay(at(2025, 3, 11)))?.requests, 1);
  assert.equal(agg.byWorkspace.get('/ws')?.requests, 1);
});

test('local days and months stay right from hour to hour, over a year with daylight saving, forwards and back', () => {
  // In a child process, for a time zone with daylight saving whatever this machine's is.
  const script = `
    const { localDay, localMonth } = require('./src/core/usage/totals');
    const expected = (d) => [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
    const times = [];
    for (let t = new Date(2025, 0, 1).getTime(); t < new Date(2026, 0, 2).getTime(); t += 53 * 60_000) times.push(new Date(t));
    let wrong = 0;
    for (const d of [...times, ...times.reverse()]) if (localDay(d) !== expected(d) || localMonth(d) !== expected(d).slice(0, 7)) wrong++;
    console.log(JSON.stringify({ checked: times.length * 2, wrong, offsets: new Set(times.map((d) => d.getTimezoneOffset())).size }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, TZ: 'America/New_York' },
  });
  const result = JSON.parse(out.trim().split('\n').pop() ?? '') as { checked: number; wrong: number; offsets: number };
  assert.equal(result.offsets, 2, 'the year crossed daylight saving');
  assert.ok(result.checked > 19_000);
  assert.equal(result.wrong, 0);
});
