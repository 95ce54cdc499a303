/**
 * Runs the loopback fake upstream (test/fakes/upstream.ts) in its own process for the benchmarks, so that the
 * client, the gateway under test and the upstream each have their own event loop. Prints `READY <url>`.
 */
import { startFakeUpstream } from '../test/fakes/upstream';

async function main(): Promise<void> {
  const fake = await startFakeUpstream();
  fake.setDefaultReply({ text: 'The quick brown fox jumps over the lazy dog, twice over.', chunkSize: 8 });
  // The fake records every request; a benchmark sends tens of thousands.
  const trim = setInterval(() => (fake.requests.length = 0), 1000);
  process.stdout.write(`READY ${fake.url}\n`);
  const stop = () => {
    clearInterval(trim);
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
