// How the gateway gets a provider's key: from a source that can tell at once (env vars), without waiting; from one
// that cannot (the extension's SecretStorage), by awaiting it. Either way the right key reaches the upstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSettings } from '../../src/core/config/settings';
import { MissingKeyError } from '../../src/core/errors';
import { Gateway } from '../../src/core/gateway';
import { chainKeySources, envKeySource, type KeySource } from '../../src/core/keys';
import type { ProviderDefinition } from '../../src/core/providers/types';
import type { ChatRequestInput } from '../../src/core/types';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

const ask: ChatRequestInput = { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'hello' }] };

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream();
});
after(() => fake.close());

/** A key source that counts how it is asked. */
function countingSource(known: string | null | undefined, awaited: string | undefined) {
  const asked = { known: 0, awaited: 0 };
  const source: KeySource = {
    knownKey: () => {
      asked.known++;
      return known;
    },
    getKey: async () => {
      asked.awaited++;
      return awaited;
    },
  };
  return { source, asked };
}

const gatewayWith = (keys: KeySource) =>
  new Gateway({ settings: parseSettings({ 'logging.level': 'off' }).settings, keys, env: { SWITCHBOARD_OPENAI_BASE_URL: `${fake.url}/v1` } });

async function sentKey(gateway: Gateway, stream: boolean): Promise<string | undefined> {
  const before = fake.requests.length;
  if (stream) {
    for await (const event of gateway.stream(ask)) if (event.type === 'error') throw event.error;
  } else {
    await gateway.complete(ask);
  }
  const sent = fake.requests.slice(before).filter((r) => r.method === 'POST');
  assert.equal(sent.length, 1);
  return sent[0]!.headers.authorization;
}

for (const stream of [false, true]) {
  describe(`provider keys, ${stream ? 'streaming' : 'non-streaming'}`, () => {
    test('once its adapter is loaded, a key the source knows at once is sent without asking it to look', async () => {
      const { source, asked } = countingSource('sk-known', 'sk-known');
      const gateway = gatewayWith(source);
      // The gateway's first request of a provider family loads its adapter, and awaits the key with it.
      assert.equal(await sentKey(gateway, stream), 'Bearer sk-known');
      asked.awaited = 0;
      asked.known = 0;
      assert.equal(await sentKey(gateway, stream), 'Bearer sk-known');
      assert.equal(asked.awaited, 0);
      assert.equal(asked.known, 1);
    });

    test('a key the source cannot tell at once is awaited', async () => {
      const { source, asked } = countingSource(undefined, 'sk-looked-up');
      assert.equal(await sentKey(gatewayWith(source), stream), 'Bearer sk-looked-up');
      assert.equal(asked.awaited, 1);
    });

    test('a chain whose first source cannot tell at once is awaited, so that it wins over the env var', async () => {
      const stored: KeySource = { getKey: async (p: ProviderDefinition) => (p.id === 'openai' ? 'sk-stored' : undefined) };
      const chain = chainKeySources(stored, envKeySource({ OPENAI_API_KEY: 'sk-env' }));
      assert.equal(await sentKey(gatewayWith(chain), stream), 'Bearer sk-stored');
    });

    test('a chain whose sources all tell at once is not awaited, and the first one with a key wins', async () => {
      const first = countingSource('sk-stored', 'sk-stored');
      const gateway = gatewayWith(chainKeySources(first.source, envKeySource({ OPENAI_API_KEY: 'sk-env' })));
      await sentKey(gateway, stream); // loads the adapter
      first.asked.awaited = 0;
      assert.equal(await sentKey(gateway, stream), 'Bearer sk-stored');
      assert.equal(first.asked.awaited, 0);

      const none = countingSource(null, undefined);
      const fallback = gatewayWith(chainKeySources(none.source, envKeySource({ OPENAI_API_KEY: 'sk-env' })));
      await sentKey(fallback, stream);
      none.asked.awaited = 0;
      assert.equal(await sentKey(fallback, stream), 'Bearer sk-env');
      assert.equal(none.asked.awaited, 0);
    });

    test('no key anywhere is a missing-key error naming the env var, and nothing is sent', async () => {
      const { source } = countingSource(undefined, undefined);
      const before = fake.requests.length;
      const gateway = gatewayWith(source);
      let error: unknown;
      if (stream) {
        for await (const event of gateway.stream(ask)) if (event.type === 'error') error = event.error;
      } else {
        error = await gateway.complete(ask).catch((err: unknown) => err);
      }
      assert.ok(error instanceof MissingKeyError, `got ${String(error)}`);
      assert.match(error.message, /OPENAI_API_KEY/);
      assert.equal(fake.requests.length, before);
    });
  });
}

describe('chainKeySources().knownKey', () => {
  const openai = { id: 'openai', apiKeyEnv: ['OPENAI_API_KEY'] } as ProviderDefinition;
  const telling = (key: string | null | undefined): KeySource => ({ getKey: async () => key ?? undefined, knownKey: () => key });
  const env = envKeySource({ OPENAI_API_KEY: 'sk-env' });

  test('gives the first key, passes over sources known to have none, and stops at one that cannot tell', () => {
    assert.equal(chainKeySources(telling('sk-a'), env).knownKey!(openai), 'sk-a');
    assert.equal(chainKeySources(telling(null), env).knownKey!(openai), 'sk-env');
    assert.equal(chainKeySources(telling(undefined), env).knownKey!(openai), undefined);
    assert.equal(chainKeySources({ getKey: async () => 'sk-b' }, env).knownKey!(openai), undefined);
    assert.equal(chainKeySources(telling(null), envKeySource({})).knownKey!(openai), null);
  });
});
