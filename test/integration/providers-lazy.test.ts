import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/**
 * A child process imports the providers' entry point and reports which SDK files Node has loaded, before and
 * after asking for the adapters. A child, because this test process may have loaded the SDKs already.
 */
const PROBE = `
const loaded = () => {
  const files = Object.keys(require.cache);
  return {
    openai: files.some((f) => /node_modules[\\\\/]openai[\\\\/]/.test(f)),
    anthropic: files.some((f) => /node_modules[\\\\/]@anthropic-ai[\\\\/]sdk[\\\\/]/.test(f)),
  };
};
const providers = require(process.argv[1]);
(async () => {
  const steps = { imported: loaded() };
  await providers.getAdapter('openai');
  steps.openai = loaded();
  await providers.getAdapter('anthropic');
  steps.anthropic = loaded();
  console.log(JSON.stringify(steps));
})();
`;

test('importing the providers loads no SDK; each loads on its first getAdapter', async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', PROBE, join(root, 'src/core/providers/index.ts')], { cwd: root });
  assert.deepEqual(JSON.parse(stdout), {
    imported: { openai: false, anthropic: false },
    openai: { openai: true, anthropic: false },
    anthropic: { openai: true, anthropic: true },
  });
});

test('bundled by esbuild, the SDKs are inside the bundle yet run only when their adapter is asked for', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-lazy-'));
  try {
    const outfile = join(dir, 'providers.js');
    // Each SDK's module initializer records that it ran; nothing may run at import time.
    await build({
      entryPoints: [join(root, 'src/core/providers/index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
      plugins: [
        {
          name: 'mark-sdk-entry',
          setup(b) {
            b.onLoad({ filter: /node_modules[\\/](openai|@anthropic-ai[\\/]sdk)[\\/]index\.m?js$/ }, async (args) => {
              const { readFile } = await import('node:fs/promises');
              const sdk = args.path.includes('@anthropic-ai') ? 'anthropic' : 'openai';
              const source = await readFile(args.path, 'utf8');
              return { contents: `(globalThis.__sdkInit ??= []).push(${JSON.stringify(sdk)});\n${source}`, loader: 'js' };
            });
          },
        },
      ],
    });
    const probe = `
      const providers = require(${JSON.stringify(outfile)});
      (async () => {
        const imported = [...(globalThis.__sdkInit ?? [])];
        await providers.getAdapter('anthropic');
        console.log(JSON.stringify({ imported, afterAnthropic: globalThis.__sdkInit }));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', probe], { cwd: dir });
    assert.deepEqual(JSON.parse(stdout), { imported: [], afterAnthropic: ['anthropic'] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
