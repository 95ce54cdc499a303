/**
 * The paired comparison behind bench/core-ab.mjs: the same request made directly and through two builds of the
 * core, interleaved in blocks of 50 in one process, so that the machine's drift hits all three alike.
 *   <node> ab-runner.cjs <base bundle> <head bundle> <stream|json> <fake|stub> <warmup> <requests> <text length>
 */
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import type { Gateway } from '../../src/core/gateway';
import type { ProviderAdapter } from '../../src/core/providers/types';
import { startFakeUpstream } from './fake-upstream';
import { summarize, us } from './stats';
import { stubAdapter } from './stub-adapter';
import { AttemptSignal } from '../../src/core/routing/attempt-signal';

interface CoreBundle {
  Gateway: new (options: Record<string, unknown>) => Gateway;
  parseSettings(raw: Record<string, unknown>): { settings: unknown };
  envKeySource(env: Record<string, string>): unknown;
}

const BLOCK = 50;
const MODEL = 'openai/gpt-5-mini';
const messages = [{ role: 'user' as const, content: 'Say something short.' }];

type Path = [name: string, call: () => Promise<void>];

async function main(): Promise<void> {
  const [baseBundle, headBundle, mode, upstreamKind, warmupArg, requestsArg, textLength] = process.argv.slice(2);
  const streaming = mode === 'stream';
  const warmup = Number(warmupArg);
  const requests = Number(requestsArg);
  const load = createRequire(__filename);
  const cores = { base: load(baseBundle!) as CoreBundle, head: load(headBundle!) as CoreBundle };

  let stop = () => undefined as void;
  let env: Record<string, string> = { OPENAI_API_KEY: 'bench-key' };
  let adapter: ProviderAdapter | undefined;
  let direct: Path;
  if (upstreamKind === 'stub') {
    const stub = stubAdapter();
    adapter = stub;
    const call = {} as Parameters<ProviderAdapter['stream']>[0];
    direct = streaming
      ? ['direct', async () => { for await (const event of stub.stream(call, { signal: new AttemptSignal() })) void event; }]
      : ['direct', async () => void (await stub.complete(call, { signal: new AttemptSignal() }))];
  } else {
    const upstream = await startFakeUpstream(['--text-length', textLength ?? '200']);
    stop = upstream.stop;
    env = { ...env, SWITCHBOARD_OPENAI_BASE_URL: upstream.baseURL };
    const sdk = new OpenAI({ apiKey: 'bench-key', baseURL: upstream.baseURL, maxRetries: 0 });
    direct = streaming
      ? ['direct', async () => {
          const stream = await sdk.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64, stream: true, stream_options: { include_usage: true } });
          for await (const chunk of stream) void chunk;
        }]
      : ['direct', async () => void (await sdk.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 }))];
  }

  const through = (name: string, core: CoreBundle): Path => {
    const gateway = new core.Gateway({
      settings: core.parseSettings({ 'logging.level': 'off' }).settings,
      keys: core.envKeySource(env),
      env,
      ...(adapter && { adapters: { openai: adapter } }),
    });
    return streaming
      ? [name, async () => {
          for await (const event of gateway.stream({ model: MODEL, messages, maxTokens: 64 })) if (event.type === 'error') throw event.error;
        }]
      : [name, async () => void (await gateway.complete({ model: MODEL, messages, maxTokens: 64 }))];
  };
  const paths = [direct, through('base', cores.base), through('head', cores.head)];

  const samples = new Map<string, number[]>(paths.map(([name]) => [name, []]));
  const blockMedians = new Map<string, number[]>(paths.map(([name]) => [name, []]));
  for (let done = 0, block = 0; done < warmup + requests; done += BLOCK, block++) {
    // Each path goes first, second and last in turn, in both directions.
    const order = [0, 1, 2].map((i) => paths[(i + block) % 3]!);
    if (block % 2) order.reverse();
    for (const [name, call] of order) {
      const times: number[] = [];
      for (let i = 0; i < BLOCK; i++) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      if (done < warmup) continue;
      samples.get(name)!.push(...times);
      blockMedians.get(name)!.push(summarize(times).p50);
    }
  }
  stop();

  const directP50 = summarize(samples.get('direct')!).p50;
  const directBlocks = blockMedians.get('direct')!;
  const upstreamName = upstreamKind === 'stub' ? 'in-process stub' : `fake upstream, ${textLength} characters per answer`;
  console.log(`${streaming ? 'streaming' : 'non-streaming'}, ${upstreamName}, ${process.version}, ${requests} requests per path after ${warmup} warm-up`);
  console.log('| path | p50 | added at p50 | added, median of per-block differences |');
  console.log('|---|---|---|---|');
  for (const [name] of paths) {
    const p50 = summarize(samples.get(name)!).p50;
    const paired = summarize(blockMedians.get(name)!.map((median, i) => median - directBlocks[i]!)).p50;
    console.log(`| ${name} | ${us(p50)} | ${name === 'direct' ? '–' : us(p50 - directP50)} | ${name === 'direct' ? '–' : us(paired)} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
