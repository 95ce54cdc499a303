import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLoad } from '../../bench/load-run';

/**
 * Load through the REST gateway: no errors, and the heap returns near its warm baseline. The suite runs a share of
 * the full load so that it stays fast on a busy machine; bench/gateway-load.ts runs all 10,000 requests.
 */
const TOTAL = Number(process.env.SWITCHBOARD_LOAD_REQUESTS ?? 2000);
const CONCURRENCY = 64;

test(`${TOTAL} requests at concurrency ${CONCURRENCY}: no errors, heap back near its baseline`, { timeout: 120_000 }, async (t) => {
  const report = await runLoad({ total: TOTAL, concurrency: CONCURRENCY, streamEvery: 8, warmup: 300 });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  t.diagnostic(`${report.seconds.toFixed(1)} s, ${Math.round(report.requestsPerSecond)} req/s; heap ${mb(report.heapBefore)} -> ${mb(report.heapAfter)} MB`);

  assert.deepEqual(report.errors.slice(0, 5), []);
  assert.equal(report.errors.length, 0);
  const growthMb = (report.heapAfter - report.heapBefore) / 2 ** 20;
  assert.ok(growthMb < 10, `the heap grew by ${growthMb.toFixed(1)} MB`);
});
