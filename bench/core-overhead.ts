/**
 * The gateway core's own in-process overhead per request, against the same SDK call made directly, in one run
 * against the loopback fake upstream (in its own process). Streamed and not. Also checks that chunks reach the
 * caller one by one as the upstream sends them. Then the core alone: the same requests with the OpenAI adapter
 * replaced by an in-process stub that answers after one turn of the event loop, against calling that stub
 * directly, so that neither the SDK nor the network adds its noise.
 * Requests made while V8 is still optimizing are reported apart: the first 300 of each path as "cold", and
 * measurement starts after `--warmup` requests per path.
 *   node bench/run.mjs core-overhead [--requests N] [--warmup N] [--alone-warmup N]
 */
import OpenAI from 'openai';
import { parseArgs } from 'node:util';
import { startFakeUpstream } from './support/fake-upstream';
import { summarize, us } from './support/stats';
import { fakeGateway, stubAdapter, stubbedGateway } from './support/stub-adapter';
import { AttemptSignal } from '../src/core/routing/attempt-signal';

const { values } = parseArgs({ options: { requests: { type: 'string' }, warmup: { type: 'string' }, 'alone-warmup': { type: 'string' } } });
const N = Number(values.requests ?? 3000);
const WARMUP = Number(values.warmup ?? 2000);
/** V8 takes tens of thousands of calls to finish optimizing the core's request path (see the README). */
const ALONE_WARMUP = Number(values['alone-warmup'] ?? 20000);
const BLOCK = 100;
const COLD = Math.min(300, WARMUP);
const MODEL = 'openai/gpt-5-mini';

async function main(): Promise<void> {
  const upstream = await startFakeUpstream();
  try {
    const gateway = fakeGateway(upstream.baseURL);
    const direct = new OpenAI({ apiKey: 'bench-key', baseURL: upstream.baseURL, maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'Say something short.' }];

    const directCall = async () => {
      await direct.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 });
    };
    const gatewayCall = async () => {
      await gateway.complete({ model: MODEL, messages, maxTokens: 64 });
    };
    const directStream = async (onChunk: () => void) => {
      const stream = await direct.chat.completions.create({
        model: 'gpt-5-mini', messages, max_completion_tokens: 64, stream: true, stream_options: { include_usage: true },
      });
      for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) onChunk();
    };
    const gatewayStream = async (onChunk: () => void) => {
      for await (const event of gateway.stream({ model: MODEL, messages, maxTokens: 64 })) {
        if (event.type === 'text') onChunk();
        else if (event.type === 'error') throw event.error;
      }
    };

    // Interleaved so that drift in the machine's load hits both paths alike. Wall time includes the loopback
    // round trip; CPU time (this process only: the fake runs in its own) is the client side's own work, which
    // other processes' load barely disturbs.
    const measure = async (a: () => Promise<void>, b: () => Promise<void>) => {
      const wall = { a: [] as number[], b: [] as number[] };
      const cpu = { a: [] as number[], b: [] as number[] };
      /** The first COLD requests of each path in a fresh process, before V8 has optimized either. */
      const cold = { a: [] as number[], b: [] as number[] };
      // Alternating blocks rather than single calls: switching between two clients on every call disturbs both.
      for (let i = 0; i < WARMUP + N; i += BLOCK) {
        for (const fn of i % (2 * BLOCK) === 0 ? [a, b] : [b, a]) for (let j = i; j < i + BLOCK; j++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await fn();
          const dt = performance.now() - t0;
          const c = process.cpuUsage(c0);
          if (j < COLD) cold[fn === a ? 'a' : 'b'].push(dt);
          if (j >= WARMUP) {
            wall[fn === a ? 'a' : 'b'].push(dt);
            cpu[fn === a ? 'a' : 'b'].push((c.user + c.system) / 1000);
          }
        }
      }
      return { a: summarize(wall.a), b: summarize(wall.b), coldA: summarize(cold.a), coldB: summarize(cold.b), cpuA: summarize(cpu.a), cpuB: summarize(cpu.b) };
    };

    const json = await measure(directCall, gatewayCall);
    let directChunks = 0;
    let gatewayChunks = 0;
    const sse = await measure(
      () => directStream(() => directChunks++),
      () => gatewayStream(() => gatewayChunks++),
    );

    // Unbuffered: with 5 ms between upstream chunks, each chunk must reach the caller before the next is sent.
    const gaps: number[] = [];
    const slow = await startFakeUpstream(['--chunk-delay-ms', '5', '--text-length', '100']);
    try {
      const slowGateway = fakeGateway(slow.baseURL, {});
      let last = 0;
      for await (const event of slowGateway.stream({ model: MODEL, messages })) {
        if (event.type !== 'text') continue;
        const now = performance.now();
        if (last) gaps.push(now - last);
        last = now;
      }
    } finally {
      slow.stop();
    }

    // The core alone. CPU per request is the median over blocks of 200 requests, the two paths alternating.
    const stub = stubAdapter();
    const stubbed = stubbedGateway(stub);
    const alone = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
      const cpu = { a: [] as number[], b: [] as number[] };
      const wall = { a: [] as number[], b: [] as number[] };
      for (let i = 0; i < ALONE_WARMUP; i++) {
        await a();
        await b();
      }
      for (let block = 0; block < Math.max(20, N / 100); block++) {
        for (const [key, fn] of block % 2 ? ([['b', b], ['a', a]] as const) : ([['a', a], ['b', b]] as const)) {
          const c0 = process.cpuUsage();
          for (let i = 0; i < 200; i++) {
            const t0 = performance.now();
            await fn();
            if (block > 1) wall[key].push(performance.now() - t0);
          }
          const c = process.cpuUsage(c0);
          if (block > 1) cpu[key].push((c.user + c.system) / 1000 / 200);
        }
      }
      const median = (list: number[]) => summarize(list).p50;
      return { wallA: median(wall.a), wallB: median(wall.b), cpuA: median(cpu.a), cpuB: median(cpu.b) };
    };
    const aloneJson = await alone(
      () => stub.complete(undefined as never, { signal: new AttemptSignal() }),
      () => stubbed.complete({ model: MODEL, messages, maxTokens: 64 }),
    );
    const aloneStream = await alone(
      async () => {
        for await (const event of stub.stream(undefined as never, { signal: new AttemptSignal() })) void event;
      },
      async () => {
        for await (const event of stubbed.stream({ model: MODEL, messages, maxTokens: 64 })) if (event.type === 'error') throw event.error;
      },
    );

    const rows = [
      ['path', 'p50', 'p99', 'gateway added at p50', 'gateway added at p99'],
      ['non-streaming: direct SDK', json.a.p50, json.a.p99],
      ['non-streaming: gateway', json.b.p50, json.b.p99, json.b.p50 - json.a.p50, json.b.p99 - json.a.p99],
      ['streaming (whole stream): direct SDK', sse.a.p50, sse.a.p99],
      ['streaming (whole stream): gateway', sse.b.p50, sse.b.p99, sse.b.p50 - sse.a.p50, sse.b.p99 - sse.a.p99],
    ];
    console.log(`\n${N} requests per path after ${WARMUP} warm-up, ${process.version}, fake upstream in its own process\n`);
    console.log(`| ${rows[0].join(' | ')} |\n|${rows[0].map(() => '---').join('|')}|`);
    for (const [name, ...nums] of rows.slice(1)) {
      console.log(`| ${name} | ${(nums as number[]).map((n) => us(n)).join(' | ')} |`);
    }
    console.log(`\nCold: the first ${COLD} requests of each path in this process (p50):\n`);
    console.log('| path | direct SDK | gateway | gateway added |\n|---|---|---|---|');
    for (const [name, m] of [['non-streaming', json], ['streaming', sse]] as const) {
      console.log(`| ${name} | ${us(m.coldA.p50)} | ${us(m.coldB.p50)} | ${us(m.coldB.p50 - m.coldA.p50)} |`);
    }
    console.log('\nCPU time per request in the calling process (p50 / mean):\n');
    console.log('| path | direct SDK | gateway | gateway added |\n|---|---|---|---|');
    for (const [name, m] of [['non-streaming', json], ['streaming', sse]] as const) {
      console.log(`| ${name} | ${us(m.cpuA.p50)} / ${us(m.cpuA.mean)} | ${us(m.cpuB.p50)} / ${us(m.cpuB.mean)} | ${us(m.cpuB.p50 - m.cpuA.p50)} / ${us(m.cpuB.mean - m.cpuA.mean)} |`);
    }
    console.log(`\nThe core alone, the upstream stubbed in-process, after ${ALONE_WARMUP} warm-up requests per path (median over blocks of 200 requests):\n`);
    console.log('| path | stub called directly | through the gateway | gateway added (wall p50) | gateway added (CPU) |\n|---|---|---|---|---|');
    for (const [name, m] of [['non-streaming', aloneJson], ['streaming, 20 chunks', aloneStream]] as const) {
      console.log(`| ${name} | ${us(m.wallA)} | ${us(m.wallB)} | ${us(m.wallB - m.wallA)} | ${us(m.cpuB - m.cpuA)} |`);
    }
    console.log(`\nText chunks per streamed answer: direct ${directChunks / (WARMUP + N)}, gateway ${gatewayChunks / (WARMUP + N)}`);
    const g = summarize(gaps);
    console.log(`Unbuffered check: ${gaps.length + 1} chunks sent 5 ms apart arrived with gaps p50 ${g.p50.toFixed(2)} ms, min ${Math.min(...gaps).toFixed(2)} ms`);
  } finally {
    upstream.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
