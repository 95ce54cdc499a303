// The key store in front of SecretStorage: a stored key is read once and kept until it changes, so that requests
// do not each wait for a round trip to the window. SecretStorage is a stand-in here that counts its reads.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import { KeyStore, secretKeyName } from '../../src/extension/keys';

/** An in-memory SecretStorage that counts reads and can fail the next one. */
function fakeSecrets() {
  const values = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  const state = { reads: 0, failNextRead: false };
  const secrets: vscode.SecretStorage = {
    get: async (key) => {
      state.reads++;
      if (state.failNextRead) {
        state.failNextRead = false;
        throw new Error('the keychain is locked');
      }
      return values.get(key);
    },
    store: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
    onDidChange: changed.event,
  };
  /** A change made elsewhere (another window), which SecretStorage reports. */
  const changeElsewhere = (providerId: string, value: string) => {
    values.set(secretKeyName(providerId), value);
    changed.fire({ key: secretKeyName(providerId) });
  };
  return { secrets, state, changeElsewhere };
}

describe('Key store', () => {
  it('reads a stored key once, and again after SecretStorage reports a change', async () => {
    const { secrets, state, changeElsewhere } = fakeSecrets();
    const store = new KeyStore(secrets, {});
    await store.store('openai', ' sk-first ');
    const keys = await Promise.all([store.get('openai'), store.get('openai'), store.get('openai')]);
    assert.deepEqual(keys, ['sk-first', 'sk-first', 'sk-first']);
    assert.equal(await store.get('openai'), 'sk-first');
    assert.equal(state.reads, 1);

    const fired: string[] = [];
    store.onDidChange((id) => fired.push(id));
    changeElsewhere('openai', 'sk-second');
    assert.deepEqual(fired, ['openai']);
    assert.equal(await store.get('openai'), 'sk-second');
    assert.equal(state.reads, 2);
    store.dispose();
  });

  it('a key stored or deleted here is in force for the next request, before any change is reported', async () => {
    const { secrets } = fakeSecrets();
    // SecretStorage that never reports changes: the store must not depend on the event for its own writes.
    const silent: vscode.SecretStorage = { ...secrets, onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event };
    const store = new KeyStore(silent, {});
    assert.equal(await store.get('anthropic'), undefined);
    await store.store('anthropic', 'sk-ant');
    assert.equal(await store.get('anthropic'), 'sk-ant');
    await store.delete('anthropic');
    assert.equal(await store.get('anthropic'), undefined);
    store.dispose();
  });

  it('a read that failed is not kept: the next request reads again', async () => {
    const { secrets, state } = fakeSecrets();
    const store = new KeyStore(secrets, {});
    await store.store('groq', 'gsk-1');
    state.failNextRead = true;
    await assert.rejects(store.get('groq'), /keychain is locked/);
    assert.equal(await store.get('groq'), 'gsk-1');
    assert.equal(state.reads, 2);
    store.dispose();
  });

  it('the gateway’s key source still falls back to the env var when nothing is stored', async () => {
    const { secrets } = fakeSecrets();
    const store = new KeyStore(secrets, { MISTRAL_API_KEY: 'env-key' });
    const provider = BUILTIN_PROVIDERS.find((p) => p.id === 'mistral')!;
    assert.deepEqual(provider.apiKeyEnv, ['MISTRAL_API_KEY']);
    assert.equal(await store.source.getKey(provider), 'env-key');
    await store.store('mistral', 'stored-key');
    assert.equal(await store.source.getKey(provider), 'stored-key');
    store.dispose();
  });

  it('once read, a key is known to the gateway without waiting, until it changes', async () => {
    const { secrets, state, changeElsewhere } = fakeSecrets();
    const store = new KeyStore(secrets, { MISTRAL_API_KEY: 'env-key' });
    const provider = BUILTIN_PROVIDERS.find((p) => p.id === 'mistral')!;
    const known = () => store.source.knownKey!(provider);
    assert.equal(known(), undefined, 'not read yet: the gateway must wait for SecretStorage');
    assert.equal(await store.source.getKey(provider), 'env-key');
    assert.equal(known(), 'env-key', 'nothing stored: the env var, at once');

    await store.store('mistral', 'stored-key');
    assert.equal(known(), undefined, 'stored here: unknown until read again');
    await store.source.getKey(provider);
    assert.equal(known(), 'stored-key');

    changeElsewhere('mistral', 'other-window-key');
    assert.equal(known(), undefined, 'changed elsewhere: unknown until read again');
    assert.equal(await store.source.getKey(provider), 'other-window-key');
    assert.equal(known(), 'other-window-key');

    state.failNextRead = true;
    changeElsewhere('mistral', 'unreadable');
    await assert.rejects(store.source.getKey(provider), /keychain is locked/);
    assert.equal(known(), undefined, 'a failed read is not known');
    store.dispose();
  });
});
