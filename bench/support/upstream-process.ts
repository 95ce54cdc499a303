/**
 * The loopback fake upstream in a process of its own, so that its work never shares an event loop with the
 * code being measured. Prints `FAKE_UPSTREAM_URL=...` once listening.
 *   node --import tsx bench/support/upstream-process.ts [--chunk-size N] [--chunk-delay-ms N] [--text-length N]
 */
import { parseArgs } from 'node:util';
import { startFakeUpstream } from '../../test/fakes/upstream';

const { values } = parseArgs({
  options: { 'chunk-size': { type: 'string' }, 'chunk-delay-ms': { type: 'string' }, 'text-length': { type: 'string' } },
});
const textLength = Number(values['text-length'] ?? 200);

async function main(): Promise<void> {
const fake = await startFakeUpstream();
fake.setDefaultReply({
  text: 'lorem ipsum dolor sit amet '.repeat(Math.ceil(textLength / 27)).slice(0, textLength),
  chunkSize: Number(values['chunk-size'] ?? 10),
  chunkDelayMs: Number(values['chunk-delay-ms'] ?? 0),
});
process.stdout.write(`FAKE_UPSTREAM_URL=${fake.url}\n`);
const stop = () => void fake.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
}

void main();
