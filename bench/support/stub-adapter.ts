import { parseSettings } from '../../src/core/config/settings';
import { Gateway } from '../../src/core/gateway';
import { envKeySource } from '../../src/core/keys';
import type { ProviderAdapter, ResolvedCall } from '../../src/core/providers/types';
import { emptyUsage, type ChatRequestInput, type ChatResult } from '../../src/core/types';

const stubResult: ChatResult = { text: 'Something short.', toolCalls: [], finishReason: 'stop', usage: { ...emptyUsage(), inputTokens: 12, outputTokens: 4 } };

/**
 * A stand-in for the OpenAI adapter, for measuring the core alone. It listens to its abort signal as an SDK call
 * does, and answers after one turn of the event loop; streaming, it sends `chunks` one-character chunks a turn
 * apart, then usage and the result. `afterTurn` runs after each turn (to disturb the CPU caches, say).
 */
export function stubAdapter(afterTurn: () => void = () => undefined, chunks = 20): ProviderAdapter {
  const nextTurn = () =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        afterTurn();
        resolve();
      }),
    );
  return {
    async complete(_call, options) {
      options.signal?.addEventListener('abort', () => undefined, { once: true });
      await nextTurn();
      return { ...stubResult };
    },
    async *stream(_call, options) {
      options.signal?.addEventListener('abort', () => undefined, { once: true });
      for (let i = 0; i < chunks; i++) {
        await nextTurn();
        yield { type: 'text', delta: 'x' };
      }
      yield { type: 'usage', usage: stubResult.usage };
      yield { type: 'done', result: { ...stubResult } };
    },
  };
}

/** A gateway whose OpenAI models go to `adapter`, with logging off. */
export function stubbedGateway(adapter: ProviderAdapter): Gateway {
  const env = { OPENAI_API_KEY: 'bench-key' };
  return new Gateway({ settings: parseSettings({ 'logging.level': 'off' }).settings, keys: envKeySource(env), env, adapters: { openai: adapter } });
}

/**
 * A gateway whose OpenAI models go to the upstream at `baseURL` (see fake-upstream.ts), with logging off unless
 * `settings` say otherwise.
 */
export function fakeGateway(baseURL: string, settings: Record<string, unknown> = { 'logging.level': 'off' }): Gateway {
  const env = { OPENAI_API_KEY: 'bench-key', SWITCHBOARD_OPENAI_BASE_URL: baseURL };
  return new Gateway({ settings: parseSettings(settings).settings, keys: envKeySource(env), env });
}

/**
 * The call `fakeGateway(baseURL)` would hand its adapter for `input`, so that the adapter can be called without the
 * core in front of it.
 */
export function adapterCall(gateway: Gateway, baseURL: string, input: ChatRequestInput, stream: boolean): ResolvedCall {
  const entry = gateway.catalog.resolve(input.model);
  const request = gateway.normalize(input);
  request.stream = stream;
  return {
    provider: gateway.catalog.provider(entry.provider)!,
    modelId: entry.id,
    upstreamModel: entry.upstreamModel,
    baseURL,
    apiKey: 'bench-key',
    headers: {},
    request,
  };
}
