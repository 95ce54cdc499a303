// syncGatewayToken: the data-folder token file and the editor's SecretStorage copy kept the same.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveGatewayToken, syncGatewayToken, TOKEN_FILE_NAME } from '../../src/server/token';
import { ConfigError } from '../../src/core/errors';
import { fileMode, fileToken, tokenDataDirs } from '../support/token-dirs';

const { root, fresh } = tokenDataDirs('switchboard-token-sync-');
const mode = fileMode;
const posix = process.platform !== 'win32';

test('neither copy: one new token goes to the file (owner-only) and to SecretStorage', () => {
  const { dir, file } = fresh();
  const first = syncGatewayToken({}, undefined, dir);
  assert.match(first.token, /^sb-[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(first, { token: first.token, source: 'file', path: file, storeInSecrets: first.token });
  assert.equal(fileToken(file), first.token);
  if (posix) {
    assert.equal(mode(file), 0o600);
    assert.equal(mode(dir), 0o700);
  }
  // Both copies agree now: nothing to store, and the token does not change.
  assert.deepEqual(syncGatewayToken({}, first.token, dir), { token: first.token, source: 'file', path: file });
});

test('only the file has a token: it is mirrored into SecretStorage', () => {
  const { dir, file } = fresh();
  const cli = resolveGatewayToken({}, dir);
  assert.deepEqual(syncGatewayToken({}, undefined, dir), { token: cli.token, source: 'file', path: file, storeInSecrets: cli.token });
});

test('only SecretStorage has a token (file deleted, new data folder): it is written back to the file, owner-only', () => {
  const { dir, file } = fresh();
  const synced = syncGatewayToken({}, 'sb-kept-in-secret-storage', dir);
  assert.deepEqual(synced, { token: 'sb-kept-in-secret-storage', source: 'file', path: file });
  assert.equal(fileToken(file), 'sb-kept-in-secret-storage');
  if (posix) assert.equal(mode(file), 0o600);
  // The CLI now serves the same token.
  assert.equal(resolveGatewayToken({}, dir).token, 'sb-kept-in-secret-storage');

  rmSync(file);
  syncGatewayToken({}, 'sb-kept-in-secret-storage', dir);
  assert.equal(fileToken(file), 'sb-kept-in-secret-storage');
});

test('both differ: the file wins and SecretStorage is updated; the file is left alone', () => {
  const { dir, file } = fresh();
  syncGatewayToken({}, 'sb-from-the-file', dir);
  const synced = syncGatewayToken({}, 'sb-stale-secret', dir);
  assert.deepEqual(synced, { token: 'sb-from-the-file', source: 'file', path: file, storeInSecrets: 'sb-from-the-file' });
  assert.equal(fileToken(file), 'sb-from-the-file');
});

test('surrounding whitespace in either copy is not part of the token', () => {
  const { dir, file } = fresh();
  syncGatewayToken({}, '  sb-spaced  \n', dir);
  assert.equal(readFileSync(file, 'utf8'), 'sb-spaced\n');
  assert.deepEqual(syncGatewayToken({}, 'sb-spaced\n', dir), { token: 'sb-spaced', source: 'file', path: file });
  // A blank SecretStorage value counts as none.
  assert.equal(syncGatewayToken({}, '   ', dir).storeInSecrets, 'sb-spaced');
});

test('SWITCHBOARD_GATEWAY_TOKEN overrides both copies, and neither is read, written or stored', () => {
  const { dir, file } = fresh();
  assert.deepEqual(syncGatewayToken({ SWITCHBOARD_GATEWAY_TOKEN: ' sb-env ' }, 'sb-secret', dir), { token: 'sb-env', source: 'env' });
  assert.equal(existsSync(file), false);
  // Blank counts as unset.
  assert.equal(syncGatewayToken({ SWITCHBOARD_GATEWAY_TOKEN: ' ' }, 'sb-secret', dir).source, 'file');
});

test('the data folder from the environment (SWITCHBOARD_DATA_DIR) is the one the CLI uses', () => {
  const { dir, file } = fresh();
  const synced = syncGatewayToken({ SWITCHBOARD_DATA_DIR: dir }, undefined);
  assert.equal(synced.path, file);
  assert.equal(resolveGatewayToken({ SWITCHBOARD_DATA_DIR: dir }).token, synced.token);
});

test('an unwritable data folder: the SecretStorage token still serves, with the reason and the path', () => {
  // A regular file where the folder should be: fails for root too, unlike permissions.
  const blocker = join(root, 'blocker');
  writeFileSync(blocker, '');
  const dir = join(blocker, 'switchboard');
  const kept = syncGatewayToken({}, 'sb-kept', dir);
  assert.equal(kept.token, 'sb-kept');
  assert.equal(kept.source, 'secret-storage');
  assert.equal(kept.path, join(dir, TOKEN_FILE_NAME));
  assert.equal(kept.storeInSecrets, undefined);
  assert.match(kept.fileError ?? '', /ENOTDIR|EEXIST/);

  // With no SecretStorage copy either, a new token is made and must be stored there.
  const made = syncGatewayToken({}, undefined, dir);
  assert.equal(made.source, 'secret-storage');
  assert.match(made.token, /^sb-/);
  assert.equal(made.storeInSecrets, made.token);
  assert.ok(made.fileError);

  // The CLI has no other copy: a configuration error (exit code 2) that names the file and the ways out.
  assert.throws(
    () => resolveGatewayToken({}, dir),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.exitCode === 2 &&
      err.message.includes(join(dir, TOKEN_FILE_NAME)) &&
      /SWITCHBOARD_DATA_DIR/.test(err.message) &&
      /SWITCHBOARD_GATEWAY_TOKEN/.test(err.message),
  );
});

test('a blank token file is a file problem that says what to do, and the SecretStorage token serves', () => {
  const { dir, file } = fresh();
  syncGatewayToken({}, 'sb-x', dir);
  writeFileSync(file, '\n');
  const synced = syncGatewayToken({}, 'sb-kept', dir);
  assert.equal(synced.source, 'secret-storage');
  assert.equal(synced.token, 'sb-kept');
  assert.match(synced.fileError ?? '', /exists but holds no token: delete it/);
  assert.throws(() => resolveGatewayToken({}, dir), /exists but holds no token/);
});

test('a token file with looser permissions is tightened to owner-only', { skip: !posix }, () => {
  const { dir, file } = fresh();
  syncGatewayToken({}, 'sb-loose', dir);
  chmodSync(file, 0o644);
  syncGatewayToken({}, 'sb-loose', dir);
  assert.equal(mode(file), 0o600);
});
