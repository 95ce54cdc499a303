import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inService, isRetired, lifecycleNote, retirementWarning, watchRetirements, type AnsweredRequests } from '../../src/core/catalog/lifecycle';

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

test('a model in use is warned about from 30 days before its end of life, and after it', () => {
  const entry = { id: 'anthropic/claude-sonnet-4-5', ...ending };
  assert.equal(retirementWarning(entry, utc('2026-10-30T23:59:59Z')), undefined, '31 days ahead');
  assert.equal(
    retirementWarning(entry, utc('2026-10-31T00:00:00Z')),
    'anthropic/claude-sonnet-4-5 retires on 2026-11-30, in 30 days: switch to anthropic/claude-sonnet-4-6 before then.',
  );
  assert.match(retirementWarning(entry, utc('2026-11-29T12:00:00Z'))!, /, in 1 day: /);
  assert.equal(retirementWarning(entry, utc('2026-12-05T00:00:00Z')), 'anthropic/claude-sonnet-4-5 was retired on 2026-11-30: switch to anthropic/claude-sonnet-4-6.');
  assert.equal(retirementWarning({ id: 'a/old', endOfLife: '2026-08-05' }, utc('2026-12-05T00:00:00Z')), 'a/old was retired on 2026-08-05: switch to another model.');
  assert.equal(retirementWarning({ id: 'a/new' }, utc('2026-12-05T00:00:00Z')), undefined);
});

test('answered requests warn once per model, asked for or answering, and failures and other models not at all', () => {
  const entries = new Map([
    ['a/old', { id: 'a/old', ...ending }],
    ['a/new', { id: 'a/new' }],
  ]);
  let listener: Parameters<AnsweredRequests['onDidFinish']>[0] | undefined;
  const gateway: AnsweredRequests = {
    catalog: { get: (id) => entries.get(id) },
    onDidFinish: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
  };
  const notes: string[] = [];
  const stop = watchRetirements(gateway, (message) => notes.push(message), () => utc('2026-12-05T00:00:00Z'));
  const finish = (requestedModel: string, model = requestedModel) => listener?.({ result: { requestedModel, model } });

  finish('a/new');
  listener!({});
  assert.deepEqual(notes, []);
  finish('a/old');
  finish('a/old');
  assert.deepEqual(notes, ['a/old was retired on 2026-11-30: switch to anthropic/claude-sonnet-4-6.']);
  finish('a/new', 'a/old');
  assert.equal(notes.length, 1, 'a fallback to a model already warned about');
  entries.set('a/later', { id: 'a/later', endOfLife: '2026-12-20' });
  finish('a/new', 'a/later');
  assert.deepEqual(notes.slice(1), ['a/later retires on 2026-12-20, in 15 days: switch to another model before then.']);
  stop();
  assert.equal(listener, undefined);
});
