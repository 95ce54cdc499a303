/**
 * Chaos through the real Gateway, the real SDKs and two loopback fakes (one OpenAI, one Anthropic).
 *
 * The file runs twice: under the test runner it only spawns itself as a child process (SWITCHBOARD_CHAOS_CHILD=1)
 * and asserts that the child passes and then exits by itself, which it cannot do with a leaked socket or timer.
 * In the child, the scenarios below run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSettings } from '../../src/core/config/settings';
import { UpstreamError } from '../../src/core/errors';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import type { AttemptRecord, GatewayResult } from '../../src/core/types';
import { startFakeUpstream, type Fault, type FakeUpstream } from '../fakes/upstream';

const CHILD_FLAG = 'SWITCHBOARD_CHAOS_CHILD';
const CHILD_LIMIT_MS = 90_000;

if (process.env[CHILD_FLAG] !== '1') {
  test('chaos scenarios pass in a child process that then exits by itself', async (t) => {
    // Without NODE_TEST_CONTEXT the child reports in plain TAP instead of the runner's private protocol.
    const { NODE_TEST_CONTEXT: _runnerContext, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'chaos.test.ts')], {
      env: { ...env, [CHILD_FLAG]: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = performance.now();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const clock = new AbortController();
    const limit = sleep(CHILD_LIMIT_MS, 'still running' as const, { signal: clock.signal }).catch(() => undefined);
    const code = await Promise.race([exited, limit]);
    clock.abort();
    if (code === 'still running') {
      child.kill('SIGKILL');
      assert.fail(`The chaos child did not exit within ${CHILD_LIMIT_MS} ms (a leaked socket or timer?):\n${output}`);
    }
    for (const line of output.split('\n').filter((l) => l.startsWith('# chaos'))) t.diagnostic(line.slice(2));
    t.diagnostic(`child exited by itself after ${Math.round(performance.now() - started)} ms`);
    assert.equal(code, 0, output);
  });
} else {
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));

  const keys = envKeySource({ OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' });
  let openai: FakeUpstream;
  let anthropic: FakeUpstream;
  let env: Record<string, string>;

  const settingsFor = (raw: Record<string, unknown>) => {
    const { settings, warnings } = parseSettings(raw);
    assert.deepEqual(warnings, []);
    return settings;
  };
  const gatewayFor = (raw: Record<string, unknown>) => {
    const gateway = new Gateway({ settings: settingsFor(raw), keys, env });
    assert.deepEqual(gateway.warnings, []);
    return gateway;
  };
  const totalRequests = () => openai.requests.length + anthropic.requests.length;

  before(async () => {
    [openai, anthropic] = await Promise.all([startFakeUpstream({ expectedKey: 'k' }), startFakeUpstream({ expectedKey: 'k' })]);
    env = { SWITCHBOARD_OPENAI_BASE_URL: `${openai.url}/v1`, SWITCHBOARD_ANTHROPIC_BASE_URL: anthropic.url };
  });
  after(async () => {
    await Promise.all([openai.close(), anthropic.close()]);
  });

  const CHAOS_FAULTS: Fault[] = [
    { kind: 'status', status: 500 },
    { kind: 'status', status: 429, retryAfterMs: 20 },
    { kind: 'status', status: 529 },
    { kind: 'reset' },
    { kind: 'hang' },
    { kind: 'drop-mid-stream', afterChunks: 0 },
    { kind: 'drop-mid-stream', afterChunks: 2 },
    { kind: 'invalid-json' },
  ];

  /** Two fallback chains, each alternating between the two providers (and fakes). */
  const CHAINS: Record<string, string[]> = {
    'anthropic/claude-sonnet-5': ['openai/gpt-5-mini', 'anthropic/claude-haiku-4-5'],
    'openai/gpt-5': ['anthropic/claude-haiku-4-5', 'openai/gpt-5-mini'],
  };
  const PRIMARIES = Object.keys(CHAINS);
  const MAX_ATTEMPTS = 4;
  const CONCURRENCY = 16;

  interface Outcome {
    prompt: string;
    streaming: boolean;
    result?: GatewayResult;
    error?: Error;
    partialText: string;
    text: string;
    terminalEvents: number;
    attempts: AttemptRecord[];
  }

  const expectedText = (modelId: string, prompt: string) => `Hello from ${modelId.slice(modelId.indexOf('/') + 1)}: ${prompt}`;

  test('1,000 requests with 30% random faults on both providers are all answered, with bounded retries', async () => {
    const gateway = gatewayFor({
      fallbacks: CHAINS,
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 5, maxDelayMs: 50 },
      // Generous enough that a loaded machine does not time out healthy answers; a hang still costs one second.
      timeouts: { firstByteMs: 1000, idleMs: 1000, totalMs: 20_000 },
      breaker: { failureThreshold: 20, cooldownMs: 100 },
    });
    // Load both SDKs before the clock matters: the first-byte timeout counts from the start of each attempt.
    for (const model of PRIMARIES) await gateway.complete({ model, messages: [{ role: 'user', content: 'warm up' }] });
    const before = totalRequests();
    openai.setChaos({ rate: 0.3, faults: CHAOS_FAULTS, seed: 7 });
    anthropic.setChaos({ rate: 0.3, faults: CHAOS_FAULTS, seed: 11 });

    const run = async (i: number): Promise<Outcome> => {
      const prompt = `request number ${i}, long enough for several chunks`;
      const streaming = i % 2 === 0;
      const input = { model: PRIMARIES[Math.floor(i / 2) % 2]!, messages: [{ role: 'user' as const, content: prompt }] };
      const outcome: Outcome = { prompt, streaming, partialText: '', text: '', terminalEvents: 0, attempts: [] };
      if (!streaming) {
        try {
          outcome.result = await gateway.complete(input);
          outcome.attempts = outcome.result.attempts;
        } catch (err) {
          outcome.error = err as Error;
        }
        return outcome;
      }
      for await (const event of gateway.stream(input)) {
        if (event.type === 'text') outcome.text += event.delta;
        if (event.type === 'attempt') outcome.attempts.push(event.attempt);
        if (event.type === 'done') outcome.result = event.result;
        if (event.type === 'error') [outcome.error, outcome.partialText] = [event.error, event.partialText];
        if (event.type === 'done' || event.type === 'error') outcome.terminalEvents += 1;
      }
      return outcome;
    };

    const started = performance.now();
    const outcomes: Outcome[] = new Array(1000);
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < outcomes.length) {
          const i = next++;
          outcomes[i] = await run(i);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    openai.setChaos(null);
    anthropic.setChaos(null);

    let answered = 0;
    let fellBack = 0;
    let brokenStreams = 0;
    let sentAttempts = 0;
    let retried = 0;
    for (const o of outcomes) {
      if (o.streaming) assert.equal(o.terminalEvents, 1, 'a stream ends with exactly one done or error');
      assert.ok(o.attempts.length <= 3 * MAX_ATTEMPTS);
      sentAttempts += o.attempts.filter((a) => a.outcome !== 'skipped').length;
      if (o.result) {
        answered += 1;
        const { result } = o;
        assert.equal(result.text, expectedText(result.model, o.prompt));
        if (o.streaming) assert.equal(o.text, result.text, 'streamed deltas add up to the answer, nothing repeated');
        const last = result.attempts.at(-1)!;
        assert.deepEqual([last.outcome, last.model], ['ok', result.model]);
        assert.ok([result.requestedModel, ...CHAINS[result.requestedModel]!].includes(result.model));
        if (result.model !== result.requestedModel) fellBack += 1;
        if (result.attempts.length > 1) retried += 1;
        continue;
      }
      // The only failure allowed: a stream that broke after text reached the caller, which must not be repeated.
      const error = o.error as UpstreamError;
      assert.equal(error.code, 'stream_broken', `request "${o.prompt}" failed: ${error.message}`);
      assert.ok(o.streaming && o.partialText.length > 0 && o.partialText === o.text);
      assert.equal(error.partialText, o.partialText);
      const broken = error.model;
      assert.ok(expectedText(broken, o.prompt).startsWith(o.partialText), 'the partial text is a prefix of the answer');
      brokenStreams += 1;
    }
    assert.equal(answered + brokenStreams, 1000);
    assert.ok(answered >= 950, `${answered} answered`);
    assert.ok(fellBack > 0, 'some requests were answered by the fallback');
    assert.ok(retried > 200, `${retried} requests needed more than one attempt`);
    const upstreamRequests = totalRequests() - before;
    assert.ok(upstreamRequests <= sentAttempts, `${upstreamRequests} upstream requests for ${sentAttempts} recorded attempts`);
    assert.ok(upstreamRequests < 1000 * 1.8, 'retries stay bounded');
    assert.ok(elapsedMs < 60_000, `the chaos run took ${elapsedMs} ms`);
    console.log(
      `# chaos: 1000 requests in ${Math.round(elapsedMs)} ms; ${answered} answered (${fellBack} by the fallback, ${retried} after a retry), ` +
        `${brokenStreams} streams broke after text (not repeated); ${upstreamRequests} upstream requests`,
    );
  });

  test('with every provider down, once the breakers are open requests fail fast without reaching upstream', async () => {
    const gateway = gatewayFor({
      fallbacks: { 'anthropic/claude-sonnet-5': ['openai/gpt-5-mini'] },
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      breaker: { failureThreshold: 2, cooldownMs: 600 },
    });
    const request = { model: 'anthropic/claude-sonnet-5', messages: [{ role: 'user' as const, content: 'anyone there?' }] };
    const down: Fault[] = [{ kind: 'status', status: 503 }];
    openai.setChaos({ rate: 1, faults: down });
    anthropic.setChaos({ rate: 1, faults: down });

    const first = totalRequests();
    await assert.rejects(gateway.complete(request), (err: UpstreamError) => err.status === 503);
    assert.equal(totalRequests() - first, 4, 'two attempts per provider, then both circuits open');

    const whileOpen = totalRequests();
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      await assert.rejects(gateway.complete(request), (err: UpstreamError) => {
        assert.equal(err.code, 'circuit_open');
        assert.match(err.message, /Anthropic \(retried in 1 s, at .*\), OpenAI \(retried in 1 s, at /);
        assert.ok(err.retryAfterMs! > 0 && err.retryAfterMs! <= 600);
        return true;
      });
    }
    const elapsedMs = performance.now() - started;
    assert.equal(totalRequests(), whileOpen, 'no upstream request while the circuits were open');
    assert.ok(elapsedMs < 1000, `20 fast failures took ${elapsedMs} ms`);
    console.log(`# chaos: all providers down: 20 requests failed fast in ${elapsedMs.toFixed(1)} ms with no upstream request`);

    openai.setChaos(null);
    anthropic.setChaos(null);
    await sleep(650);
    const result = await gateway.complete(request);
    assert.equal(result.model, 'anthropic/claude-sonnet-5', 'after the cooldown a probe goes through and closes the circuit');
    assert.equal(totalRequests(), whileOpen + 1);
  });

  test('no unhandled promise rejection happened', () => {
    assert.deepEqual(unhandled, []);
  });
}
