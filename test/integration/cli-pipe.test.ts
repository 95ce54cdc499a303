// The CLI as its own process, writing into a real pipe whose reader stops early (`switchboard ask … | head`).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';
import { waitFor } from '../support/wait-for';

const ROOT = join(__dirname, '..', '..');
let fake: FakeUpstream;

before(async () => {
  fake = await startFakeUpstream();
});
after(() => fake.close());

test('a reader that stops early ends `ask` quietly with 0, and the request is cancelled upstream', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-cli-pipe-'));
  const config = join(dir, 'settings.json');
  writeFileSync(config, '{}');
  // Five seconds of answer, if it were read to the end.
  fake.enqueueReply({ text: 'word '.repeat(1000), chunkSize: 10, chunkDelayMs: 10 });
  const abandonedBefore = fake.abandoned;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ask', '--config', config, '--model', 'openai/gpt-5-mini', 'hi'], {
    cwd: ROOT,
    env: { ...process.env, OPENAI_API_KEY: 'k', SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`, SWITCHBOARD_DATA_DIR: join(dir, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  // Like `head -c 20`: read the first bytes of the answer, then close the pipe.
  const first: Buffer = await new Promise((resolve) => child.stdout.once('data', resolve));
  child.stdout.destroy();
  const code = await exited;

  assert.match(first.toString(), /^word/);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, '', 'no stack trace, no message');
  // The upstream request was closed before its answer ended, rather than read (and paid for) to the end.
  await waitFor('the upstream request to be closed early', () => fake.abandoned > abandonedBefore);
});
