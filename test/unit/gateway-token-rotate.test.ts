// rotateGatewayToken: a new token in the data-folder file, replaced atomically; watchGatewayToken: following it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs, { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../../src/core/errors';
import { resolveGatewayToken, rotateGatewayToken, syncGatewayToken, TOKEN_FILE_NAME, watchGatewayToken } from '../../src/server/token';
import { fileMode, fileToken, tokenDataDirs } from '../support/token-dirs';
import { waitFor } from '../support/wait-for';

const { root, fresh } = tokenDataDirs('switchboard-token-rotate-');
const mode = fileMode;
const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;

test('rotation writes a new token of the usual format, owner-only, and the CLI serves it', () => {
  const { dir, file } = fresh();
  const old = resolveGatewayToken({}, dir).token;
  const rotated = rotateGatewayToken({}, dir);
  assert.equal(rotated.path, file);
  assert.match(rotated.token, /^sb-[A-Za-z0-9_-]{43}$/);
  assert.notEqual(rotated.token, old);
  assert.equal(readFileSync(file, 'utf8'), `${rotated.token}\n`);
  if (posix) assert.equal(mode(file), 0o600);
  assert.deepEqual(resolveGatewayToken({}, dir), { token: rotated.token, source: 'file', path: file });
  // Nothing but the token file is left in the folder.
  assert.deepEqual(readdirSync(dir), [TOKEN_FILE_NAME]);
  // Each rotation makes another token.
  assert.notEqual(rotateGatewayToken({}, dir).token, rotated.token);
});

test('rotation with no data folder yet creates it, owner-only', () => {
  const { dir, file } = fresh();
  const { token } = rotateGatewayToken({ SWITCHBOARD_DATA_DIR: dir });
  assert.equal(fileToken(file), token);
  if (posix) {
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(file), 0o600);
  }
});

test('a token file with looser permissions is replaced by an owner-only one', { skip: !posix }, () => {
  const { dir, file } = fresh();
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, 'sb-old\n', { mode: 0o644 });
  chmodSync(file, 0o644);
  rotateGatewayToken({}, dir);
  assert.equal(mode(file), 0o600);
});

test('SWITCHBOARD_GATEWAY_TOKEN set: rotation is refused with what to do, and the file is untouched', () => {
  const { dir, file } = fresh();
  const old = resolveGatewayToken({}, dir).token;
  assert.throws(
    () => rotateGatewayToken({ SWITCHBOARD_GATEWAY_TOKEN: 'sb-from-env' }, dir),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /SWITCHBOARD_GATEWAY_TOKEN sets the gateway token/);
      assert.match(err.message, /change or unset that variable instead/);
      return true;
    },
  );
  assert.equal(fileToken(file), old);
  // Blank counts as unset, as everywhere else.
  assert.notEqual(rotateGatewayToken({ SWITCHBOARD_GATEWAY_TOKEN: '  ' }, dir).token, old);
});

/**
 * Rotates in `dir` as a user who may not write there: this process when it is not root (root ignores the
 * folder's mode), else a child process running as `nobody`. Returns the error's name and message.
 */
function rotateWithoutWriteAccess(dir: string): { name: string; message: string } {
  if (!isRoot) {
    try {
      rotateGatewayToken({}, dir);
    } catch (err) {
      return { name: (err as Error).name, message: (err as Error).message };
    }
    assert.fail('rotation succeeded in a read-only folder');
  }
  const script = `
    const { rotateGatewayToken } = require(${JSON.stringify(join(__dirname, '../../src/server/token.ts'))});
    try { rotateGatewayToken({}, process.argv[1]); console.log('{}'); }
    catch (err) { console.log(JSON.stringify({ name: err.name, message: err.message })); }`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, dir], { uid: 65534, gid: 65534, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}');
  assert.ok(result.message, 'rotation succeeded in a read-only folder');
  return result;
}

test('a read-only data folder: the error names the file and what to do, the old file stays, no temp file is left', { skip: !posix }, () => {
  const { dir, file } = fresh();
  const old = resolveGatewayToken({}, dir).token;
  // Readable and searchable by everyone (the `nobody` child must reach it), writable by nobody but root.
  for (let d = dir; d.startsWith(root); d = join(d, '..')) chmodSync(d, 0o755);
  chmodSync(dir, 0o555);
  try {
    const error = rotateWithoutWriteAccess(dir);
    assert.equal(error.name, 'ConfigError');
    assert.ok(error.message.includes(`Could not write a new gateway token to ${file}`), error.message);
    assert.match(error.message, /EACCES/);
    assert.ok(error.message.includes(`make sure ${dir} is a folder you can write to`), error.message);
    assert.match(error.message, /old token is unchanged/);
  } finally {
    chmodSync(dir, 0o700);
  }
  assert.equal(readFileSync(file, 'utf8'), `${old}\n`);
  assert.deepEqual(readdirSync(dir), [TOKEN_FILE_NAME]);
});

test('the disk filling up mid-write: the partial temp file is removed and the old file stays', (t) => {
  const { dir, file } = fresh();
  const old = resolveGatewayToken({}, dir).token;
  const write = fs.writeFileSync;
  // The temp file is created and half written when the disk runs out, as a real ENOSPC leaves it.
  t.mock.method(fs, 'writeFileSync', (path: fs.PathOrFileDescriptor, data: string, options: fs.WriteFileOptions) => {
    write(path, data.slice(0, 10), options);
    throw Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC' });
  });
  assert.throws(() => rotateGatewayToken({}, dir), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.ok(err.message.includes(file), err.message);
    assert.match(err.message, /ENOSPC.*free some disk space/);
    return true;
  });
  t.mock.restoreAll();
  assert.equal(readFileSync(file, 'utf8'), `${old}\n`);
  assert.deepEqual(readdirSync(dir), [TOKEN_FILE_NAME]);
});

test('the rename failing: the written temp file is removed and the old file stays', (t) => {
  const { dir, file } = fresh();
  const old = resolveGatewayToken({}, dir).token;
  t.mock.method(fs, 'renameSync', () => {
    throw Object.assign(new Error('EPERM: operation not permitted, rename'), { code: 'EPERM' });
  });
  assert.throws(() => rotateGatewayToken({}, dir), /Could not write a new gateway token to .*EPERM/);
  t.mock.restoreAll();
  assert.equal(fileToken(file), old);
  assert.deepEqual(readdirSync(dir), [TOKEN_FILE_NAME]);
});

test('after a rotation the editor adopts the new token: the file wins and SecretStorage is asked to store it', () => {
  const { dir, file } = fresh();
  const old = syncGatewayToken({}, undefined, dir).token;
  const { token } = rotateGatewayToken({}, dir);
  assert.deepEqual(syncGatewayToken({}, old, dir), { token, source: 'file', path: file, storeInSecrets: token });
  // The old SecretStorage copy does not bring the old token back into the file.
  assert.equal(fileToken(file), token);
});

test('watchGatewayToken follows rotations, skips a deleted or blank file, and stops when asked', async () => {
  const { dir, file } = fresh();
  resolveGatewayToken({}, dir);
  const seen: string[] = [];
  const stop = watchGatewayToken(file, (token) => seen.push(token), 20);
  try {
    const first = rotateGatewayToken({}, dir).token;
    await waitFor('the first rotation', () => seen.at(-1) === first, 3000);

    // Gone, then blank: nothing is reported (the caller keeps its token), and the watcher lives on.
    rmSync(file);
    writeFileSync(file, '  \n');
    const second = rotateGatewayToken({}, dir).token;
    await waitFor('the rotation after the file was deleted', () => seen.at(-1) === second, 3000);
    assert.ok(seen.every((token) => token === first || token === second), JSON.stringify(seen));
  } finally {
    stop();
  }
  const count = seen.length;
  rotateGatewayToken({}, dir);
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(seen.length, count, 'reported a change after stop()');
  assert.equal(existsSync(file), true);
});
