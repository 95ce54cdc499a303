import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { runCli } from '../../src/cli/main';
import { resolveGatewayToken } from '../../src/server/token';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

/** `switchboard serve` and the gateway token. */

let fake: FakeUpstream;
let dir: string;

before(async () => {
  fake = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'sb-serve-'));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'switchboard.localDetection': false }));
});

after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function cli(argv: string[], env: Record<string, string>, signal = new AbortController().signal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const exit = runCli({ argv, cwd: dir, env, stdout, stderr, stdin: new PassThrough(), signal });
  return { exit, out: () => out, err: () => err };
}

test('the token is generated once per data folder, readable by its owner only, and the env var wins', () => {
  const dataDir = join(dir, 'data');
  const first = resolveGatewayToken({ SWITCHBOARD_DATA_DIR: dataDir });
  assert.equal(first.source, 'file');
  assert.match(first.token, /^sb-[\w-]{43}$/);
  assert.equal(first.path, join(dataDir, 'gateway-token'));
  assert.equal(statSync(first.path!).mode & 0o777, 0o600);
  assert.equal(readFileSync(first.path!, 'utf8').trim(), first.token);
  assert.equal(resolveGatewayToken({ SWITCHBOARD_DATA_DIR: dataDir }).token, first.token);
  assert.notEqual(resolveGatewayToken({ SWITCHBOARD_DATA_DIR: join(dir, 'other') }).token, first.token);
  assert.deepEqual(resolveGatewayToken({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_GATEWAY_TOKEN: 'mine' }), { token: 'mine', source: 'env' });
});

test('serve --print-token prints the stored token', async () => {
  const env = { SWITCHBOARD_DATA_DIR: join(dir, 'print') };
  const run = cli(['serve', '--print-token'], env);
  assert.equal(await run.exit, 0);
  assert.equal(run.out().trim(), resolveGatewayToken(env).token);
});

test('serve prints where it listens and where the token is, answers, and stops on the signal', async () => {
  const env = {
    SWITCHBOARD_DATA_DIR: join(dir, 'serve'),
    OPENAI_API_KEY: 'sk-openai',
    SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1`,
  };
  const stop = new AbortController();
  const run = cli(['serve', '--port', '0', '--config', 'settings.json'], env, stop.signal);
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    url = run.out().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    if (!url) await sleep(25);
  }
  assert.ok(url, `no URL in: ${run.out()}${run.err()}`);
  assert.match(run.out(), new RegExp(`Token: in ${join(dir, 'serve', 'gateway-token').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  assert.match(run.out(), /print it with "switchboard token"/);

  const token = resolveGatewayToken(env).token;
  const openai = new OpenAI({ apiKey: token, baseURL: `${url}/v1`, maxRetries: 0 });
  const completion = await openai.chat.completions.create({ model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] });
  assert.match(completion.choices[0].message.content ?? '', /Hi/);

  stop.abort();
  assert.equal(await run.exit, 0);
  await assert.rejects(fetch(`${url}/v1/models`));
});

test('serve rejects a bad port as a usage error', async () => {
  const run = cli(['serve', '--port', 'eighty'], { SWITCHBOARD_DATA_DIR: join(dir, 'bad') });
  assert.equal(await run.exit, 2);
  assert.match(run.err(), /--port takes a port number/);
});
