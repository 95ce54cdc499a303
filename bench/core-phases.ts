/**
 * Where in a request the gateway's added time falls. `fetch` is wrapped to note when the SDK calls it, when the
 * response's headers arrive, when its first body bytes and its end are read; the caller notes its first text. The
 * wrapper costs every path the same. Phases, as the p50 of each over the requests of a path:
 *   pre    the call to the SDK's `fetch`: validation, routing, the attempt, the SDK's own request building
 *   head   `fetch` to the response headers
 *   c1     headers to the first body bytes read
 *   ev1    first body bytes to the caller's first text
 *   body   the caller's first text to the end of the body
 *   post   the end of the body to the end of the caller's loop: the answer, its price and its record
 * Paths: the OpenAI SDK called directly, the OpenAI adapter alone (with an abort signal, as an attempt gives it),
 * and the gateway, each against the loopback fake in its own process, in turns of 100 requests.
 *   node bench/run.mjs core-phases [--requests N] [--warmup N] [--text-length N] [--no-stream]
 */
import OpenAI from 'openai';
import { parseArgs } from 'node:util';
import { openaiAdapter } from '../src/core/providers/openai/index';
import { startFakeUpstream } from './support/fake-upstream';
import { summarize, us } from './support/stats';
import { adapterCall, fakeGateway } from './support/stub-adapter';
import { AttemptSignal } from '../src/core/routing/attempt-signal';

const { values } = parseArgs({
  options: { requests: { type: 'string' }, warmup: { type: 'string' }, 'text-length': { type: 'string' }, 'no-stream': { type: 'boolean' } },
});
const N = Number(values.requests ?? 3000);
const WARMUP = Number(values.warmup ?? 10000);
const STREAM = !values['no-stream'];
const BLOCK = 100;
const MODEL = 'openai/gpt-5-mini';
const messages = [{ role: 'user' as const, content: 'Say something short.' }];

const PHASES = ['pre', 'head', 'c1', 'ev1', 'body', 'post', 'total'] as const;
type Phase = (typeof PHASES)[number];

/** performance.now() at each mark of the request in progress; 0 until reached. */
const marks = { fetch: 0, headers: 0, firstBytes: 0, firstText: 0, bodyEnd: 0 };
const noteFirstText = () => {
  if (!marks.firstText) marks.firstText = performance.now();
};

const realFetch = globalThis.fetch;
globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  marks.fetch = performance.now();
  const response = await realFetch(input, init);
  marks.headers = performance.now();
  const watch = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (!marks.firstBytes) marks.firstBytes = performance.now();
      controller.enqueue(chunk);
    },
    flush() {
      marks.bodyEnd = performance.now();
    },
  });
  return new Response(response.body!.pipeThrough(watch), { status: response.status, statusText: response.statusText, headers: response.headers });
}) as typeof fetch;

async function main(): Promise<void> {
  const upstream = await startFakeUpstream(values['text-length'] ? ['--text-length', values['text-length']] : []);
  try {
    const gateway = fakeGateway(upstream.baseURL);
    const direct = new OpenAI({ apiKey: 'bench-key', baseURL: upstream.baseURL, maxRetries: 0 });
    const input = { model: MODEL, messages, maxTokens: 64 };
    const call = adapterCall(gateway, upstream.baseURL, input, STREAM);
    const paths: Record<string, () => Promise<void>> = STREAM
      ? {
          'direct SDK': async () => {
            const stream = await direct.chat.completions.create({
              model: 'gpt-5-mini', messages, max_completion_tokens: 64, stream: true, stream_options: { include_usage: true },
            });
            for await (const chunk of stream) if (chunk.choices[0]?.delta?.content) noteFirstText();
          },
          adapter: async () => {
            for await (const event of openaiAdapter.stream(call, { signal: new AttemptSignal() })) if (event.type === 'text') noteFirstText();
          },
          gateway: async () => {
            for await (const event of gateway.stream(input)) {
              if (event.type === 'text') noteFirstText();
              else if (event.type === 'error') throw event.error;
            }
          },
        }
      : {
          'direct SDK': async () => void (await direct.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 })),
          adapter: async () => void (await openaiAdapter.complete(call, { signal: new AttemptSignal() })),
          gateway: async () => void (await gateway.complete(input)),
        };

    const names = Object.keys(paths);
    const samples = new Map(names.map((name) => [name, Object.fromEntries(PHASES.map((p) => [p, [] as number[]])) as Record<Phase, number[]>]));
    for (let i = 0, turn = 0; i < WARMUP + N; i += BLOCK, turn++) {
      // Each path takes each place in the order in turn, so that drift in the machine's load hits all alike.
      const order = names.map((_, k) => names[(k + turn) % names.length]!);
      for (const name of order) {
        for (let j = i; j < i + BLOCK; j++) {
          for (const key of Object.keys(marks) as (keyof typeof marks)[]) marks[key] = 0;
          const t0 = performance.now();
          await paths[name]!();
          const t1 = performance.now();
          if (j < WARMUP) continue;
          const s = samples.get(name)!;
          const { fetch: fetched, headers, firstBytes, firstText, bodyEnd } = marks;
          s.pre.push(fetched - t0);
          s.head.push(headers - fetched);
          if (firstText && firstBytes) {
            s.c1.push(firstBytes - headers);
            s.ev1.push(firstText - firstBytes);
            s.body.push(bodyEnd - firstText);
          } else {
            s.body.push(bodyEnd - headers);
          }
          s.post.push(t1 - bodyEnd);
          s.total.push(t1 - t0);
        }
      }
    }

    const [base, ...others] = names;
    console.log(`\n${STREAM ? `streaming, ${values['text-length'] ?? 200} characters per answer` : 'non-streaming'}, ${N} requests per path after ${WARMUP} warm-up, ${process.version}; p50 of each phase\n`);
    console.log(`| phase | ${base} | ${others.map((n) => `${n}, added`).join(' | ')} |\n|---|${names.map(() => '---').join('|')}|`);
    for (const phase of PHASES) {
      const list = samples.get(base!)![phase];
      if (!list.length) continue;
      const p50 = summarize(list).p50;
      const added = others.map((n) => us(summarize(samples.get(n)![phase]).p50 - p50));
      console.log(`| ${phase} | ${us(p50)} | ${added.join(' | ')} |`);
    }
    console.log('\nThe phases\' p50 do not add up to the total\'s: each is the median of its own samples.');
  } finally {
    upstream.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
