/**
 * Runs the fake upstream in its own process, for tests that drive another process (browser tests):
 *   node --import tsx test/fakes/serve.ts [--port N] [--key K]
 * Prints `FAKE_UPSTREAM_URL=http://127.0.0.1:PORT` on one line once listening; stops on SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import { startFakeUpstream } from './upstream';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, key: { type: 'string' } } });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"`);

  const fake = await startFakeUpstream({ port, expectedKey: values.key });
  process.stdout.write(`FAKE_UPSTREAM_URL=${fake.url}\n`);

  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
