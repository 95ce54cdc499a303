/**
 * Instructions the gateway core adds per request, counted by valgrind's callgrind instead of timed. Counts repeat
 * from run to run whatever else the machine is doing, so a change worth a microsecond shows, where wall time on this
 * machine drifts by more. Each case runs in its own process under callgrind: after `--warmup` requests per path
 * (interleaved in blocks of 50), it counts `--requests` requests made directly and as many through the core.
 * The request path's own work is the main thread's instructions outside garbage-collection pauses; the pauses (which
 * land on whichever request triggers them, so that a run of a few hundred requests may catch one more or one less)
 * and V8's other threads are reported apart.
 *   node bench/run.mjs core-instructions [--fake] [--only TEXT] [--warmup N] [--requests N]
 * Cases: the in-process stub (bench/support/stub-adapter.ts) non-streaming, and streaming 1 and 20 chunks, from
 * which the fixed and the per-chunk cost of a stream follow; with --fake, also the OpenAI SDK against the loopback
 * fake upstream (in its own process, not counted), through the gateway and through the OpenAI adapter alone, where
 * the SDK's own one to three million instructions per request make the difference less exact, and the stub
 * non-streaming with an SDK call to the fake before each request on both paths (the core's count between real
 * calls, to set against its wall time there, from core-breakdown). V8 optimizes a
 * function called once per request only after thousands of calls, so the warm-up changes the counts a great deal.
 * Needs valgrind (Debian package `valgrind`).
 */
import OpenAI from 'openai';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openaiAdapter } from '../src/core/providers/openai/index';
import { startFakeUpstream } from './support/fake-upstream';
import { adapterCall, fakeGateway, stubAdapter, stubbedGateway } from './support/stub-adapter';
import { AttemptSignal } from '../src/core/routing/attempt-signal';

const { values } = parseArgs({
  options: {
    fake: { type: 'boolean' },
    /** Only the cases whose name contains this. */
    only: { type: 'string' },
    warmup: { type: 'string' },
    requests: { type: 'string' },
    child: { type: 'string' },
  },
});
const MODEL = 'openai/gpt-5-mini';
const messages = [{ role: 'user' as const, content: 'Say something short.' }];
const BLOCK = 50;

type Call = () => Promise<void>;
interface Case {
  name: string;
  /** Instructions per request under callgrind make the SDK cases several times slower than the stub's. */
  defaults: { warmup: number; requests: number };
  paths(): Promise<{ direct: Call; core: Call; stop(): void }>;
}

const drain = async (events: AsyncIterable<{ type: string; error?: unknown }>): Promise<void> => {
  for await (const event of events) if (event.type === 'error') throw event.error;
};

function stubCase(name: string, streaming: boolean, chunks: number): Case {
  return {
    name,
    defaults: { warmup: 3000, requests: 1000 },
    async paths() {
      const stub = stubAdapter(undefined, chunks);
      const gateway = stubbedGateway(stub);
      const call = {} as Parameters<typeof stub.stream>[0];
      return streaming
        ? {
            direct: () => drain(stub.stream(call, { signal: new AttemptSignal() })),
            core: () => drain(gateway.stream({ model: MODEL, messages, maxTokens: 64 })),
            stop: () => undefined,
          }
        : {
            direct: async () => void (await stub.complete(call, { signal: new AttemptSignal() })),
            core: async () => void (await gateway.complete({ model: MODEL, messages, maxTokens: 64 })),
            stop: () => undefined,
          };
    },
  };
}

/**
 * The OpenAI SDK against the fake upstream, called directly and through the gateway; or, with `adapterOnly`,
 * through the OpenAI adapter alone (request mapping, client cache, stream runner; no routing and no accounting),
 * with a fresh abort signal per call as an attempt gives it.
 */
function fakeCase(name: string, streaming: boolean, adapterOnly = false): Case {
  return {
    name,
    defaults: { warmup: 2000, requests: 500 },
    async paths() {
      const { baseURL, stop } = await startFakeUpstream();
      const gateway = fakeGateway(baseURL);
      const sdk = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
      const input = { model: MODEL, messages, maxTokens: 64 };
      let through: Call = streaming ? () => drain(gateway.stream(input)) : async () => void (await gateway.complete(input));
      if (adapterOnly) {
        const call = adapterCall(gateway, baseURL, input, streaming);
        through = streaming
          ? () => drain(openaiAdapter.stream(call, { signal: new AttemptSignal() }))
          : async () => void (await openaiAdapter.complete(call, { signal: new AttemptSignal() }));
      }
      return streaming
        ? {
            direct: async () => {
              const stream = await sdk.chat.completions.create({
                model: 'gpt-5-mini', messages, max_completion_tokens: 64, stream: true, stream_options: { include_usage: true },
              });
              for await (const chunk of stream) void chunk;
            },
            core: through,
            stop,
          }
        : {
            direct: async () => void (await sdk.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 })),
            core: through,
            stop,
          };
    },
  };
}

/**
 * The stub case again, each request made right after a real SDK call to the fake, on both paths: the core's own
 * instructions when it runs between the SDK's and undici's work, to set against the same count in a tight loop.
 */
function afterSdkCase(name: string): Case {
  return {
    name,
    defaults: { warmup: 2000, requests: 500 },
    async paths() {
      const { baseURL, stop } = await startFakeUpstream();
      const sdk = new OpenAI({ apiKey: 'bench-key', baseURL, maxRetries: 0 });
      const sdkCall = () => sdk.chat.completions.create({ model: 'gpt-5-mini', messages, max_completion_tokens: 64 });
      const stub = stubAdapter();
      const gateway = stubbedGateway(stub);
      const call = {} as Parameters<typeof stub.complete>[0];
      return {
        direct: async () => {
          await sdkCall();
          await stub.complete(call, { signal: new AttemptSignal() });
        },
        core: async () => {
          await sdkCall();
          await gateway.complete({ model: MODEL, messages, maxTokens: 64 });
        },
        stop,
      };
    },
  };
}

const CASES: Case[] = [
  stubCase('stub, non-streaming', false, 20),
  stubCase('stub, streaming 1 chunk', true, 1),
  stubCase('stub, streaming 20 chunks', true, 20),
  fakeCase('OpenAI SDK and fake upstream, non-streaming', false),
  fakeCase('OpenAI SDK and fake upstream, streaming 20 chunks', true),
  fakeCase('OpenAI SDK and fake upstream, the OpenAI adapter alone, non-streaming', false, true),
  fakeCase('OpenAI SDK and fake upstream, the OpenAI adapter alone, streaming 20 chunks', true, true),
  afterSdkCase('each request after an SDK call to the fake upstream: stub, non-streaming'),
];

/**
 * In the process under callgrind: warm up, then count each path between dumps, in the order direct, core, core,
 * direct, half the requests each time, so that garbage one path leaves to the other evens out.
 */
async function runChild(spec: Case, warmup: number, requests: number): Promise<void> {
  const control = promisify(execFile);
  const callgrind = (arg: string) => control('callgrind_control', [arg, String(process.pid)]);
  const { direct, core, stop } = await spec.paths();
  try {
    for (let done = 0; done < warmup; done += BLOCK) {
      for (const call of [direct, core]) for (let i = 0; i < BLOCK; i++) await call();
    }
    await callgrind('--zero');
    for (const [name, call] of [['direct', direct], ['core', core], ['core', core], ['direct', direct]] as const) {
      for (let i = 0; i < requests / 2; i++) await call();
      // A dump also zeroes the counts.
      await callgrind(`--dump=${name}`);
    }
  } finally {
    stop();
  }
}

interface Counted {
  /** On the main thread, outside garbage-collection pauses: the request path's own work. */
  main: number;
  /** In garbage-collection pauses on the main thread, which land on whichever request triggers them. */
  pauses: number;
  /** On V8's other threads: concurrent garbage collection and compilation. */
  others: number;
}

/** Instructions in `Heap::CollectGarbage` and below, from callgrind's call graph of one dump. */
function inPauses(file: string): number {
  const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const line = annotated.stdout.split('\n').find((l) => l.includes('v8::internal::Heap::CollectGarbage('));
  return line ? Number(line.trim().split(' ')[0]!.replace(/,/g, '')) : 0;
}

/** Runs one case under callgrind; instructions per request of each path, on the main thread and on the others. */
function count(spec: Case, warmup: number, requests: number): Record<'direct' | 'core', Counted> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-callgrind-'));
  try {
    const args = [
      '--tool=callgrind', '--smc-check=all-non-file', '--separate-threads=yes', `--callgrind-out-file=${join(dir, 'cg.%p')}`,
      process.execPath, process.argv[1]!, '--child', spec.name, '--warmup', String(warmup), '--requests', String(requests),
    ];
    const run = spawnSync('valgrind', args, { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
    if (run.error || run.status !== 0) {
      throw new Error(`valgrind exited with ${run.error?.message ?? run.status}; is it installed (apt-get install valgrind)?\n${run.stderr.slice(-2000)}`);
    }
    const perPath: Record<string, Counted> = {};
    // With --separate-threads, dump k of thread t is cg.<pid>.<k>-<t>; thread 01 is the main thread.
    for (const file of readdirSync(dir)) {
      const match = /^cg\.\d+\.\d+-(\d+)$/.exec(file);
      if (!match) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      const path = /^desc: Trigger: .*dump (\w+)$/m.exec(text)?.[1];
      const instructions = Number(/^summary: (\d+)/m.exec(text)?.[1] ?? 0);
      if (!path) continue;
      const counted = (perPath[path] ??= { main: 0, pauses: 0, others: 0 });
      if (match[1] === '01') {
        const pauses = inPauses(join(dir, file));
        counted.main += (instructions - pauses) / requests;
        counted.pauses += pauses / requests;
      } else {
        counted.others += instructions / requests;
      }
    }
    if (!perPath.direct || !perPath.core) throw new Error(`callgrind wrote no dumps for ${spec.name}`);
    return { direct: perPath.direct, core: perPath.core };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const thousands = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')}k`;

function main(): void {
  const cases = CASES.filter((c) => (values.fake || c.name.startsWith('stub')) && c.name.includes(values.only ?? ''));
  console.log(`Instructions per request (callgrind), ${process.version}: on the main thread outside garbage-collection pauses, in those pauses, and on V8's other threads\n`);
  console.log('| case | direct | through the core | added | added in GC pauses | added on other threads |\n|---|---|---|---|---|---|');
  const added = new Map<string, number>();
  for (const spec of cases) {
    const warmup = Number(values.warmup ?? spec.defaults.warmup);
    const requests = Number(values.requests ?? spec.defaults.requests);
    const { direct, core } = count(spec, warmup, requests);
    added.set(spec.name, core.main - direct.main);
    console.log(
      `| ${spec.name} (${requests} after ${warmup} warm-up) | ${thousands(direct.main)} | ${thousands(core.main)} | ${thousands(core.main - direct.main)} | ${thousands(core.pauses - direct.pauses)} | ${thousands(core.others - direct.others)} |`,
    );
  }
  const one = added.get('stub, streaming 1 chunk');
  const twenty = added.get('stub, streaming 20 chunks');
  if (one === undefined || twenty === undefined) return;
  const perChunk = (twenty - one) / 19;
  console.log(`\nA stream through the gateway, from the stub cases: ${thousands(one - perChunk)} instructions per request and ${(perChunk / 1000).toFixed(2)}k per chunk`);
}

if (values.child) {
  const spec = CASES.find((c) => c.name === values.child);
  if (!spec) throw new Error(`No case named ${values.child}`);
  runChild(spec, Number(values.warmup), Number(values.requests)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
