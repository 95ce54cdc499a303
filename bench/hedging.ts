/**
 * Hedged requests against a tail: a loopback upstream delays 5% of its answers by 2 s. Two gateways (real Gateway
 * and SDK), one without hedging and one with it, each against its own fake replaying the same seeded fault pattern,
 * get their requests in pairs sent at the same moment, so that both see the same machine load; their latency
 * percentiles are compared. With one model and no fallback, the hedge is a second attempt at the same model.
 *
 * The hedge delay defaults to the p95 of healthy answers, measured first ("The Tail at Scale" hedges at about the
 * p95): on a loaded machine a fixed small delay would hedge most requests and only add load.
 * Usage: node --import tsx bench/hedging.ts [requests] [afterMs] [concurrency]
 */
import { parseSettings } from '../src/core/config/settings';
import { Gateway } from '../src/core/gateway';
import { envKeySource } from '../src/core/keys';
import type { ChatRequestInput } from '../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../test/fakes/upstream';
import { percentile, summarize } from './support/stats';

const REQUESTS = Number(process.argv[2]) || 600;
const AFTER_MS_ARG = Number(process.argv[3]) || undefined;
const CONCURRENCY = Number(process.argv[4]) || 4;
const SLOW = { rate: 0.05, faults: [{ kind: 'delay' as const, ms: 2000 }], seed: 42 };
const REQUEST: ChatRequestInput = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'What is a hedged request?' }] };

const gatewayFor = (fake: FakeUpstream, hedging: { enabled: boolean; afterMs: number }) =>
  new Gateway({
    settings: parseSettings({ hedging }).settings,
    keys: envKeySource({ OPENAI_API_KEY: 'k' }),
    env: { SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1` },
  });

interface Measured {
  latencies: number[];
  hedged: number;
}

/** `count` rounds, `CONCURRENCY` at a time; each round sends one request to every gateway at once. */
async function measure(gateways: Gateway[], count: number): Promise<Measured[]> {
  const measured = gateways.map((): Measured => ({ latencies: [], hedged: 0 }));
  const timed = async (gateway: Gateway, into: Measured) => {
    const started = performance.now();
    const result = await gateway.complete(REQUEST);
    into.latencies.push(performance.now() - started);
    if (result.attempts.some((a) => a.hedged)) into.hedged += 1;
  };
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent++ < count) await Promise.all(gateways.map((gateway, i) => timed(gateway, measured[i]!)));
    }),
  );
  return measured;
}

interface Row {
  label: string;
  p50: number;
  p99: number;
  mean: number;
  hedged: number;
  upstreamRequests: number;
}

async function main(): Promise<void> {
  const fakes = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  try {
    const plainGateway = gatewayFor(fakes[0], { enabled: false, afterMs: 0 });
    const calibrator = gatewayFor(fakes[1], { enabled: false, afterMs: 0 });
    await measure([plainGateway, calibrator], 100);
    const healthy = (await measure([plainGateway, calibrator], 200)).flatMap((m) => m.latencies).sort((a, b) => a - b);
    const afterMs = AFTER_MS_ARG ?? Math.ceil(percentile(healthy, 95));
    const hedgedGateway = gatewayFor(fakes[1], { enabled: true, afterMs });
    await measure([hedgedGateway], 20);

    for (const fake of fakes) fake.setChaos(SLOW);
    const before = fakes.map((fake) => fake.requests.length);
    const results = await measure([plainGateway, hedgedGateway], REQUESTS);
    const [plain, hedged] = ['no hedging', `hedging after ${afterMs} ms`].map((label, i) => ({
      label,
      ...summarize(results[i]!.latencies),
      hedged: results[i]!.hedged,
      upstreamRequests: fakes[i]!.requests.length - before[i]!,
    })) as [Row, Row];

    const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(11);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`.padStart(11);
    console.log(`healthy answers: p50 ${percentile(healthy, 50).toFixed(1)} ms, p95 ${percentile(healthy, 95).toFixed(1)} ms`);
    console.log(`${REQUESTS} requests per gateway, ${CONCURRENCY} at a time each; 5% of upstream answers delayed by 2 s (seed ${SLOW.seed})\n`);
    console.log(`${'run'.padEnd(22)}${'p50'.padStart(11)}${'p99'.padStart(11)}${'mean'.padStart(11)}  upstream requests  hedged`);
    for (const r of [plain, hedged]) {
      console.log(`${r.label.padEnd(22)}${ms(r.p50)}${ms(r.p99)}${ms(r.mean)}  ${String(r.upstreamRequests).padStart(17)}  ${String(r.hedged).padStart(6)}`);
    }
    console.log(
      `${'hedged / plain'.padEnd(22)}${ratio(hedged.p50, plain.p50)}${ratio(hedged.p99, plain.p99)}${ratio(hedged.mean, plain.mean)}  ${ratio(hedged.upstreamRequests, plain.upstreamRequests).padStart(17)}`,
    );
  } finally {
    await Promise.all(fakes.map((fake) => fake.close()));
  }
}

void main();
