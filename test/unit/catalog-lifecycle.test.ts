import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inService, isRetired, lifecycleNote } from '../../src/core/catalog/lifecycle';

const ending = { endOfLife: '2026-11-30', replacement: 'anthropic/claude-sonnet-4-6' };
const utc = (iso: string) => new Date(iso);

test('a model is retired from its end-of-life day on (UTC), not before', () => {
  assert.equal(isRetired(ending, utc('2026-11-29T23:59:59Z')), false);
  assert.equal(isRetired(ending, utc('2026-11-30T00:00:00Z')), true);
  assert.equal(isRetired(ending, utc('2027-01-01T00:00:00Z')), true);
  assert.equal(isRetired({}, utc('2100-01-01T00:00:00Z')), false);
});

test('the note says whether the model retires or has retired, and what to use', () => {
  assert.equal(lifecycleNote(ending, utc('2026-11-01T00:00:00Z')), 'retires on 2026-11-30; use anthropic/claude-sonnet-4-6');
  assert.equal(lifecycleNote(ending, utc('2026-12-05T00:00:00Z')), 'retired on 2026-11-30; use anthropic/claude-sonnet-4-6');
  assert.equal(lifecycleNote({ endOfLife: '2026-08-05' }, utc('2026-12-05T00:00:00Z')), 'retired on 2026-08-05');
  assert.equal(lifecycleNote({}), undefined);
});

test('model lists offer the models in service, and the one in use even when retired', () => {
  const entries = [{ id: 'a/old', ...ending }, { id: 'a/new' }, { id: 'a/later', endOfLife: '2999-01-01' }];
  const now = utc('2026-12-05T00:00:00Z');
  assert.deepEqual(inService(entries, undefined, now).map((e) => e.id), ['a/new', 'a/later']);
  assert.deepEqual(inService(entries, 'a/old', now).map((e) => e.id), ['a/old', 'a/new', 'a/later']);
});
