// Runs a benchmark on the code as it ships: bundled by esbuild with the extension's and CLI's settings, not
// transpiled file by file by tsx, whose keep-names wrapper adds a property write to every closure the request path
// creates. Run it with the Node to measure on; `.cache/node22/bin/node` (from `npm test`'s install) is the Node 22
// that VS Code's extension host runs.
//   node bench/run.mjs core-overhead [--requests N]
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BENCH_BUNDLE_OPTIONS } from './support/bundle-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const [name, ...args] = process.argv.slice(2);
if (!name) {
  console.error('Usage: node bench/run.mjs <benchmark> [args], e.g. node bench/run.mjs core-overhead --requests 2000');
  process.exit(2);
}
const outDir = join(root, '.cache', 'bench');
mkdirSync(outDir, { recursive: true });
const outfile = join(outDir, `${name}.cjs`);
await build({ ...BENCH_BUNDLE_OPTIONS, entryPoints: [join(root, 'bench', `${name}.ts`)], outfile });
const { status } = spawnSync(process.execPath, [outfile, ...args], { cwd: root, stdio: 'inherit' });
process.exit(status ?? 1);
