// `npm test`: installs what the real-editor suites need (cached), type-checks, lints, builds, then runs every
// suite (unit, integration, extension host, browser) in one node:test run so that one summary closes it.
// `--only unit|extension|browser` runs one group, still behind the same checks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const skipChecks = args.includes('--skip-checks');

const GROUPS = {
  unit: [/^test\/unit\/.*\.test\.ts$/, /^test\/integration\/.*\.test\.ts$/],
  extension: [/^test\/harness\/.*\.test\.m?[jt]s$/],
  browser: [/^test\/browser\/.*\.test\.m?[jt]s$/],
};

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? listFiles(path) : [relative(root, path).split('\\').join('/')];
  });
}

function step(title, command, commandArgs, { last = false } = {}) {
  const started = Date.now();
  process.stdout.write(`\n▶ ${title}\n`);
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // The test runner's own summary must stay the last lines of the run, so the final step prints nothing after it.
  if (result.status !== 0) {
    if (!last) process.stdout.write(`✖ ${title} failed after ${seconds} s\n`);
    process.exit(result.status ?? 1);
  }
  if (!last) process.stdout.write(`✔ ${title} (${seconds} s)\n`);
}

const groups = only ? [only] : Object.keys(GROUPS);
if (groups.some((g) => !(g in GROUPS))) {
  console.error(`Unknown group "${only}". Use one of: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const needsEditor = groups.some((g) => g !== 'unit');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

if (needsEditor && existsSync(join(root, 'test/harness/install.mjs'))) {
  step('Install the real-editor toolchain (cached in .cache/)', process.execPath, ['test/harness/install.mjs']);
}
if (!skipChecks) {
  step('Type-check (tsc --noEmit)', npx, ['tsc', '--noEmit']);
  step('Lint (eslint)', npx, ['eslint', '.']);
}
step('Build (esbuild)', process.execPath, ['esbuild.js']);
if (needsEditor && existsSync(join(root, 'test/harness/package.mjs'))) {
  step('Package the extension (.vsix)', process.execPath, ['test/harness/package.mjs']);
}

const all = listFiles(join(root, 'test'));
const files = groups.flatMap((g) => all.filter((f) => GROUPS[g].some((re) => re.test(f)))).sort();
if (!files.length) {
  console.error('No test files found.');
  process.exit(1);
}
step(`Run ${files.length} test files (${groups.join(', ')})`, process.execPath, [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=1',
  ...files,
], { last: true });
