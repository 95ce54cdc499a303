import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/config/settings';
import { discoverLocalModels } from '../../src/core/providers/local-discovery';
import { BUILTIN_PROVIDERS } from '../../src/core/providers/registry';
import { startFakeUpstream, type FakeUpstream } from '../fakes/upstream';

const LOCAL = BUILTIN_PROVIDERS.filter((p) => p.local);
const pointedAt = (ollama: string, lmstudio: string): Settings => ({
  ...DEFAULT_SETTINGS,
  providers: { ollama: { baseURL: ollama }, lmstudio: { baseURL: lmstudio } },
});

let fake: FakeUpstream;
before(async () => {
  fake = await startFakeUpstream();
});
after(() => fake.close());

const listen = async <T extends Server | HttpServer>(server: T): Promise<{ server: T; url: string }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

describe('discoverLocalModels', () => {
  test("finds Ollama's and LM Studio's models at their overridden base URLs", async () => {
    fake.localModels.ollama = ['llama3.2:latest', 'nomic-embed-text:latest'];
    fake.localModels.lmstudio = ['qwen2.5-7b-instruct'];
    const entries = await discoverLocalModels(LOCAL, pointedAt(`${fake.url}/v1`, `${fake.url}/v1`), {});
    const ids = entries.map((e) => e.id);
    assert.ok(ids.includes('ollama/llama3.2:latest'), ids.join());
    assert.ok(ids.includes('lmstudio/qwen2.5-7b-instruct'), ids.join());
    assert.ok(!ids.some((id) => id.includes('embed')), 'embedding models are left out');
    const llama = entries.find((e) => e.id === 'ollama/llama3.2:latest')!;
    assert.equal(llama.provider, 'ollama');
    assert.equal(llama.upstreamModel, 'llama3.2:latest');
    assert.deepEqual(llama.price, { input: 0, output: 0 });
    assert.equal(llama.priceSource, 'local');
    assert.equal(llama.discovered, true);
    assert.ok(llama.contextWindow > 0 && llama.maxOutput > 0);
    assert.equal(llama.capabilities.streaming, true);
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(paths.includes('GET /api/tags'));
    assert.ok(paths.includes('GET /v1/models'));
  });

  test('reads the env override too', async () => {
    const entries = await discoverLocalModels(LOCAL, pointedAt('http://127.0.0.1:9/v1', 'http://127.0.0.1:9/v1'), {
      SWITCHBOARD_OLLAMA_BASE_URL: `${fake.url}/v1`,
    });
    assert.ok(entries.length > 0);
    assert.ok(entries.every((e) => e.provider === 'ollama'));
  });

  test('only probes local providers that are in the catalog', async () => {
    const before = fake.requests.length;
    const entries = await discoverLocalModels(BUILTIN_PROVIDERS.filter((p) => p.id === 'lmstudio'), pointedAt(`${fake.url}/v1`, `${fake.url}/v1`), {});
    assert.ok(entries.every((e) => e.provider === 'lmstudio'));
    assert.deepEqual(fake.requests.slice(before).map((r) => r.path), ['/v1/models']);
  });

  test('servers that are down, silent, or answer nonsense give nothing, quickly', async () => {
    const sockets = new Set<Socket>();
    const silent = await listen(createNetServer((socket) => void sockets.add(socket)));
    const nonsense = await listen(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"models": [');
      }),
    );
    try {
      const started = Date.now();
      assert.deepEqual(await discoverLocalModels(LOCAL, pointedAt(`${silent.url}/v1`, `${nonsense.url}/v1`), {}, { timeoutMs: 150 }), []);
      assert.deepEqual(await discoverLocalModels(LOCAL, pointedAt('http://127.0.0.1:9/v1', `${silent.url}/v1`), {}, { timeoutMs: 150 }), []);
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.server.close(resolve));
      await new Promise((resolve) => nonsense.server.close(resolve));
    }
  });

  test('an aborted signal gives nothing', async () => {
    assert.deepEqual(await discoverLocalModels(LOCAL, pointedAt(`${fake.url}/v1`, `${fake.url}/v1`), {}, { signal: AbortSignal.abort() }), []);
  });
});
