// Builds what the suites run: the extension (dist/, through the project's esbuild.js) and the extension-host
// mocha suite (test/extension/**, bundled to CommonJS in .cache/dist-test/extension).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { extensionTestsOutDir, isMain, repoRoot } from './paths.mjs';

const suiteDir = path.join(repoRoot, 'test', 'extension');

export function buildExtension({ production = false } = {}) {
  const args = ['esbuild.js', ...(production ? ['--production'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

/** Bundles test/extension/index.ts and every *.test.ts beside it; mocha and vscode stay external. */
export async function buildExtensionTests() {
  const tests = fs.readdirSync(suiteDir, { recursive: true })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join(suiteDir, file));
  fs.rmSync(extensionTestsOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(suiteDir, 'index.ts'), ...tests],
    outdir: extensionTestsOutDir,
    outbase: suiteDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return { entry: path.join(extensionTestsOutDir, 'index.js'), testCount: tests.length };
}

if (isMain(import.meta.url)) {
  const what = process.argv[2] ?? 'all';
  if (what === 'extension' || what === 'all') buildExtension();
  if (what === 'extension-tests' || what === 'all') {
    const { entry, testCount } = await buildExtensionTests();
    console.log(`[build] ${testCount} extension-host test files -> ${path.relative(repoRoot, entry)}`);
  }
}
