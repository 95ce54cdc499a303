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
    // The playground webview: the entry module dist/media/playground.js, its chunks (Markdown and sanitizing load
    // when the panel is idle or with the first answer), and, from its CSS import, dist/media/playground.css, which
    // the host writes into the page. No eval. Always minified: it is fetched and parsed while the panel opens.
    entryPoints: { playground: 'media/playground/main.ts' },
    outdir: 'dist/media',
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    format: 'esm',
    splitting: true,
    minify: true,
    target: ['chrome120'],
  },
  {
    // The playground's highlighting worker (highlight.js and its grammars), a classic script: the page fetches it
    // and starts it from a blob: URL, the only way VS Code lets a webview start a worker.
    entryPoints: { 'highlight-worker': 'media/playground/highlight-worker.ts' },
    outdir: 'dist/media',
    platform: 'browser',
    format: 'iife',
    minify: true,
    target: ['chrome120'],
  },
];

/** Chunks of an earlier webview build would otherwise ship in the .vsix beside the new ones. */
function removeOldChunks() {
  const fs = require('fs');
  const dir = 'dist/media';
  if (!fs.existsSync(dir)) return;
  for (const file of fs.readdirSync(dir)) if (file.startsWith('chunk-')) fs.rmSync(`${dir}/${file}`);
}

async function main() {
  removeOldChunks();
  const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none' };
  const contexts = await Promise.all(
    builds.filter((b) => Object.values(b.entryPoints).every((p) => require('fs').existsSync(p))).map((b) => esbuild.context({ ...common, ...b })),
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
