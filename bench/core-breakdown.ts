/**
 * Where the core's added time goes, for the README's explanation of core-overhead's figures. Five parts, one run:
 *  1. Non-streaming requests to the loopback fake through three paths, interleaved: the SDK called directly, the
 *     OpenAI adapter called directly (the gateway's SDK client and request mapping, no core), and the gateway.
 *  2. The core alone against an in-process stub, as in core-overhead, but with the stub reading through a buffer
 *     of 0, 4 or 16 MB on each call: as the SDK's and undici's own work between the core's steps does, this
 *     evicts the core's data from the CPU caches.
 *  3. The core alone, streaming 20 chunks from the stub, with the garbage collector's time per stream.
 *  4. The core alone against the stub, each call made right after a real SDK call to the fake (which is not timed
 *     apart: both paths make it): the same code as in 2, between the SDK's and undici's work as in production.
 *  5. Streams of 1, 20 and 40 chunks through the fake: the SDK called directly, the OpenAI adapter called directly,
 *     and the gateway. What a stream costs once, and per chunk, next to the real SDK.
 *   node bench/run.mjs core-breakdown [--requests N] [--warmup N] [--parts 1,5]
 */
import OpenAI from 'openai';
import { parseArgs } from 'node:util';
import { openaiAdapter } from '../src/core/providers/openai/index';
import { startFakeUpstream } from './support/fake-upstream';
import { summarize, us } from './support/stats';
import { adapterCall, fakeGateway, stubAdapter, stubbedGateway } from './support/stub-adapter';
import { AttemptSignal } from '../src/core/routing/attempt-signal';

const { values } = parseArgs({ options: { requests: { type: 'string' }, warmup: { type: 'string' }, parts: { type: 'string' } } });
const N = Number(values.requests ?? 3000);
const WARMUP = Number(values.warmup ?? 3000);
const BLOCK = 100;
const MODEL = 'openai/gpt-5-mini';
const messages = [{ role: 'user' as const, content: 'Say something short.' }];

/** Read by nobody; it keeps the buffer reads from being optimized away. */
export let checksum = 0;

type Paths = Record<string, () => Promise<unknown>>;

/**
 * Runs the paths in blocks, rotating their order, and keeps wall and CPU time per request after the warm-up, and
 * the garbage collector's time per request (each pause counted to the block that was running when it started).
 */
async function interleave(paths: Paths, warmup: number, requests: number) {
  const names = Object.keys(paths);
  const wall = new Map(names.map((n) => [n, [] as number[]]));
  const cpu = new Map(names.map((n) => [n, [] as number[]]));
  const blocks: { name: string; from: number; to: number }[] = [];
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  for (let i = 0, round = 0; i < warmup + requests; i += BLOCK, round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length]!;
      const from = performance.now();
      for (let j = i; j < i + BLOCK; j++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await paths[name]!();
        const dt = performance.now() - t0;
        const c = process.cpuUsage(c0);
        if (j < warmup) continue;
        wall.get(name)!.push(dt);
        cpu.get(name)!.push((c.user + c.system) / 1000);
      }
      if (i >= warmup) blocks.push({ name, from, to: performance.now() });
    }
  }
  await new Promise((resolve) => setImmediate(resolve));
  observer.disconnect();
  const gc = new Map(names.map((n) => [n, 0]));
  for (const pause of pauses) {
    const block = blocks.find((b) => pause.startTime >= b.from && pause.startTime < b.to);
    if (block) gc.set(block.name, gc.get(block.name)! + pause.duration);
  }
  return new Map(names.map((n) => [n, { wall: summarize(wall.get(n)!).p50, cpu: summarize(cpu.get(n)!).p50, gc: gc.get(n)! / requests }]));
}

async function throughTheFake(): Promise<void> {
  await withFake(200, async (baseURL) => {
    const gateway = fakeGateway(baseURL);
    const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
    const call = adapterCall(gateway, baseURL, { model: MODEL, messages, maxTokens: 64 }, false);
    const figures = await interleave(
      {
        'direct SDK': () => direct.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 }),
        'adapter alone': () => openaiAdapter.complete(call, { signal: new AttemptSignal() }),
        gateway: () => gateway.complete({ model: MODEL, messages, maxTokens: 64 }),
      },
      WARMUP,
      N,
    );
    const base = figures.get('direct SDK')!;
    console.log(`\nNon-streaming through the loopback fake, ${N} requests per path after ${WARMUP} warm-up, ${process.version}:\n`);
    console.log('| path | wall p50 | added | CPU p50 | added | GC per request |\n|---|---|---|---|---|---|');
    for (const [name, f] of figures) {
      console.log(`| ${name} | ${us(f.wall)} | ${us(f.wall - base.wall)} | ${us(f.cpu)} | ${us(f.cpu - base.cpu)} | ${us(f.gc)} |`);
    }
  });
}

async function coreWithCachesDisturbed(): Promise<void> {
  console.log(`\nThe core alone against an in-process stub that reads through a buffer on each call (wall p50):\n`);
  console.log('| buffer read per call | stub called directly | through the gateway | gateway added | GC per request, stub / gateway |\n|---|---|---|---|---|');
  for (const mb of [0, 4, 16]) {
    const buffer = new Float64Array((mb * 1024 * 1024) / 8);
    // One read per 64-byte cache line.
    const stub = stubAdapter(() => {
      for (let i = 0; i < buffer.length; i += 8) checksum += buffer[i]!;
    });
    const gateway = stubbedGateway(stub);
    const figures = await interleave(
      {
        stub: () => stub.complete(undefined as never, { signal: new AttemptSignal() }),
        gateway: () => gateway.complete({ model: MODEL, messages, maxTokens: 64 }),
      },
      5000,
      Math.max(N, 2000),
    );
    const [a, b] = [figures.get('stub')!, figures.get('gateway')!];
    console.log(`| ${mb} MB | ${us(a.wall)} | ${us(b.wall)} | ${us(b.wall - a.wall)} | ${us(a.gc)} / ${us(b.gc)} |`);
  }
}

/** A stream of 20 chunks, each a turn of the event loop apart, through the core alone: time and GC per stream. */
async function streamingCoreAlone(): Promise<void> {
  const stub = stubAdapter();
  const gateway = stubbedGateway(stub);
  const figures = await interleave(
    {
      stub: async () => {
        for await (const event of stub.stream(undefined as never, { signal: new AttemptSignal() })) void event;
      },
      gateway: async () => {
        for await (const event of gateway.stream({ model: MODEL, messages, maxTokens: 64 })) if (event.type === 'error') throw event.error;
      },
    },
    5000,
    Math.max(N, 2000),
  );
  const [a, b] = [figures.get('stub')!, figures.get('gateway')!];
  console.log(`\nThe core alone, streaming 20 chunks from an in-process stub (p50 per stream):\n`);
  console.log('| path | wall | CPU | GC per stream |\n|---|---|---|---|');
  console.log(`| stub called directly | ${us(a.wall)} | ${us(a.cpu)} | ${us(a.gc)} |`);
  console.log(`| through the gateway | ${us(b.wall)} (+${us(b.wall - a.wall)}) | ${us(b.cpu)} (+${us(b.cpu - a.cpu)}) | ${us(b.gc)} (+${us(b.gc - a.gc)}) |`);
}

/** The fake upstream, answering with `textLength` characters in 10-character chunks, for the length of `use`. */
async function withFake<T>(textLength: number, use: (baseURL: string) => Promise<T>): Promise<T> {
  const { baseURL, stop } = await startFakeUpstream(['--text-length', String(textLength)]);
  try {
    return await use(baseURL);
  } finally {
    stop();
  }
}

async function coreAfterRealCalls(): Promise<void> {
  await withFake(10, async (baseURL) => {
    const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
    const sdkCall = () => direct.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 });
    const stub = stubAdapter();
    const gateway = stubbedGateway(stub);
    const figures = await interleave(
      {
        'SDK call': sdkCall,
        'SDK call, then the stub': async () => {
          await sdkCall();
          await stub.complete(undefined as never, { signal: new AttemptSignal() });
        },
        'SDK call, then the stub through the gateway': async () => {
          await sdkCall();
          await gateway.complete({ model: MODEL, messages, maxTokens: 64 });
        },
      },
      WARMUP,
      N,
    );
    const [sdk, a, b] = [...figures.values()];
    console.log(`\nThe core alone against the stub, each call right after a real SDK call to the fake (non-streaming, wall p50):\n`);
    console.log('| SDK call alone | then the stub | then the stub through the gateway | gateway added |\n|---|---|---|---|');
    console.log(`| ${us(sdk!.wall)} | ${us(a!.wall)} | ${us(b!.wall)} | ${us(b!.wall - a!.wall)} |`);
  });
}

async function streamLengths(): Promise<void> {
  console.log(`\nStreams through the fake by length, ${N} per path after ${WARMUP} warm-up (wall p50):\n`);
  console.log('| text chunks | direct SDK | adapter alone | added | gateway | added |\n|---|---|---|---|---|---|');
  for (const chunks of [1, 20, 40]) {
    await withFake(chunks * 10, async (baseURL) => {
      const direct = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
      const gateway = fakeGateway(baseURL);
      const call = adapterCall(gateway, baseURL, { model: MODEL, messages, maxTokens: 64 }, true);
      const figures = await interleave(
        {
          direct: async () => {
            const stream = await direct.chat.completions.create({
              model: 'gpt-5-mini', messages, max_completion_tokens: 64, stream: true, stream_options: { include_usage: true },
            });
            for await (const chunk of stream) void chunk;
          },
          'adapter alone': async () => {
            for await (const event of openaiAdapter.stream(call, { signal: new AttemptSignal() })) void event;
          },
          gateway: async () => {
            for await (const event of gateway.stream({ model: MODEL, messages, maxTokens: 64 })) if (event.type === 'error') throw event.error;
          },
        },
        WARMUP,
        N,
      );
      const [a, adapter, b] = [figures.get('direct')!, figures.get('adapter alone')!, figures.get('gateway')!];
      console.log(`| ${chunks} | ${us(a.wall)} | ${us(adapter.wall)} | ${us(adapter.wall - a.wall)} | ${us(b.wall)} | ${us(b.wall - a.wall)} |`);
    });
  }
}

const PARTS = [throughTheFake, coreWithCachesDisturbed, streamingCoreAlone, coreAfterRealCalls, streamLengths];

async function main(): Promise<void> {
  const chosen = values.parts ? values.parts.split(',').map(Number) : PARTS.map((_, i) => i + 1);
  for (const part of chosen) {
    const run = PARTS[part - 1];
    if (!run) throw new Error(`--parts: there is no part ${part}; the parts are 1 to ${PARTS.length}.`);
    await run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
