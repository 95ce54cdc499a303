import { createHash } from 'node:crypto';
import type { ChatRequest, GatewayResult } from '../types';

/**
 * An in-memory, exact-match response cache (`switchboard.cache.enabled`, `.ttlSeconds`): the same model, system,
 * messages and parameters get the stored answer back. Keys are the sha256 of a canonical JSON of the request,
 * so key order and the `stream` flag (a stored answer can be replayed as a stream) do not matter. Entries expire
 * after the TTL, and the least recently used go first once `maxEntries` is reached.
 */

/** JSON with object keys sorted and undefined members left out, so that equal requests give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const keys = Object.keys(value as Record<string, unknown>)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * The cache key of a request for a resolved model id. `stream` and `metadata` do not change the answer and are
 * left out.
 */
export function cacheKey(request: ChatRequest, modelId: string = request.model): string {
  const { stream: _stream, metadata: _metadata, model: _model, ...rest } = request;
  return createHash('sha256').update(canonicalJson({ ...rest, model: modelId })).digest('hex');
}

export interface ResponseCacheOptions {
  ttlMs: number;
  /** Default 500. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** Values are returned as stored: callers copy before changing one (e.g. `{ ...hit, cacheHit: true }`). */
export class ResponseCache<V = GatewayResult> {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry<V>>();
  private ttlMs: number;
  private maxEntries: number;
  private readonly now: () => number;
  hits = 0;
  misses = 0;

  constructor(options: ResponseCacheOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 500;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  configure(options: { ttlMs?: number; maxEntries?: number }): void {
    if (options.ttlMs !== undefined) this.ttlMs = options.ttlMs;
    if (options.maxEntries !== undefined) {
      this.maxEntries = options.maxEntries;
      this.evict();
    }
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.misses++;
      return undefined;
    }
    this.entries.set(key, entry);
    this.hits++;
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    this.evict();
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }
}
