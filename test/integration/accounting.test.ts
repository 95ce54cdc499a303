import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountingWarning } from '../../src/core/accounting/accounting';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import type { RequestRecord } from '../../src/core/log/record';
import type { GatewayStreamEvent } from '../../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

/** A key with no well-known shape: only the gateway's knowledge of the keys in use can keep it out of the log. */
const KEY = 'zq81-upstream-credential-Vb7Tn2Lm9Xc4';
const MODEL = 'openai/gpt-5-mini';

let fake: FakeUpstream;
let env: Record<string, string>;
const dirs: string[] = [];
const gateways: Gateway[] = [];

before(async () => {
  fake = await startFakeUpstream({ expectedKey: KEY });
  env = { OPENAI_API_KEY: KEY, SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1` };
});

after(async () => {
  for (const g of gateways) await g.close();
  await fake.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-accounting-'));
  dirs.push(dir);
  return dir;
}

function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, localDetection: false, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, ...overrides };
}

function gateway(dir: string | undefined, overrides: Partial<Settings> = {}, warnings?: AccountingWarning[]): Gateway {
  const g = new Gateway({ settings: settings(overrides), keys: envKeySource(env), env, dataDir: dir, source: 'cli', workspace: '/work/project' });
  if (warnings) g.onDidWarn((w) => warnings.push(w));
  gateways.push(g);
  return g;
}

/** Every file under `dir`, recursively, as text. */
function rawFiles(dir: string): { path: string; text: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

async function logged(g: Gateway): Promise<RequestRecord[]> {
  await g.flushAccounting();
  return g.requestLog.list();
}

async function collect(events: AsyncIterable<GatewayStreamEvent>, stopAfterTexts = Infinity, controller?: AbortController): Promise<GatewayStreamEvent[]> {
  const seen: GatewayStreamEvent[] = [];
  let texts = 0;
  for await (const event of events) {
    seen.push(event);
    if (event.type === 'text' && ++texts >= stopAfterTexts) {
      if (!controller) break;
      controller.abort();
    }
  }
  return seen;
}

describe('request log levels', () => {
  test('off: nothing is written, but the totals still count the request', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'logging.level': 'off' });
    await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await g.flushAccounting();
    assert.equal(existsSync(join(dir, 'logs')), false);
    assert.deepEqual(await g.requestLog.list(), []);
    const totals = await g.totals();
    assert.equal(totals.session.requests, 1);
    assert.equal(totals.today.requests, 1);
  });

  test('metadata: every field but the contents', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'logging.level': 'metadata' });
    const result = await g.complete({ model: MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'hello there' }], temperature: 0.3 });
    const [record, ...rest] = await logged(g);
    assert.equal(rest.length, 0);
    assert.match(record.id, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(Date.parse(record.time) - Date.now()) < 60_000);
    assert.equal(record.requestedModel, MODEL);
    assert.equal(record.model, MODEL);
    assert.equal(record.provider, 'openai');
    assert.equal(record.status, 'ok');
    assert.equal(record.source, 'cli');
    assert.equal(record.workspace, '/work/project');
    assert.deepEqual(record.usage, result.usage);
    assert.ok(record.cost > 0);
    assert.equal(record.cost, result.cost.total);
    assert.equal(record.priced, true);
    assert.equal(record.cacheHit, false);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.requestId, result.requestId);
    assert.equal(record.attempts.length, 1);
    assert.equal(record.attempts[0].outcome, 'ok');
    assert.equal(record.attempts[0].cost, result.cost.total);
    assert.ok(record.latencyMs > 0);
    assert.equal(record.request, undefined);
    assert.equal(record.response, undefined);
    const raw = rawFiles(join(dir, 'logs')).map((f) => f.text).join('');
    assert.ok(!raw.includes('hello there') && !raw.includes('Be brief.'), 'no contents at metadata level');
  });

  test('full: the request (system, messages, params) and the response', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'logging.level': 'full' });
    const result = await g.complete({ model: MODEL, system: 'Be brief.', messages: [{ role: 'user', content: 'hello there' }], temperature: 0.3 });
    const [record] = await logged(g);
    assert.equal(record.request?.system, 'Be brief.');
    assert.deepEqual(record.request?.messages, [{ role: 'user', content: 'hello there' }]);
    assert.equal(record.request?.params.temperature, 0.3);
    assert.equal(record.response?.text, result.text);
    assert.match(result.text, /hello there/);
  });

  test('a level change applies to the next request at once', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'logging.level': 'metadata' });
    await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'one' }] });
    g.updateSettings(settings({ 'logging.level': 'off' }));
    await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'two' }] });
    g.updateSettings(settings({ 'logging.level': 'full' }));
    await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'three' }] });
    const records = await logged(g);
    assert.equal(records.length, 2);
    assert.equal(records[0].request, undefined);
    assert.equal(records[1].response?.text.includes('three'), true);
    assert.equal((await g.totals()).session.requests, 3);
  });
});

describe('redaction', () => {
  for (const level of ['off', 'metadata', 'full'] as const) {
    test(`a key pasted in a prompt never reaches the files at level ${level}`, async () => {
      const dir = await dataDir();
      const g = gateway(dir, { 'logging.level': level });
      const prompt = `please debug this config ${KEY} and tell me why`;
      const result = await g.complete({ model: MODEL, system: `context ${KEY}`, messages: [{ role: 'user', content: prompt }] });
      assert.ok(result.text.includes(KEY), 'the fake echoes the prompt, so the answer carries the key too');
      const events = await collect(g.stream({ model: MODEL, messages: [{ role: 'user', content: prompt }] }));
      assert.equal(events.at(-1)?.type, 'done');
      fake.enqueue({ kind: 'status', status: 400, message: `bad request near ${KEY}` });
      await assert.rejects(g.complete({ model: MODEL, messages: [{ role: 'user', content: prompt }] }));
      await logged(g);
      await g.requestLog.aggregate(); // writes summaries when there are closed files
      await g.close();

      const files = rawFiles(dir);
      assert.equal(files.some((f) => f.path.endsWith('.jsonl')), level !== 'off');
      assert.ok(files.some((f) => f.path.endsWith('usage-totals.json')));
      for (const file of files) assert.ok(!file.text.includes(KEY), `${file.path} holds the key`);
      if (level === 'full') {
        const [first] = await gateway(dir).requestLog.list();
        assert.match(first.request!.messages[0].content as string, /config \[REDACTED\] and/);
        assert.match(first.response!.text, /\[REDACTED\]/);
      }
    });
  }

  test('user patterns redact too, and a bad one is reported with its setting', async () => {
    const dir = await dataDir();
    const warnings: AccountingWarning[] = [];
    const g = gateway(dir, { 'logging.level': 'full', 'logging.redactPatterns': ['ticket-\\d{4}', '(unclosed'] }, warnings);
    await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'see ticket-1234 please' }] });
    const [record] = await logged(g);
    assert.equal(record.request!.messages[0].content, 'see [REDACTED] please');
    const bad = warnings.find((w) => w.source === 'redaction');
    assert.equal(bad?.setting, 'switchboard.logging.redactPatterns');
    assert.match(bad!.message, /\(unclosed/);
  });
});

describe('response cache', () => {
  test('a hit costs 0, skips the upstream, is marked in the result and the log, and replays as a stream', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'cache.enabled': true });
    const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'cache me' }] };
    const first = await g.complete(request);
    assert.equal(first.cacheHit, false);
    assert.ok(first.cost.total > 0);
    const sent = fake.requests.length;

    const second = await g.complete(request);
    assert.equal(second.cacheHit, true);
    assert.equal(second.cost.total, 0);
    assert.equal(second.text, first.text);
    assert.deepEqual(second.attempts, []);

    const events = await collect(g.stream(request));
    const texts = events.filter((e) => e.type === 'text').map((e) => (e as { delta: string }).delta).join('');
    assert.equal(texts, first.text);
    const done = events.at(-1);
    assert.ok(done?.type === 'done' && done.result.cacheHit);
    assert.equal(fake.requests.length, sent, 'no upstream call for a hit');

    const records = await logged(g);
    assert.deepEqual(records.map((r) => [r.cacheHit, r.cost]), [[false, first.cost.total], [true, 0], [true, 0]]);
    const totals = await g.totals();
    assert.equal(totals.session.cacheHits, 2);
    assert.equal(totals.session.costUsd, first.cost.total);

    g.updateSettings(settings({ 'cache.enabled': false }));
    assert.equal((await g.complete(request)).cacheHit, false, 'disabling the cache applies at once');
  });

  test('the gateway answers a hit in well under 1 ms', async (t) => {
    const g = gateway(undefined, { 'cache.enabled': true, 'logging.level': 'off' });
    const request = { model: MODEL, messages: [{ role: 'user' as const, content: 'fast path' }] };
    await g.complete(request);
    const walls: number[] = [];
    const inside: number[] = [];
    for (let i = 0; i < 500; i++) {
      const started = performance.now();
      const result = await g.complete(request);
      walls.push(performance.now() - started);
      inside.push(result.latencyMs);
      assert.equal(result.cacheHit, true);
    }
    await g.flushAccounting();
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const p95 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
    t.diagnostic(`cache hit: complete() median ${median(walls).toFixed(3)} ms, p95 ${p95(walls).toFixed(3)} ms; result.latencyMs median ${median(inside).toFixed(3)} ms`);
    assert.ok(median(walls) < 1, `median ${median(walls)} ms`);
    assert.ok(median(inside) < 0.5, `median ${median(inside)} ms`);
    assert.equal((await g.totals()).session.cacheHits, 500);
  });
});

describe('budgets', () => {
  // $1000 per 1M tokens and 100 + 100 tokens per answer: each request costs $0.20.
  const priced = (overrides: Partial<Settings> = {}) =>
    settings({ prices: { [MODEL]: { input: 1000, output: 1000 } }, 'budget.daily': 0.5, 'budget.warnAt': 0.5, ...overrides });
  const ask = (g: Gateway, options = {}) => g.complete({ model: MODEL, maxTokens: 100, messages: [{ role: 'user', content: 'budget' }] }, options);

  test('warn, block, override, and a raised limit applying at once', async () => {
    fake.setDefaultReply({ usage: { input: 100, output: 100 } });
    try {
      const dir = await dataDir();
      const warnings: AccountingWarning[] = [];
      const g = new Gateway({ settings: priced(), keys: envKeySource(env), env, dataDir: dir });
      gateways.push(g);
      g.onDidWarn((w) => warnings.push(w));

      assert.equal((await ask(g)).cost.total, 0.2);
      assert.equal((await g.budgetState()).state, 'ok');
      await ask(g); // $0.20 spent + about $0.11 estimated passes the 50% mark
      const warning = warnings.find((w) => w.source === 'budget');
      assert.match(warning?.message ?? '', /Daily budget at \d+%/);
      assert.equal(warning?.setting, 'switchboard.budget.daily');
      assert.deepEqual(
        { state: (await g.budgetState()).state, spend: (await g.budgetState()).spend, limit: (await g.budgetState()).limit },
        { state: 'warn', spend: 0.4, limit: 0.5 },
      );

      const sent = fake.requests.length;
      await assert.rejects(ask(g), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'budget_exceeded');
        assert.match(err.message, /Daily budget would be exceeded: \$0\.40 spent today of the \$0\.50 limit.*allowOverBudget/);
        return true;
      });
      assert.equal(fake.requests.length, sent, 'a blocked request is not sent');

      const over = await ask(g, { allowOverBudget: true });
      assert.equal(over.cost.total, 0.2);
      const state = await g.budgetState();
      assert.equal(state.state, 'blocked');
      assert.ok(Math.abs(state.spend - 0.6) < 1e-9);
      await assert.rejects(ask(g), /Daily budget reached/);

      g.updateSettings(priced({ 'budget.daily': 10 }));
      assert.equal((await ask(g)).cacheHit, false);
      assert.equal((await g.budgetState()).state, 'ok');
      const records = await logged(g);
      assert.equal(records.length, 4, 'blocked requests are not logged');
    } finally {
      fake.setDefaultReply({});
    }
  });
});

describe('records of requests back to back', () => {
  test('a request sent the moment another ended is checked against a budget that counts it', async () => {
    fake.setDefaultReply({ usage: { input: 100, output: 100 } });
    try {
      const g = gateway(await dataDir(), { prices: { [MODEL]: { input: 1000, output: 1000 } }, 'budget.daily': 0.3 });
      const ask = () => g.complete({ model: MODEL, maxTokens: 100, messages: [{ role: 'user', content: 'back to back' }] });
      assert.equal((await ask()).cost.total, 0.2);
      await assert.rejects(ask(), (err: Error & { code?: string }) => err.code === 'budget_exceeded' && /\$0\.20 spent today/.test(err.message));
    } finally {
      fake.setDefaultReply({});
    }
  });

  test('records reach the log file a moment after their requests, with nobody asking, in order', async () => {
    const dir = await dataDir();
    const g = gateway(dir, { 'logging.level': 'full' });
    for (const word of ['first', 'second', 'third']) await g.complete({ model: MODEL, messages: [{ role: 'user', content: word }] });
    const lines = async () => rawFiles(join(dir, 'logs')).flatMap((f) => f.text.split('\n').filter(Boolean));
    for (let waited = 0; (await lines()).length < 3 && waited < 3000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const records = (await lines()).map((line) => JSON.parse(line) as RequestRecord);
    assert.equal(records.length, 3);
    assert.deepEqual(records.map((r) => r.status), ['ok', 'ok', 'ok']);
    assert.deepEqual(records.map((r) => r.request?.messages[0]?.content), ['first', 'second', 'third']);
  });
});

describe('cancelled and failed streams', () => {
  test('an aborted stream is counted, with its usage estimated', async () => {
    const dir = await dataDir();
    const g = gateway(dir);
    fake.enqueueReply({ text: 'word '.repeat(200), chunkSize: 10, chunkDelayMs: 20 });
    const controller = new AbortController();
    const events = await collect(g.stream({ model: MODEL, messages: [{ role: 'user', content: 'write a lot' }] }, { signal: controller.signal }), 3, controller);
    const end = events.at(-1);
    assert.equal(end?.type, 'error');
    const [record] = await logged(g);
    assert.equal(record.status, 'cancelled');
    assert.equal(record.usage.estimated, true);
    assert.ok(record.usage.inputTokens > 0);
    assert.ok(record.usage.outputTokens > 0 && record.usage.outputTokens < 100, `output ${record.usage.outputTokens}`);
    assert.ok(record.cost > 0);
    assert.equal(record.attempts.at(-1)?.outcome, 'cancelled');
    const totals = await g.totals();
    assert.equal(totals.today.requests, 1);
    assert.equal(totals.today.errors, 1);
    assert.equal(totals.today.estimatedRequests, 1);
    assert.equal(totals.today.costUsd, record.cost);
  });

  test('a caller that stops reading mid-stream is counted as cancelled, estimated', async () => {
    const dir = await dataDir();
    const g = gateway(dir);
    fake.enqueueReply({ text: 'token '.repeat(100), chunkSize: 6, chunkDelayMs: 10 });
    await collect(g.stream({ model: MODEL, messages: [{ role: 'user', content: 'go on' }] }), 2);
    const [record] = await logged(g);
    assert.equal(record.status, 'cancelled');
    assert.equal(record.usage.estimated, true);
    assert.ok(record.cost > 0);
  });

  test('a stream broken by the upstream is billed for what it sent; an HTTP error is not', async () => {
    const dir = await dataDir();
    const g = gateway(dir);
    // Paced chunks, so that text reaches the caller before the connection drops.
    fake.setDefaultReply({ chunkSize: 4, chunkDelayMs: 15 });
    fake.enqueue({ kind: 'drop-mid-stream', afterChunks: 3 });
    const events = await collect(g.stream({ model: MODEL, messages: [{ role: 'user', content: 'break please' }] })).finally(() => fake.setDefaultReply({}));
    const end = events.at(-1);
    assert.ok(end?.type === 'error' && end.partialText.length > 0, JSON.stringify(end));
    fake.enqueue({ kind: 'status', status: 500 });
    await assert.rejects(g.complete({ model: MODEL, messages: [{ role: 'user', content: 'fail' }] }));
    const [broken, failed] = await logged(g);
    assert.equal(broken.status, 'error');
    assert.equal(broken.usage.estimated, true);
    assert.ok(broken.cost > 0);
    assert.equal(failed.status, 'error');
    assert.equal(failed.cost, 0);
    assert.equal(failed.usage.inputTokens, 0);
    assert.equal(failed.attempts[0].status, 500);
  });
});

describe('persistence and damage', () => {
  test('totals survive a new Gateway on the same data folder', async () => {
    const dir = await dataDir();
    const first = gateway(dir);
    const a = await first.complete({ model: MODEL, messages: [{ role: 'user', content: 'one' }] });
    const b = await first.complete({ model: MODEL, messages: [{ role: 'user', content: 'two' }] });
    await first.close();

    const second = gateway(dir);
    const totals = await second.totals();
    assert.equal(totals.session.requests, 0);
    assert.equal(totals.today.requests, 2);
    assert.equal(totals.month.requests, 2);
    assert.equal(totals.byModel[MODEL].requests, 2);
    assert.equal(totals.byProvider.openai.requests, 2);
    assert.equal(totals.workspace?.requests, 2);
    assert.ok(Math.abs(totals.today.costUsd - (a.cost.total + b.cost.total)) < 1e-12);
    second.resetSessionCost();
    await second.complete({ model: MODEL, messages: [{ role: 'user', content: 'three' }] });
    assert.equal((await second.totals()).today.requests, 3);
  });

  test('a corrupt log and totals file give clear warnings, and requests and queries keep working', async () => {
    const dir = await dataDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true });
    const old = (id: string): string =>
      JSON.stringify({
        id,
        time: new Date(Date.now() - 60_000).toISOString(),
        requestedModel: MODEL,
        model: MODEL,
        provider: 'openai',
        attempts: [],
        status: 'ok',
        latencyMs: 10,
        usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
        cost: 0.5,
        priced: true,
        cacheHit: false,
        source: 'cli',
      });
    const file = join(logs, `requests-${new Date().toISOString().slice(0, 10)}-000.jsonl`);
    writeFileSync(file, `${old('a')}\nthis line is not a record\n${old('b')}\n{"id":"torn`);
    writeFileSync(join(dir, 'usage-totals.json'), '{ not json');

    const warnings: AccountingWarning[] = [];
    const g = gateway(dir, {}, warnings);
    const result = await g.complete({ model: MODEL, messages: [{ role: 'user', content: 'still working?' }] });
    assert.equal(result.text.includes('still working?'), true);
    const records = await logged(g);
    assert.deepEqual(records.map((r) => r.id).slice(0, 2), ['a', 'b']);
    assert.equal(records.length, 3);

    const messages = warnings.map((w) => w.message).join('\n');
    assert.match(messages, /usage totals file .* was corrupt; rebuilt it from the request log/);
    assert.match(messages, /Skipped \d unreadable lines? in the request log: requests-.*line 2 \(not valid JSON\)/);
    assert.match(messages, /Repaired the request log .*incomplete last line/);
    const totals = await g.totals();
    assert.equal(totals.today.requests, 3, 'rebuilt from the two good lines, plus the new request');
  });

  test('a log that cannot be written warns once and the requests go on', async () => {
    const dir = await dataDir();
    writeFileSync(join(dir, 'logs'), 'a file where the log folder should be');
    const warnings: AccountingWarning[] = [];
    const g = gateway(dir, {}, warnings);
    for (let i = 0; i < 3; i++) await g.complete({ model: MODEL, messages: [{ role: 'user', content: `n${i}` }] });
    await g.flushAccounting();
    const logWarnings = warnings.filter((w) => w.source === 'log' && /Request log not written/.test(w.message));
    assert.equal(logWarnings.length, 1, JSON.stringify(warnings));
    assert.equal((await g.totals()).today.requests, 3);
  });
});

describe('estimates and telemetry', () => {
  test('estimateCost prices a request on its model and across the catalog, cheapest first', async () => {
    const g = gateway(undefined);
    const estimate = await g.estimateCost({ model: MODEL, maxTokens: 200, messages: [{ role: 'user', content: 'How much would this cost?' }] });
    assert.equal(estimate.model.model, MODEL);
    assert.ok(estimate.model.inputTokens > 5);
    assert.equal(estimate.model.outputTokens, 200);
    assert.ok(estimate.model.cost.total > 0);
    assert.ok(estimate.across.length > 20);
    const priced = estimate.across.filter((e) => e.cost.priced).map((e) => e.cost.total);
    assert.deepEqual(priced, [...priced].sort((a, b) => a - b));
  });

  test('telemetry.otlpEndpoint exports a span per request', async () => {
    const bodies: { path: string; body: string }[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        bodies.push({ path: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const g = gateway(undefined, { 'telemetry.otlpEndpoint': endpoint });
      await g.complete({ model: MODEL, messages: [{ role: 'user', content: `traced ${KEY}` }] });
      await g.flushAccounting();
      const traces = bodies.find((b) => b.path === '/v1/traces');
      assert.ok(traces, `exports: ${bodies.map((b) => b.path)}`);
      assert.match(traces.body, /"chat gpt-5-mini"/);
      assert.ok(!bodies.some((b) => b.body.includes(KEY)));
      await g.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
