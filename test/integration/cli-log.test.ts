import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSince } from '../../src/cli/commands/log';
import { DEFAULT_SETTINGS } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import type { RequestRecord } from '../../src/core/log/record';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { runCliCapturing } from '../support/run-cli';

let fake: FakeUpstream;
let env: Record<string, string>;
const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-log-'));
const dataDir = join(cwd, 'data');
const ids: string[] = [];

const cli = (argv: string[]) => runCliCapturing(argv, { cwd, env });

const jsonLines = (text: string): RequestRecord[] => text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
const logFile = (): string => join(dataDir, 'logs', readdirSync(join(dataDir, 'logs')).filter((n) => n.endsWith('.jsonl')).sort().at(-1)!);

before(async () => {
  fake = await startFakeUpstream({ expectedKey: 'test-key' });
  env = {
    OPENAI_API_KEY: 'test-key',
    ANTHROPIC_API_KEY: 'test-key',
    SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`,
    SWITCHBOARD_ANTHROPIC_BASE_URL: fake.url,
    SWITCHBOARD_DATA_DIR: dataDir,
  };
  // Three requests through a gateway on the CLI's data folder: two answers and one failure.
  const gateway = new Gateway({
    settings: { ...DEFAULT_SETTINGS, localDetection: false, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } },
    keys: envKeySource(env),
    env,
    dataDir,
    source: 'cli',
  });
  await gateway.complete({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'first' }] });
  await gateway.complete({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'second' }] });
  fake.enqueue({ kind: 'status', status: 500, message: 'upstream exploded' });
  await assert.rejects(gateway.complete({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'third' }] }));
  await gateway.close();
  // An older request, two hours back, written straight into the log.
  const [first] = await new Gateway({ settings: DEFAULT_SETTINGS, keys: envKeySource(env), dataDir }).requestLog.list({ limit: 1 });
  const old: RequestRecord = { ...first, id: 'old-request', time: new Date(Date.now() - 2 * 3_600_000).toISOString() };
  const text = `${JSON.stringify(old)}\n`;
  const file = logFile();
  const rest = readFileSync(file, 'utf8');
  writeFileSync(file, text + rest);
  ids.push('old-request', ...jsonLines(rest).map((r) => r.id));
});

after(async () => {
  await fake.close();
  await rm(cwd, { recursive: true, force: true });
});

describe('switchboard log', () => {
  test('lists the logged requests in a table, newest last', async () => {
    const run = await cli(['log']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^TIME\s+MODEL\s+STATUS\s+LATENCY\s+TOKENS IN\/OUT\s+COST\s+ERROR$/);
    assert.equal(lines.length, 5);
    assert.match(lines[1], /openai\/gpt-5-mini\s+ok/);
    assert.match(lines[2], /openai\/gpt-5-mini\s+ok\s+\d+ ms\s+\d+\/\d+\s+\$0\.\d+/);
    assert.match(lines[3], /anthropic\/claude-sonnet-4-5\s+ok/);
    assert.match(lines[4], /openai\/gpt-5-mini\s+error\s.*upstream exploded/);
    assert.equal(run.stderr, '');
  });

  test('--json prints one record per line', async () => {
    const run = await cli(['log', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(jsonLines(run.stdout).map((r) => r.id), ids);
  });

  test('--status, --model, --since and --limit filter', async () => {
    const errors = jsonLines((await cli(['log', '--json', '--status', 'error'])).stdout);
    assert.deepEqual(errors.map((r) => r.status), ['error']);

    const anthropic = jsonLines((await cli(['log', '--json', '--model', 'anthropic/claude-sonnet-4-5'])).stdout);
    assert.deepEqual(anthropic.map((r) => r.model), ['anthropic/claude-sonnet-4-5']);

    assert.equal(jsonLines((await cli(['log', '--json', '--since', '30m'])).stdout).length, 3);
    assert.equal(jsonLines((await cli(['log', '--json', '--since', '3h'])).stdout).length, 4);
    assert.equal(jsonLines((await cli(['log', '--json', '--since', '1d', '--status', 'ok'])).stdout).length, 3);

    const newest = jsonLines((await cli(['log', '--json', '--limit', '2'])).stdout);
    assert.deepEqual(newest.map((r) => r.id), ids.slice(-2));
  });

  test('bad flags are usage errors (exit 2)', async () => {
    for (const [argv, pattern] of [
      [['log', '--since', 'yesterday'], /--since takes a duration/],
      [['log', '--status', 'failed'], /--status takes one of ok, error, cancelled/],
      [['log', '--limit', '0'], /--limit takes a positive integer/],
      [['log', '--colour'], /Unknown option/],
    ] as const) {
      const run = await cli([...argv]);
      assert.equal(run.code, 2, argv.join(' '));
      assert.match(run.stderr, pattern);
    }
  });

  test('parseSince reads durations and dates', () => {
    const now = Date.UTC(2025, 0, 10, 12);
    assert.equal(parseSince('30m', now).getTime(), now - 30 * 60_000);
    assert.equal(parseSince('2h', now).getTime(), now - 2 * 3_600_000);
    assert.equal(parseSince('7d', now).getTime(), now - 7 * 86_400_000);
    assert.equal(parseSince('2025-01-01T00:00:00Z', now).toISOString(), '2025-01-01T00:00:00.000Z');
  });
});

describe('switchboard cost', () => {
  test('--json gives today, this month, per model and per provider, and no session', async () => {
    const run = await cli(['cost', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout);
    assert.equal(body.session, undefined);
    assert.equal(body.dataDir, join(dataDir, 'logs'));
    assert.equal(body.today.requests, 3);
    assert.equal(body.today.errors, 1);
    assert.equal(body.month.requests, 3);
    assert.equal(body.byModel['openai/gpt-5-mini'].requests, 2);
    assert.equal(body.byModel['anthropic/claude-sonnet-4-5'].requests, 1);
    assert.equal(body.byProvider.openai.requests, 2);
    assert.ok(body.today.costUsd > 0);
    assert.equal(body.budget.state, 'ok');
    assert.equal(body.budget.limit, null);
  });

  test('prints tables, and the budget from the config file', async () => {
    const config = join(cwd, 'budget.json');
    writeFileSync(config, JSON.stringify({ 'switchboard.budget.daily': 2, 'switchboard.budget.monthly': 50 }));
    const run = await cli(['cost', '--config', config]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^PERIOD\s+REQUESTS\s+FAILED\s+CACHED\s+INPUT\s+OUTPUT\s+COST$/m);
    assert.match(run.stdout, /^today\s+3\s+1\s+0\s/m);
    assert.match(run.stdout, /^this month\s+3\s+1\s+0\s/m);
    assert.match(run.stdout, /^MODEL\s+REQUESTS/m);
    assert.match(run.stdout, /^openai\/gpt-5-mini\s+2\s+1\s/m);
    assert.match(run.stdout, /^PROVIDER\s+REQUESTS/m);
    assert.match(run.stdout, /^anthropic\s+1\s+0\s/m);
    assert.match(run.stdout, /Budget · daily: \$0\.\d+ of \$2\.0000 \(0%\) · monthly: \$0\.\d+ of \$50\.0000 \(0%\)/);
  });
});

describe('a damaged log', () => {
  test('a corrupt line is a warning on stderr, and the rest is listed', async () => {
    appendFileSync(logFile(), 'this is not a record\n');
    const run = await cli(['log', '--json']);
    assert.equal(run.code, 0);
    assert.match(run.stderr, /^switchboard: warning: Skipped 1 unreadable line in the request log: requests-.*\.jsonl line 5 \(not valid JSON\)\.\n$/);
    assert.deepEqual(jsonLines(run.stdout).map((r) => r.id), ids);
    const table = await cli(['log']);
    assert.equal(table.stdout.trimEnd().split('\n').length, 5);
    assert.match(table.stderr, /Skipped 1 unreadable line/);
  });
});
