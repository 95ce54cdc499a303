import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/config/settings';
import { ConfigError } from '../../src/core/errors';
import { resolveEndpoint } from '../../src/core/providers/endpoint';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import type { ProviderDefinition } from '../../src/core/providers/types';

const provider = (id: string): ProviderDefinition => BUILTIN_PROVIDERS.find((p) => p.id === id)!;
const settingsWith = (patch: Partial<Settings>): Settings => ({ ...DEFAULT_SETTINGS, ...patch });
const gateway = (patch: Partial<NonNullable<Settings['cloudflareGateway']>> = {}): Settings['cloudflareGateway'] => ({
  accountId: 'acc123',
  gatewayId: 'my-gw',
  ...patch,
});

describe('resolveEndpoint: base URL precedence', () => {
  test("the registry's base URL when nothing overrides it", () => {
    assert.deepEqual(resolveEndpoint(provider('openai'), DEFAULT_SETTINGS, {}), { baseURL: 'https://api.openai.com/v1', headers: {} });
  });

  test('env beats settings, which beat the Cloudflare route, which beats the registry', () => {
    const openai = provider('openai');
    const settings = settingsWith({
      providers: { openai: { baseURL: 'https://proxy.example.com/v1' } },
      cloudflareGateway: gateway(),
    });
    const env = { SWITCHBOARD_OPENAI_BASE_URL: 'http://localhost:9999/v1/' };
    assert.equal(resolveEndpoint(openai, settings, env).baseURL, 'http://localhost:9999/v1');
    assert.equal(resolveEndpoint(openai, settings, {}).baseURL, 'https://proxy.example.com/v1');
    assert.equal(resolveEndpoint(openai, settingsWith({ cloudflareGateway: gateway() }), {}).baseURL, 'https://gateway.ai.cloudflare.com/v1/acc123/my-gw/openai');
  });

  test("the env var name follows the provider id, with - as _", () => {
    const env = { SWITCHBOARD_WORKERS_AI_BASE_URL: 'http://127.0.0.1:1/ai/v1' };
    assert.equal(resolveEndpoint(provider('workers-ai'), DEFAULT_SETTINGS, env).baseURL, 'http://127.0.0.1:1/ai/v1');
  });
});

describe('resolveEndpoint: Cloudflare AI Gateway', () => {
  test('routes each provider to its documented path, with the gateway headers', () => {
    const settings = settingsWith({
      cloudflareGateway: gateway({ cacheTtl: 3600, skipCache: true, metadata: { team: 'docs', build: 42, ci: false } }),
    });
    const { baseURL, headers } = resolveEndpoint(provider('anthropic'), settings, {}, { gatewayToken: 'cf-token' });
    assert.equal(baseURL, 'https://gateway.ai.cloudflare.com/v1/acc123/my-gw/anthropic');
    assert.deepEqual(headers, {
      'cf-aig-authorization': 'Bearer cf-token',
      'cf-aig-cache-ttl': '3600',
      'cf-aig-skip-cache': 'true',
      'cf-aig-metadata': '{"team":"docs","build":42,"ci":false}',
    });
    const paths = Object.fromEntries(
      ['google', 'mistral', 'groq', 'deepseek', 'workers-ai', 'openrouter', 'cerebras'].map((id) => [
        id,
        resolveEndpoint(provider(id), settings, {}).baseURL.replace('https://gateway.ai.cloudflare.com/v1/acc123/my-gw/', ''),
      ]),
    );
    assert.deepEqual(paths, {
      google: 'google-ai-studio/v1beta/openai',
      mistral: 'mistral/v1',
      groq: 'groq',
      deepseek: 'deepseek',
      'workers-ai': 'workers-ai/v1',
      openrouter: 'openrouter',
      cerebras: 'cerebras',
    });
  });

  test('sends no gateway headers it has no value for', () => {
    const { headers } = resolveEndpoint(provider('openai'), settingsWith({ cloudflareGateway: gateway() }), {});
    assert.deepEqual(headers, {});
  });

  test('leaves out providers missing from its list, providers it does not support, and overridden ones', () => {
    const settings = settingsWith({ cloudflareGateway: gateway({ providers: ['anthropic'] }) });
    assert.equal(resolveEndpoint(provider('openai'), settings, {}).baseURL, 'https://api.openai.com/v1');
    assert.match(resolveEndpoint(provider('anthropic'), settings, {}).baseURL, /gateway\.ai\.cloudflare\.com/);
    const all = settingsWith({ cloudflareGateway: gateway() });
    assert.deepEqual(resolveEndpoint(provider('together'), all, {}, { gatewayToken: 't' }), { baseURL: 'https://api.together.xyz/v1', headers: {} });
    const overridden = resolveEndpoint(provider('groq'), all, { SWITCHBOARD_GROQ_BASE_URL: 'http://127.0.0.1:5/v1' }, { gatewayToken: 't' });
    assert.deepEqual(overridden, { baseURL: 'http://127.0.0.1:5/v1', headers: {} });
  });
});

describe('resolveEndpoint: placeholders and headers', () => {
  test('fills {NAME} from env, else from settings', () => {
    const workers = provider('workers-ai');
    assert.equal(
      resolveEndpoint(workers, DEFAULT_SETTINGS, { CLOUDFLARE_ACCOUNT_ID: 'abc' }).baseURL,
      'https://api.cloudflare.com/client/v4/accounts/abc/ai/v1',
    );
    const viaSettings = settingsWith({ cloudflareGateway: gateway({ accountId: 'from-settings', providers: [] }) });
    assert.equal(resolveEndpoint(workers, viaSettings, {}).baseURL, 'https://api.cloudflare.com/client/v4/accounts/from-settings/ai/v1');
  });

  test('a placeholder with no value is a ConfigError naming the env var', () => {
    assert.throws(
      () => resolveEndpoint(provider('workers-ai'), DEFAULT_SETTINGS, {}),
      (err: unknown) => err instanceof ConfigError && /CLOUDFLARE_ACCOUNT_ID/.test(err.message) && /SWITCHBOARD_WORKERS_AI_BASE_URL/.test(err.message),
    );
  });

  test("the provider's headers, then the gateway's, then the user's, which win", () => {
    const custom: ProviderDefinition = { ...provider('openrouter'), headers: { 'HTTP-Referer': 'https://switchboard.dev', 'X-Title': 'Switchboard' } };
    const settings = settingsWith({
      providers: { openrouter: { headers: { 'X-Title': 'Mine', 'cf-aig-cache-ttl': '10' } } },
      cloudflareGateway: gateway({ cacheTtl: 60 }),
    });
    assert.deepEqual(resolveEndpoint(custom, settings, {}).headers, {
      'HTTP-Referer': 'https://switchboard.dev',
      'X-Title': 'Mine',
      'cf-aig-cache-ttl': '10',
    });
  });
});
