/**
 * 10,000 requests at concurrency 64 through the REST gateway (every eighth one streaming), in one process with the
 * loopback fake upstream: prints the error count, the rate, the heap before and after (once the gateway has written
 * its queued request records), and how long that backlog took. Exits 1 on any error or when the heap ends more
 * than 10 MB above where it began.
 *
 *   node --import tsx bench/gateway-load.ts [--requests 10000] [--concurrency 64]
 */
import { parseArgs } from 'node:util';
import { runLoad } from './load-run';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '64' } } });
const MAX_HEAP_GROWTH_MB = 10;

async function main(): Promise<void> {
  const total = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const report = await runLoad({ total, concurrency, streamEvery: 8, warmup: 500 });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const growth = (report.heapAfter - report.heapBefore) / 2 ** 20;
  process.stdout.write(
    [
      `| requests | concurrency | errors | seconds | req/s | heap before (MB) | heap after (MB) | RSS after (MB) | record backlog (s) |`,
      `| --- | --- | --- | --- | --- | --- | --- | --- | --- |`,
      `| ${total} | ${concurrency} | ${report.errors.length} | ${report.seconds.toFixed(1)} | ${Math.round(report.requestsPerSecond)} | ${mb(report.heapBefore)} | ${mb(report.heapAfter)} | ${mb(report.rssAfter)} | ${report.recordBacklogSeconds.toFixed(2)} |`,
      '',
    ].join('\n'),
  );
  for (const error of report.errors.slice(0, 5)) process.stderr.write(`error: ${error}\n`);
  if (report.errors.length || growth > MAX_HEAP_GROWTH_MB) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
