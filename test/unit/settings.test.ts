import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, parseSettings } from '../../src/core/config/settings';

test('a partial object setting is merged with its defaults', () => {
  const { settings, warnings } = parseSettings({ 'switchboard.retry': { maxAttempts: 5 } });
  assert.deepEqual(warnings, []);
  assert.deepEqual(settings.retry, { ...DEFAULT_SETTINGS.retry, maxAttempts: 5 });
});

test('an invalid value is named in a warning and the last good value stays', () => {
  const previous = parseSettings({ model: 'anthropic/claude-sonnet-4-5' }).settings;
  const { settings, warnings } = parseSettings({ model: 42, 'retry': { maxAttempts: -1 } }, previous);
  assert.equal(settings.model, 'anthropic/claude-sonnet-4-5');
  assert.equal(settings.retry.maxAttempts, DEFAULT_SETTINGS.retry.maxAttempts);
  assert.deepEqual(warnings.map((w) => w.setting), ['switchboard.model', 'switchboard.retry']);
  assert.match(warnings[1].message, /maxAttempts/);
});

test('an absent setting returns to its default', () => {
  const previous = parseSettings({ 'cache.enabled': true }).settings;
  assert.equal(previous['cache.enabled'], true);
  assert.equal(parseSettings({}, previous).settings['cache.enabled'], false);
});
