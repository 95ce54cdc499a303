// The core's added time at an earlier commit and in the working tree, measured side by side in one process: a
// change worth a few microseconds is lost in this machine's drift between two separate runs. Both builds are
// bundled as they ship (see bench/run.mjs); the runner is bench/support/ab-runner.ts.
//   node bench/core-ab.mjs <base commit> [--stream] [--stub] [--warmup N] [--requests N] [--text-length N]
// --stub replaces the OpenAI adapter with bench/support/stub-adapter.ts (the core alone); without it, requests go
// to the loopback fake upstream in its own process, whose answers are --text-length characters in chunks of 10
// (200 by default: 20 chunks).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { BENCH_BUNDLE_OPTIONS } from './support/bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    stream: { type: 'boolean' },
    stub: { type: 'boolean' },
    warmup: { type: 'string' },
    requests: { type: 'string' },
    'text-length': { type: 'string' },
  },
});
if (positionals.length !== 1) {
  console.error('Usage: node bench/core-ab.mjs <base commit> [--stream] [--stub] [--warmup N] [--requests N] [--text-length N]');
  process.exit(2);
}
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const sha = git('rev-parse', '--verify', `${positionals[0]}^{commit}`);

const outDir = join(root, '.cache', 'ab');
// Under .cache, the base's sources resolve their packages from this checkout's node_modules.
const baseTree = join(outDir, sha);
if (!existsSync(join(baseTree, 'src'))) {
  mkdirSync(baseTree, { recursive: true });
  execFileSync('sh', ['-c', `git archive --format=tar ${sha} src | tar -x -C "${baseTree}"`], { cwd: root, stdio: 'inherit' });
}

const coreEntry = [
  "export { Gateway } from './src/core/gateway';",
  "export { parseSettings } from './src/core/config/settings';",
  "export { envKeySource } from './src/core/keys';",
].join('\n');
const bundleCore = (tree, outfile) => build({ ...BENCH_BUNDLE_OPTIONS, stdin: { contents: coreEntry, resolveDir: tree, loader: 'ts' }, outfile });
const baseBundle = join(outDir, `${sha}.cjs`);
const headBundle = join(outDir, 'head.cjs');
const runner = join(outDir, 'runner.cjs');
await Promise.all([
  bundleCore(baseTree, baseBundle),
  bundleCore(root, headBundle),
  build({ ...BENCH_BUNDLE_OPTIONS, entryPoints: [join(root, 'bench', 'support', 'ab-runner.ts')], outfile: runner }),
]);

console.log(`base ${sha.slice(0, 7)} against the working tree`);
const args = [
  runner,
  baseBundle,
  headBundle,
  values.stream ? 'stream' : 'json',
  values.stub ? 'stub' : 'fake',
  values.warmup ?? '10000',
  values.requests ?? '5000',
  values['text-length'] ?? '200',
];
const { status } = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
process.exit(status ?? 1);
