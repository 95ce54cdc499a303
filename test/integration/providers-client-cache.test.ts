import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientCache, type ClientKey } from '../../src/core/providers/client-cache';

test('one client per base URL, key, auth and headers, whatever the header order', () => {
  const made: ClientKey[] = [];
  const cache = new ClientCache((key) => {
    made.push(key);
    return { id: made.length };
  });
  const a = cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers: { x: '1', y: '2' } });
  assert.equal(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers: { y: '2', x: '1' } }), a);
  assert.notEqual(cache.get({ baseURL: 'https://a/v1', apiKey: 'other', headers: { x: '1', y: '2' } }), a);
  assert.notEqual(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers: { x: '1' } }), a);
  assert.notEqual(cache.get({ baseURL: 'https://b/v1', apiKey: 'k', headers: { x: '1', y: '2' } }), a);
  assert.notEqual(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', auth: 'x-api-key', headers: { x: '1', y: '2' } }), a);
  assert.equal(made.length, 5);
});

test('the least recently used client goes when the cache is full', () => {
  let created = 0;
  const cache = new ClientCache(() => ++created, 2);
  const key = (baseURL: string): ClientKey => ({ baseURL, headers: {} });
  cache.get(key('a'));
  cache.get(key('b'));
  cache.get(key('a'));
  cache.get(key('c'));
  assert.equal(cache.size, 2);
  assert.equal(cache.get(key('a')), 1, 'a was used recently and stays');
  assert.equal(cache.get(key('b')), 4, 'b was evicted and is built again');
});

test('calls that share a headers object still get a client of their own base URL, key and auth', () => {
  let created = 0;
  const cache = new ClientCache(() => ++created);
  const headers = { 'x-tenant': 'a' };
  const first = cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers });
  assert.equal(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers }), first);
  assert.notEqual(cache.get({ baseURL: 'https://a/v1', apiKey: 'rotated', headers }), first);
  assert.notEqual(cache.get({ baseURL: 'https://b/v1', apiKey: 'k', headers }), first);
  assert.notEqual(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', auth: 'x-api-key', headers }), first);
  assert.equal(cache.get({ baseURL: 'https://a/v1', apiKey: 'k', headers }), first, 'back to the first: the same client again');
  assert.equal(created, 4);
});
