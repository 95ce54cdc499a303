/**
 * What a gateway adds on top of a direct SDK call, in one run against the loopback fake upstream:
 *   (1) the OpenAI SDK straight to the fake upstream,
 *   (2) the same SDK through Switchboard's REST gateway (`switchboard serve`, bundled like the shipped CLI),
 *   (3) the same SDK through a bare forwarding proxy (bench/support/bare-proxy.ts), which parses nothing: the cost of
 *       the extra loopback hop alone, the floor for any gateway on this machine,
 *   (4) the same SDK through Portkey's open-source gateway (`@portkey-ai/gateway`), forwarding to the fake with
 *       `x-portkey-provider: openai` and `x-portkey-custom-host` (with bench/portkey-stream-fix.mjs preloaded, without
 *       which its streaming answers fail on Node 20).
 * Each runs in its own process. Latency and time to first token are measured one request at a time, the three
 * targets interleaved so that machine noise falls on all of them alike; then throughput at a fixed concurrency,
 * then each gateway process's peak RSS (VmHWM). Prints a markdown table.
 *
 *   node --import tsx bench/gateway-overhead.ts [--samples 2000] [--concurrency 32] [--throughput-requests 4000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import OpenAI from 'openai';

const ROOT = resolve(__dirname, '..');
const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    'throughput-requests': { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '300' },
  },
});
const SAMPLES = Number(values.samples);
const CONCURRENCY = Number(values.concurrency);
const THROUGHPUT_REQUESTS = Number(values['throughput-requests']);
const WARMUP = Number(values.warmup);
const TOKEN = 'sb-bench-token';
const MESSAGES = [{ role: 'user' as const, content: 'Say something short.' }];

interface Target {
  name: string;
  client: OpenAI;
  model: string;
  /** The gateway's process, for its peak RSS; none for the direct call. */
  process?: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts a process and resolves with the first stdout match of `ready`. */
function spawnUntil(command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${out}\n${err}`)), 30_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const match = out.match(ready);
      if (match) {
        clearTimeout(timer);
        resolveStart({ child, match });
      }
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}\n${err}`)));
  });
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} never answered`);
}

/** The CLI bundled the way it ships (esbuild, one CommonJS file), so no TypeScript loader sits in the process. */
async function bundleCli(dir: string): Promise<string> {
  const outfile = join(dir, 'switchboard-cli.js');
  await build({
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    logLevel: 'warning',
  });
  return outfile;
}

const peakRssMb = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)?.[1];
  return kb ? Number(kb) / 1024 : undefined;
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function complete(target: Target): Promise<number> {
  const started = performance.now();
  const completion = await target.client.chat.completions.create({ model: target.model, messages: MESSAGES });
  if (!completion.choices[0].message.content) throw new Error(`${target.name}: empty answer`);
  return performance.now() - started;
}

/** Time to the first content delta; the stream is then read to its end. */
async function firstToken(target: Target): Promise<number> {
  const started = performance.now();
  const stream = await target.client.chat.completions.create({ model: target.model, messages: MESSAGES, stream: true });
  let ttft: number | undefined;
  for await (const chunk of stream) {
    if (ttft === undefined && chunk.choices[0]?.delta.content) ttft = performance.now() - started;
  }
  if (ttft === undefined) throw new Error(`${target.name}: no content streamed`);
  return ttft;
}

/** Runs `measure` SAMPLES times per target, round-robin, after a warm-up. */
async function interleaved(targets: Target[], measure: (t: Target) => Promise<number>): Promise<Map<Target, number[]>> {
  for (let i = 0; i < WARMUP; i++) for (const t of targets) await measure(t);
  const samples = new Map(targets.map((t) => [t, [] as number[]]));
  for (let i = 0; i < SAMPLES; i++) {
    for (const t of targets) samples.get(t)!.push(await measure(t));
  }
  for (const list of samples.values()) list.sort((a, b) => a - b);
  return samples;
}

async function throughput(target: Target): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next++ < THROUGHPUT_REQUESTS) await complete(target);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000);
}

const ms = (n: number) => n.toFixed(3);
const signedMs = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(3)}`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const children: ChildProcess[] = [];
  try {
    const load = loadavg()[0];
    const cli = await bundleCli(dir);
    const fake = await spawnUntil(process.execPath, ['--import', 'tsx', 'bench/fake-upstream-server.ts'], process.env, /READY (\S+)/);
    children.push(fake.child);
    const upstream = fake.match[1];

    const settingsFile = join(dir, 'settings.json');
    writeFileSync(settingsFile, JSON.stringify({ 'switchboard.localDetection': false }));
    const switchboard = await spawnUntil(
      process.execPath,
      [cli, 'serve', '--port', '0', '--config', settingsFile],
      {
        ...process.env,
        SWITCHBOARD_GATEWAY_TOKEN: TOKEN,
        SWITCHBOARD_DATA_DIR: dir,
        OPENAI_API_KEY: 'sk-bench',
        SWITCHBOARD_OPENAI_BASE_URL: `${upstream}/v1`,
      },
      /listening on (http:\/\/\S+)/,
    );
    children.push(switchboard.child);

    const bare = await spawnUntil(process.execPath, ['--import', 'tsx', 'bench/support/bare-proxy.ts', upstream], process.env, /listening on (http:\/\/\S+)/);
    children.push(bare.child);

    const portkeyPort = await freePort();
    const portkeyServer = join(ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js');
    const portkey = spawn(process.execPath, ['--import', './bench/portkey-stream-fix.mjs', portkeyServer, `--port=${portkeyPort}`, '--headless'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: 'ignore',
    });
    children.push(portkey);
    await waitForHttp(`http://127.0.0.1:${portkeyPort}/`);

    const sdk = (baseURL: string, apiKey: string, defaultHeaders?: Record<string, string>) => new OpenAI({ baseURL, apiKey, defaultHeaders, maxRetries: 0 });
    const direct: Target = { name: 'direct (OpenAI SDK)', client: sdk(`${upstream}/v1`, 'sk-bench'), model: 'gpt-5-mini' };
    const targets: Target[] = [
      direct,
      { name: 'Switchboard', client: sdk(`${switchboard.match[1]}/v1`, TOKEN), model: 'openai/gpt-5-mini', process: switchboard.child },
      { name: 'bare proxy (the hop alone)', client: sdk(`${bare.match[1]}/v1`, 'sk-bench'), model: 'gpt-5-mini', process: bare.child },
      {
        name: 'Portkey gateway',
        client: sdk(`http://127.0.0.1:${portkeyPort}/v1`, 'sk-bench', { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1` }),
        model: 'gpt-5-mini',
        process: portkey,
      },
    ];

    process.stderr.write(`non-streaming latency: ${SAMPLES} samples per target...\n`);
    const latency = await interleaved(targets, complete);
    process.stderr.write(`streaming time to first token: ${SAMPLES} samples per target...\n`);
    const ttft = await interleaved(targets, firstToken);
    const rates = new Map<Target, number>();
    for (const t of targets) {
      process.stderr.write(`throughput: ${t.name}, ${THROUGHPUT_REQUESTS} requests at concurrency ${CONCURRENCY}...\n`);
      rates.set(t, await throughput(t));
    }

    const base = (m: Map<Target, number[]>, p: number) => percentile(m.get(direct)!, p);
    const rows = targets.map((t) => {
      const l = latency.get(t)!;
      const f = ttft.get(t)!;
      const added = (m: Map<Target, number[]>, list: number[], p: number) => (t === direct ? '-' : signedMs(percentile(list, p) - base(m, p)));
      const rss = peakRssMb(t.process?.pid);
      return [
        t.name,
        `${ms(percentile(l, 0.5))} / ${ms(percentile(l, 0.99))}`,
        added(latency, l, 0.5),
        added(latency, l, 0.99),
        `${ms(percentile(f, 0.5))} / ${ms(percentile(f, 0.99))}`,
        added(ttft, f, 0.5),
        added(ttft, f, 0.99),
        Math.round(rates.get(t)!).toString(),
        rss === undefined ? '-' : rss.toFixed(0),
      ];
    });
    const header = [
      'target',
      'latency p50 / p99 (ms)',
      'added p50 (ms)',
      'added p99 (ms)',
      'stream TTFT p50 / p99 (ms)',
      'added TTFT p50 (ms)',
      'added TTFT p99 (ms)',
      `req/s @ c=${CONCURRENCY}`,
      'peak RSS (MB)',
    ];
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    process.stdout.write(
      [
        `Gateway overhead against the loopback fake upstream: Node ${process.version}, ${cpus().length} CPUs, load average ${load.toFixed(2)} at start;`,
        `${SAMPLES} sequential samples per target per mode (after ${WARMUP} warm-up), interleaved; throughput over ${THROUGHPUT_REQUESTS} non-streaming requests.`,
        '"added" = the percentile through the gateway minus the same percentile of the direct call.',
        '',
        line(header),
        line(header.map(() => '---')),
        ...rows.map(line),
        '',
      ].join('\n'),
    );
  } finally {
    // Switchboard writes its request log as it shuts down: the data folder goes once every process has exited.
    await Promise.all(children.map(stopProcess));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asks a process to stop, and kills it if it has not exited within 5 s. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
