import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HISTORY_KEY, PlaygroundHistory, type StateStore } from '../../src/extension/playground/history';
import type { Conversation } from '../../src/shared/playground-protocol';

/** A Memento in memory that, like VS Code's, stores a copy (JSON) of what it is given. */
class MemoryStore implements StateStore {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
  }
}

const conversation = (id: string, updatedAt: number, turns = 1): Conversation => ({
  id,
  title: `chat ${id}`,
  createdAt: 0,
  updatedAt,
  columns: [{ id: 'a', model: 'openai/gpt-5-mini' }],
  params: { system: '', stop: [], output: 'text', jsonSchema: '' },
  turns: Array.from({ length: turns }, (_, i) => ({ id: `t${i}`, user: { text: 'q', images: [] }, replies: {} })),
});

test('saves, replaces and lists conversations newest first, and survives a new store instance', async () => {
  const store = new MemoryStore();
  const history = new PlaygroundHistory(store);
  await history.save(conversation('a', 1));
  await history.save(conversation('b', 3));
  await history.save({ ...conversation('a', 5, 2), title: 'renamed' });
  const reopened = new PlaygroundHistory(store);
  assert.deepEqual(reopened.list(), [
    { id: 'a', title: 'renamed', updatedAt: 5, turns: 2, models: ['openai/gpt-5-mini'] },
    { id: 'b', title: 'chat b', updatedAt: 3, turns: 1, models: ['openai/gpt-5-mini'] },
  ]);
  assert.equal(reopened.get('a')?.turns.length, 2);
});

test('keeps at most the limit, dropping the oldest, and never keeps an empty conversation', async () => {
  const history = new PlaygroundHistory(new MemoryStore(), 3);
  for (let i = 1; i <= 5; i++) await history.save(conversation(`c${i}`, i));
  await history.save(conversation('empty', 10, 0));
  assert.deepEqual(history.list().map((c) => c.id), ['c5', 'c4', 'c3']);
});

test('deletes, and drops stored records that no longer parse', async () => {
  const store = new MemoryStore();
  await store.update(HISTORY_KEY, [conversation('ok', 1), { id: 'broken', turns: 'nope' }, 42]);
  const history = new PlaygroundHistory(store);
  assert.deepEqual(history.list().map((c) => c.id), ['ok']);
  await history.delete('ok');
  assert.deepEqual(history.list(), []);
  assert.deepEqual(store.get(HISTORY_KEY), []);
});
