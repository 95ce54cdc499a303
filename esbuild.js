// Bundles the extension host, the CLI and the webview apps into dist/.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    mainFields: ['module', 'main'],
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    mainFields: ['module', 'main'],
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The playground webview: one script and, from its CSS import, dist/media/playground.css. No eval, no
    // dynamic imports: it runs under a CSP that allows only these two files.
    entryPoints: ['media/playground/main.ts'],
    outfile: 'dist/media/playground.js',
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
  },
];

async function main() {
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
  const contexts = await Promise.all(
    builds.filter((b) => require('fs').existsSync(b.entryPoints[0])).map((b) => esbuild.context({ ...common, ...b })),
  );
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
