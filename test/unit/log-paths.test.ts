import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dataPaths, defaultDataDir } from '../../src/core/log/store';

test('SWITCHBOARD_DATA_DIR wins everywhere', () => {
  for (const platform of ['linux', 'darwin', 'win32'] as const) {
    assert.equal(defaultDataDir({ SWITCHBOARD_DATA_DIR: '/data/sb', XDG_DATA_HOME: '/xdg' }, platform, '/home/u'), '/data/sb');
  }
});

test('Linux: XDG_DATA_HOME when absolute, else ~/.local/share', () => {
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u'), '/xdg/switchboard');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: 'relative/dir' }, 'linux', '/home/u'), '/home/u/.local/share/switchboard');
  assert.equal(defaultDataDir({ SWITCHBOARD_DATA_DIR: '  ' }, 'linux', '/home/u'), '/home/u/.local/share/switchboard');
});

test('macOS: Application Support', () => {
  assert.equal(defaultDataDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/switchboard');
});

test('Windows: LOCALAPPDATA, then APPDATA, then the profile', () => {
  assert.equal(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\switchboard');
  assert.equal(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Roaming\\switchboard');
  assert.equal(defaultDataDir({}, 'win32', 'C:\\Users\\u'), 'C:\\Users\\u\\AppData\\Local\\switchboard');
});

test('the log and the totals live under the data folder', () => {
  assert.deepEqual(dataPaths('/data/sb'), { logDir: join('/data/sb', 'logs'), totalsFile: join('/data/sb', 'usage-totals.json') });
});
