import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCache, cacheKey, canonicalJson } from '../../src/core/cache/response-cache';
import type { ChatRequest } from '../../src/core/types';

const request: ChatRequest = {
  model: 'openai/gpt-5-mini',
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'Hello' }],
  temperature: 0,
  responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object', properties: { a: { type: 'string' } } } },
};

test('canonical JSON sorts keys at every depth and drops undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
});

test('the key ignores key order, stream and metadata, and follows everything else', () => {
  const k = cacheKey(request);
  assert.match(k, /^[0-9a-f]{64}$/);
  const reordered = { temperature: 0, responseFormat: request.responseFormat, messages: request.messages, system: 'Be brief.', model: request.model };
  assert.equal(cacheKey(reordered as ChatRequest), k);
  assert.equal(cacheKey({ ...request, stream: true, metadata: { run: '7' } }), k);
  assert.notEqual(cacheKey({ ...request, temperature: 0.5 }), k);
  assert.notEqual(cacheKey({ ...request, system: 'Be long.' }), k);
  assert.notEqual(cacheKey({ ...request, messages: [{ role: 'user', content: 'Hello!' }] }), k);
  // The resolved model counts, not the alias the request named.
  assert.equal(cacheKey({ ...request, model: 'fast' }, 'openai/gpt-5-mini'), k);
  assert.notEqual(cacheKey(request, 'anthropic/claude-haiku-4-5'), k);
});

test('hit, miss, and expiry after the TTL', () => {
  let now = 1_000;
  const cache = new ResponseCache<string>({ ttlMs: 60_000, now: () => now });
  const key = cacheKey(request);
  assert.equal(cache.get(key), undefined);
  cache.set(key, 'answer');
  assert.equal(cache.get(key), 'answer');
  now += 59_999;
  assert.equal(cache.get(key), 'answer');
  now += 1;
  assert.equal(cache.get(key), undefined);
  assert.equal(cache.size, 0, 'an expired entry is dropped');
  assert.deepEqual({ hits: cache.hits, misses: cache.misses }, { hits: 2, misses: 2 });
});

test('the least recently used entry goes first when full', () => {
  const cache = new ResponseCache<number>({ ttlMs: 60_000, maxEntries: 2 });
  cache.set('a', 1);
  cache.set('b', 2);
  assert.equal(cache.get('a'), 1); // now b is the least recently used
  cache.set('c', 3);
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
  cache.configure({ maxEntries: 1 });
  assert.equal(cache.size, 1);
  assert.equal(cache.get('c'), 3);
});

test('a hit, key included, answers in well under a millisecond', () => {
  const cache = new ResponseCache<object>({ ttlMs: 60_000, maxEntries: 10_000 });
  for (let i = 0; i < 5_000; i++) cache.set(cacheKey({ ...request, messages: [{ role: 'user', content: `q${i}` }] }), { i });
  const probe: ChatRequest = { ...request, messages: [{ role: 'user', content: 'q2500' }] };
  // The best of several batches, so that a busy machine's preemptions do not count.
  const perHitMs = Math.min(
    ...Array.from({ length: 10 }, () => {
      const runs = 200;
      const started = performance.now();
      for (let i = 0; i < runs; i++) assert.ok(cache.get(cacheKey(probe)));
      return (performance.now() - started) / runs;
    }),
  );
  assert.ok(perHitMs < 0.2, `a hit took ${perHitMs.toFixed(4)} ms`);
});
