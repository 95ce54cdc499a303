import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { runCliCapturing } from '../support/run-cli';

let fake: FakeUpstream;
let env: Record<string, string>;
const cwd = mkdtempSync(join(tmpdir(), 'switchboard-cli-'));

const cli = (argv: string[], options: { env?: Record<string, string | undefined>; stdin?: string; cwd?: string } = {}) =>
  runCliCapturing(argv, { cwd: options.cwd ?? cwd, env: { ...env, ...options.env }, stdin: options.stdin });

before(async () => {
  fake = await startFakeUpstream({ expectedKey: 'test-key' });
  env = {
    OPENAI_API_KEY: 'test-key',
    ANTHROPIC_API_KEY: 'test-key',
    GROQ_API_KEY: 'test-key',
    SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`,
    SWITCHBOARD_ANTHROPIC_BASE_URL: fake.url,
    SWITCHBOARD_GROQ_BASE_URL: `${fake.url}/openai/v1`,
    SWITCHBOARD_DATA_DIR: join(cwd, 'data'),
  };
});

after(() => fake.close());

const lastRequest = () => fake.requests.filter((r) => r.method === 'POST').at(-1)!;

describe('switchboard ask', () => {
  for (const model of ['openai/gpt-5-mini', 'anthropic/claude-sonnet-4-6', 'groq/llama-3.3-70b-versatile']) {
    test(`streams ${model} to stdout and prints a summary line to stderr`, async () => {
      const run = await cli(['ask', '--model', model, 'hello there']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `Hello from ${model.split('/').slice(1).join('/')}: hello there\n`);
      assert.match(run.stderr, new RegExp(`^${model} · [\\d.]+ m?s · ttft [\\d.]+ m?s · \\d+ in / \\d+ out tokens · \\$0\\.\\d+\\n$`));
      assert.equal(lastRequest().body.stream, true);
    });

    test(`--no-stream --json for ${model} sends a non-streaming request and prints one object`, async () => {
      const run = await cli(['ask', '--no-stream', '--json', '--model', model, '--max-tokens', '50', 'hi']);
      assert.equal(run.code, 0, run.stderr);
      const body = JSON.parse(run.stdout);
      assert.equal(body.model, model);
      assert.equal(body.provider, model.split('/')[0]);
      assert.equal(body.text, `Hello from ${model.split('/').slice(1).join('/')}: hi`);
      assert.ok(body.usage.outputTokens > 0);
      assert.equal(typeof body.cost, 'number');
      assert.ok(body.cost > 0);
      assert.ok(body.latencyMs >= body.ttftMs && body.ttftMs > 0);
      assert.equal(body.attempts.length, 1);
      assert.equal(body.attempts[0].outcome, 'ok');
      const sent = lastRequest().body;
      assert.ok(!sent.stream, 'the upstream request is not streaming');
      assert.equal(sent.max_tokens ?? sent.max_completion_tokens, 50);
    });
  }

  test('reads the prompt from stdin and passes --system and --temperature', async () => {
    const run = await cli(['ask', '--model', 'groq/llama-3.3-70b-versatile', '--system', 'Be brief.', '--temperature', '0.3'], {
      stdin: 'from stdin\n',
    });
    assert.equal(run.code, 0, run.stderr);
    const sent = lastRequest().body;
    assert.deepEqual(sent.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'from stdin\n' },
    ]);
    assert.equal(sent.temperature, 0.3);
  });

  test('defaults to switchboard.model from ./.vscode/settings.json, and --config overrides it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'switchboard-ws-'));
    mkdirSync(join(folder, '.vscode'));
    writeFileSync(join(folder, '.vscode', 'settings.json'), '{\n  // a comment, as VS Code allows\n  "switchboard.model": "groq/llama-3.3-70b-versatile",\n}\n');
    let run = await cli(['ask', '--json', 'hi'], { cwd: folder });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).model, 'groq/llama-3.3-70b-versatile');

    const config = join(folder, 'other.json');
    writeFileSync(config, JSON.stringify({ 'switchboard.model': 'fast', 'switchboard.aliases': { fast: 'openai/gpt-5-mini' } }));
    run = await cli(['ask', '--json', '--config', config, 'hi'], { cwd: folder });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).model, 'openai/gpt-5-mini');
  });

  test('an unknown model exits 2 and names the closest catalog ids', async () => {
    const run = await cli(['ask', '--model', 'openai/gpt5-mini', 'hi']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Unknown model "openai\/gpt5-mini"\. Did you mean "openai\/gpt-5-mini"/);
  });

  test('a missing key exits 2 and names the env var', async () => {
    const run = await cli(['ask', '--model', 'groq/llama-3.3-70b-versatile', 'hi'], { env: { GROQ_API_KEY: undefined } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No API key for Groq\. Set the environment variable GROQ_API_KEY/);
  });

  test('an upstream rejection exits 1 and names the provider, the status and what to do', async () => {
    const run = await cli(['ask', '--model', 'openai/gpt-5-mini', 'hi'], { env: { OPENAI_API_KEY: 'wrong-key' } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /OpenAI/);
    assert.match(run.stderr, /401/);
    assert.match(run.stderr, /OPENAI_API_KEY/);
  });

  test('a model its provider has retired: the refusal says since when, and what to switch to', async () => {
    fake.enqueue({ kind: 'status', status: 404, message: 'model: claude-sonnet-4-5' });
    const run = await cli(['ask', '--no-stream', '--model', 'anthropic/claude-sonnet-4-5', 'hi']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Anthropic returned 404: model: claude-sonnet-4-5\. Anthropic retired anthropic\/claude-sonnet-4-5 on 2026-11-30: switch to anthropic\/claude-sonnet-4-6/);
    fake.enqueue({ kind: 'status', status: 404, message: 'model: claude-haiku-4-5' });
    const live = await cli(['ask', '--no-stream', '--model', 'anthropic/claude-haiku-4-5', 'hi']);
    assert.equal(live.code, 1);
    assert.match(live.stderr, /Check the model name "claude-haiku-4-5"/);
    assert.doesNotMatch(live.stderr, /retired/);
  });

  test('a retired model that still answers: the answer, then one warning with what to switch to', async () => {
    const run = await cli(['ask', '--model', 'anthropic/claude-sonnet-4-5', 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'Hello from claude-sonnet-4-5: hi\n');
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('switchboard: warning:'));
    assert.deepEqual(warnings, ['switchboard: warning: anthropic/claude-sonnet-4-5 was retired on 2026-11-30: switch to anthropic/claude-sonnet-4-6.']);
    assert.match(run.stderr, /^anthropic\/claude-sonnet-4-5 · /m);
  });

  test('malformed upstream JSON exits 1 with a clear message', async () => {
    fake.enqueue({ kind: 'invalid-json' }, { kind: 'invalid-json' }, { kind: 'invalid-json' }, { kind: 'invalid-json' });
    const run = await cli(['ask', '--no-stream', '--model', 'openai/gpt-5-mini', 'hi'], { env: { SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1` } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /malformed/i);
  });

  test('bad usage exits 2: unknown flag, non-numeric --max-tokens, no prompt, unreadable --config', async () => {
    assert.equal((await cli(['ask', '--bogus', 'hi'])).code, 2);
    const nan = await cli(['ask', '--max-tokens', 'many', 'hi']);
    assert.equal(nan.code, 2);
    assert.match(nan.stderr, /--max-tokens takes a number/);
    const empty = await cli(['ask']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /No prompt/);
    const missing = await cli(['ask', '--config', 'nope.json', 'hi']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read the config file/);
    const broken = join(cwd, 'broken.json');
    writeFileSync(broken, '{ "switchboard.model": ');
    const invalid = await cli(['ask', '--config', broken, 'hi']);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /not valid JSON/);
  });

  test('an invalid setting is a warning that names it, and the default stays in force', async () => {
    const config = join(cwd, 'invalid-setting.json');
    writeFileSync(config, JSON.stringify({ 'switchboard.model': 'openai/gpt-5-mini', 'switchboard.temperature': 9 }));
    const run = await cli(['ask', '--json', '--config', config, 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: Invalid value for switchboard\.temperature/);
    assert.equal(lastRequest().body.temperature, undefined);
  });

  test('a request whose record cannot be written still answers, and says on stderr that it was not logged', async () => {
    const file = join(cwd, 'not-a-folder');
    writeFileSync(file, '');
    const run = await cli(['ask', '--model', 'openai/gpt-5-mini', 'hi'], { env: { SWITCHBOARD_DATA_DIR: join(file, 'data') } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Hello from gpt-5-mini/);
    assert.match(run.stderr, /^switchboard: warning: Request log not written: ENOTDIR: .*not-a-folder\/data\/logs.*; requests continue\.$/m);
  });

  test('a routing setting the gateway cannot apply, or a provider override for no provider, is a warning too, and the request goes on', async () => {
    const config = join(cwd, 'invalid-routing.json');
    writeFileSync(
      config,
      JSON.stringify({
        'switchboard.model': 'openai/gpt-5-mini',
        'switchboard.fallbacks': { 'openai/gpt-5-mini': ['openai/no-such-model'] },
        'switchboard.retry': { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 100 },
        'switchboard.providers': { opneai: { baseURL: 'http://127.0.0.1:9/v1' } },
      }),
    );
    const run = await cli(['ask', '--config', config, 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /warning: switchboard\.providers has overrides for "opneai", which is not a provider, so they apply to nothing\. Did you mean "openai"\?/);
    assert.match(run.stderr, /warning: Invalid value for switchboard\.fallbacks: not in the catalog: openai\/no-such-model\. Using the default \{\}/);
    assert.match(run.stderr, /warning: Invalid value for switchboard\.retry: maxDelayMs \(100\) is below baseDelayMs \(500\)/);
    assert.match(run.stdout, /Hello from gpt-5-mini/);
  });
});

describe('switchboard log and cost after ask', () => {
  test('a CLI request is in the request log and the totals once the command has returned', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-cli-data-'));
    const ask = await cli(['ask', '--model', 'openai/gpt-5-mini', 'count me'], { env: { SWITCHBOARD_DATA_DIR: dataDir } });
    assert.equal(ask.code, 0, ask.stderr);
    const log = await cli(['log', '--json'], { env: { SWITCHBOARD_DATA_DIR: dataDir } });
    const records = log.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(records.length, 1);
    assert.equal(records[0].model, 'openai/gpt-5-mini');
    assert.equal(records[0].source, 'cli');
    const cost = JSON.parse((await cli(['cost', '--json'], { env: { SWITCHBOARD_DATA_DIR: dataDir } })).stdout);
    assert.equal(cost.today.requests, 1);
    assert.ok(cost.today.costUsd > 0);
  });
});

describe('switchboard estimate', () => {
  test('prices a prompt on the chosen model and across the catalog, cheapest first, without sending it', async () => {
    const sentBefore = fake.requests.length;
    const run = await cli(['estimate', '--json', '--model', 'openai/gpt-5-mini', '--output-tokens', '100', 'Explain the CAP theorem.']);
    assert.equal(run.code, 0, run.stderr);
    const estimate = JSON.parse(run.stdout);
    assert.equal(estimate.model.model, 'openai/gpt-5-mini');
    assert.equal(estimate.model.outputTokens, 100);
    assert.ok(estimate.model.inputTokens > 3 && estimate.model.inputTokens < 20, `${estimate.model.inputTokens} tokens`);
    const models = (await cli(['models', '--json'])).stdout;
    const price = (JSON.parse(models) as { id: string; price: { input: number; output: number } }[]).find((e) => e.id === 'openai/gpt-5-mini')!.price;
    const byHand = (estimate.model.inputTokens * price.input + 100 * price.output) / 1_000_000;
    assert.ok(Math.abs(estimate.model.cost.total - byHand) < 1e-12, `${estimate.model.cost.total} vs ${byHand}`);
    const priced = estimate.across.filter((e: { cost: { priced: boolean } }) => e.cost.priced);
    assert.ok(priced.length >= 70);
    for (let i = 1; i < priced.length; i++) assert.ok(priced[i - 1].cost.total <= priced[i].cost.total);
    assert.equal(fake.requests.length, sentBefore, 'nothing was sent upstream');
  });

  test('the table names the chosen model and the cheapest ones', async () => {
    const run = await cli(['estimate', '--top', '3', 'hi']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^openai\/gpt-5-mini: about \$0\.\d+ for \d+ input and 500 assumed output tokens/);
    assert.match(run.stdout, /Cheapest 3 of \d+ catalog models:\nMODEL\s+INPUT\s+OUTPUT\s+ESTIMATE\n(.+\n){3}$/);
  });
});

describe('switchboard models', () => {
  test('--json lists at least 70 entries from at least 12 providers with ids, context windows and prices', async () => {
    const run = await cli(['models', '--json'], { env: { SWITCHBOARD_OLLAMA_BASE_URL: `${fake.url}/v1` } });
    assert.equal(run.code, 0, run.stderr);
    const entries = JSON.parse(run.stdout) as { id: string; provider: string; contextWindow: number; price?: { input: number } }[];
    assert.ok(entries.length >= 70);
    assert.ok(new Set(entries.map((e) => e.provider)).size >= 12);
    for (const e of entries) {
      assert.match(e.id, /^[a-z0-9-]+\/.+/);
      assert.ok(e.contextWindow > 0, e.id);
    }
    assert.equal(entries.find((e) => e.id === 'openai/gpt-5-mini')?.price?.input !== undefined, true);
    assert.ok(entries.some((e) => e.provider === 'ollama'), 'local Ollama models join the catalog');
  });

  test('the table shows a row per model', async () => {
    const run = await cli(['models']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^MODEL\s+CONTEXT\s+INPUT\/1M\s+OUTPUT\/1M/);
    assert.match(run.stdout, /\nanthropic\/claude-sonnet-4-5\s+.*\s+retired on 2026-11-30; use anthropic\/claude-sonnet-4-6\n/);
    assert.match(run.stdout, /\nanthropic\/claude-sonnet-4-6\s+[^\n]*[a-z]\n/, 'a model in service has no note');
  });
});
