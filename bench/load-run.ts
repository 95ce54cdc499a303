/**
 * A load run against the REST gateway, in one process: the loopback fake upstream, a Gateway, the server, and a
 * keep-alive HTTP client. Counts failed or incomplete answers and measures the heap (after forced GCs) once warm
 * and again after the run. Used by bench/gateway-load.ts and test/integration/server-load.test.ts.
 */
import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseSettings } from '../src/core/config/settings';
import { Gateway } from '../src/core/gateway';
import { envKeySource } from '../src/core/keys';
import { startServer } from '../src/server/server';
import { startFakeUpstream } from '../test/fakes/upstream';

export interface LoadOptions {
  total: number;
  concurrency: number;
  /** Every n-th request streams; 0 for none. */
  streamEvery: number;
  warmup: number;
}

export interface LoadReport {
  errors: string[];
  seconds: number;
  requestsPerSecond: number;
  /** Heap used after GC, warm, before the run (bytes). */
  heapBefore: number;
  heapAfter: number;
  rssAfter: number;
  /** How long the gateway took, after the last answer, to write the request records still queued. */
  recordBacklogSeconds: number;
}

const TOKEN = 'sb-load-token';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const fake = await startFakeUpstream();
  fake.setDefaultReply({ text: 'The quick brown fox jumps over the lazy dog.', chunkSize: 12 });
  const env = { OPENAI_API_KEY: 'sk-openai', SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1` };
  const gateway = new Gateway({ settings: parseSettings({ localDetection: false }).settings, keys: envKeySource(env), env });
  const server = await startServer({ gateway, token: TOKEN, port: 0, maxConcurrentPerClient: options.concurrency });
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });

  /** One request; resolves to what went wrong, or undefined when the answer is complete. */
  const call = (stream: boolean): Promise<string | undefined> =>
    new Promise((resolve) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: 'POST', agent, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) return resolve(`status ${res.statusCode}: ${text.slice(0, 200)}`);
            const complete = stream ? text.endsWith('data: [DONE]\n\n') : text.includes('"finish_reason":"stop"');
            resolve(complete ? undefined : `incomplete answer: ${text.slice(-200)}`);
          });
          res.on('error', (err) => resolve(err.message));
        },
      );
      req.on('error', (err) => resolve(err.message));
      req.end(JSON.stringify({ model: 'openai/gpt-5-mini', stream, messages: [{ role: 'user', content: 'Say something short.' }] }));
    });

  const run = async (total: number): Promise<string[]> => {
    const errors: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const index = next++;
        const error = await call(options.streamEvery > 0 && index % options.streamEvery === 0);
        if (error) errors.push(error);
        // The fake keeps every request it saw; the gateway's memory is what is measured.
        if (fake.requests.length > 1000) fake.requests.length = 0;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return errors;
  };

  const settledHeap = () => {
    fake.requests.length = 0;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  try {
    const warm = await run(options.warmup);
    if (warm.length) throw new Error(`warm-up failed: ${warm[0]}`);
    await gateway.flushAccounting();
    const heapBefore = settledHeap();
    const started = performance.now();
    const errors = await run(options.total);
    const seconds = (performance.now() - started) / 1000;
    // Request records are written in the background, one per event-loop turn, so a heavy run leaves a backlog.
    const flushStarted = performance.now();
    await gateway.flushAccounting();
    const recordBacklogSeconds = (performance.now() - flushStarted) / 1000;
    const heapAfter = settledHeap();
    return { errors, seconds, requestsPerSecond: options.total / seconds, heapBefore, heapAfter, rssAfter: process.memoryUsage().rss, recordBacklogSeconds };
  } finally {
    agent.destroy();
    await server.close();
    await fake.close();
  }
}
