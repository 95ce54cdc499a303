// Rotating the gateway token: running servers switch to the new one without a restart, and `switchboard token`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSettings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import { runCli } from '../../src/cli/main';
import { startServer } from '../../src/server/server';
import { resolveGatewayToken, rotateGatewayToken } from '../../src/server/token';
import { runCliCapturing } from '../support/run-cli';

let dir: string;
let gateway: Gateway;
let n = 0;
const dataDir = () => join(dir, `data-${++n}`);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-token-rotate-'));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ 'switchboard.localDetection': false }));
  gateway = new Gateway({ settings: parseSettings({ localDetection: false }).settings, keys: envKeySource({}), env: {} });
});

after(async () => {
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The status GET /v1/models gets with `token`. */
async function status(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

/** Polls until `token` gets `expected`; fails after `timeoutMs` (the watch checks the file every second). */
async function untilStatus(url: string, token: string, expected: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = await status(url, token);
  while (last !== expected) {
    if (Date.now() > deadline) assert.fail(`token ${token.slice(0, 8)}… still gets ${last}, not ${expected}, after ${timeoutMs} ms`);
    await sleep(50);
    last = await status(url, token);
  }
}

test('a server started from the token file refuses the old token and accepts the new one after a rotation', async () => {
  const data = dataDir();
  const { token: old, path } = resolveGatewayToken({}, data);
  const server = await startServer({ gateway, token: old, tokenFile: path, port: 0 });
  try {
    assert.equal(await status(server.url, old), 200);
    const started = Date.now();
    const { token: rotated } = rotateGatewayToken({}, data);
    await untilStatus(server.url, old, 401);
    assert.equal(await status(server.url, rotated), 200);
    assert.ok(Date.now() - started < 5000);

    // The file deleted: the server keeps its token through several checks of the file, and does not fail.
    rmSync(path!);
    const gone = Date.now();
    while (Date.now() - gone < 1500) {
      assert.equal(await status(server.url, rotated), 200);
      await sleep(100);
    }
    // A token written into the file by hand later is still picked up: the watch outlived the missing file.
    writeFileSync(path!, 'sb-written-by-hand\n', { mode: 0o600 });
    await untilStatus(server.url, 'sb-written-by-hand', 200);
    assert.equal(await status(server.url, rotated), 401);
  } finally {
    await server.close();
  }
});

test('setToken switches a running server at once; a blank token is refused', async () => {
  const server = await startServer({ gateway, token: 'sb-first', port: 0 });
  try {
    assert.equal(await status(server.url, 'sb-first'), 200);
    server.setToken('sb-second');
    assert.equal(await status(server.url, 'sb-first'), 401);
    assert.equal(await status(server.url, 'sb-second'), 200);
    assert.throws(() => server.setToken('  '), /must not be blank/);
    assert.equal(await status(server.url, 'sb-second'), 200);
  } finally {
    await server.close();
  }
});

function serve(env: Record<string, string>, signal: AbortSignal) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d) => (out += d));
  const exit = runCli({ argv: ['serve', '--port', '0', '--config', 'settings.json'], cwd: dir, env, stdout, stderr: new PassThrough(), stdin: new PassThrough(), signal });
  return { exit, out: () => out };
}

test('`switchboard token --rotate` while `switchboard serve` runs: the server follows the file', async () => {
  const env = { SWITCHBOARD_DATA_DIR: dataDir() };
  const stop = new AbortController();
  const run = serve(env, stop.signal);
  let server: string | undefined;
  try {
    for (let i = 0; i < 200 && !server; i++) {
      server = run.out().match(/listening on (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
      if (!server) await sleep(25);
    }
    assert.ok(server, `no URL in: ${run.out()}`);

    const shown = await runCliCapturing(['token'], { cwd: dir, env });
    assert.equal(shown.code, 0, shown.stderr);
    const old = shown.stdout.trim();
    assert.equal(old, resolveGatewayToken(env).token);
    assert.equal(await status(server, old), 200);

    const rotated = await runCliCapturing(['token', '--rotate'], { cwd: dir, env });
    assert.equal(rotated.code, 0, rotated.stderr);
    const fresh = rotated.stdout.trim();
    assert.match(fresh, /^sb-[\w-]{43}$/);
    assert.notEqual(fresh, old);
    const file = join(env.SWITCHBOARD_DATA_DIR, 'gateway-token');
    assert.equal(readFileSync(file, 'utf8').trim(), fresh);
    assert.ok(rotated.stderr.includes(`the new token is in ${file}`), rotated.stderr);
    assert.match(rotated.stderr, /Clients must send it from now on/);

    await untilStatus(server, old, 401);
    assert.equal(await status(server, fresh), 200);

    const json = await runCliCapturing(['token', '--json'], { cwd: dir, env });
    assert.deepEqual(JSON.parse(json.stdout), { token: fresh, source: 'file', path: file, rotated: false });
  } finally {
    stop.abort();
    assert.equal(await run.exit, 0);
  }
});

test('`switchboard token --rotate --json` prints the new token as JSON, and the stderr line', async () => {
  const env = { SWITCHBOARD_DATA_DIR: dataDir() };
  const old = resolveGatewayToken(env).token;
  const run = await runCliCapturing(['token', '--rotate', '--json'], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr);
  const printed = JSON.parse(run.stdout);
  assert.deepEqual(printed, { token: resolveGatewayToken(env).token, path: join(env.SWITCHBOARD_DATA_DIR, 'gateway-token'), source: 'file', rotated: true });
  assert.notEqual(printed.token, old);
  assert.match(run.stderr, /the new token is in/);
});

test('`switchboard token --rotate` errors: the env var, an unwritable data folder, a stray argument (exit 2)', async () => {
  const data = dataDir();
  const old = resolveGatewayToken({ SWITCHBOARD_DATA_DIR: data }).token;
  const fromEnv = await runCliCapturing(['token', '--rotate'], { cwd: dir, env: { SWITCHBOARD_DATA_DIR: data, SWITCHBOARD_GATEWAY_TOKEN: 'sb-env' } });
  assert.equal(fromEnv.code, 2);
  assert.equal(fromEnv.stdout, '');
  assert.match(fromEnv.stderr, /SWITCHBOARD_GATEWAY_TOKEN sets the gateway token.*change or unset that variable instead/);
  assert.equal(resolveGatewayToken({ SWITCHBOARD_DATA_DIR: data }).token, old);
  // Without --rotate the env var's token is simply printed.
  const printed = await runCliCapturing(['token'], { cwd: dir, env: { SWITCHBOARD_DATA_DIR: data, SWITCHBOARD_GATEWAY_TOKEN: 'sb-env' } });
  assert.equal(printed.stdout, 'sb-env\n');

  // A regular file where the data folder should be: fails for root too.
  const blocker = join(dir, `blocker-${++n}`);
  writeFileSync(blocker, '');
  const unwritable = await runCliCapturing(['token', '--rotate'], { cwd: dir, env: { SWITCHBOARD_DATA_DIR: join(blocker, 'sb') } });
  assert.equal(unwritable.code, 2);
  assert.ok(unwritable.stderr.includes(`Could not write a new gateway token to ${join(blocker, 'sb', 'gateway-token')}`), unwritable.stderr);

  const stray = await runCliCapturing(['token', 'now'], { cwd: dir, env: { SWITCHBOARD_DATA_DIR: data } });
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /Unexpected argument "now"/);
  const unknown = await runCliCapturing(['token', '--force'], { cwd: dir, env: { SWITCHBOARD_DATA_DIR: data } });
  assert.equal(unknown.code, 2);
});

test('the help lists the token command', async () => {
  const run = await runCliCapturing(['--help'], { cwd: dir, env: {} });
  assert.match(run.stdout, /switchboard token \[--rotate\] \[--json\]/);
  const own = await runCliCapturing(['token', '--help'], { cwd: dir, env: {} });
  assert.equal(own.stdout, 'Usage: switchboard token [--rotate] [--json]\n');
});
