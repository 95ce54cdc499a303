// `npm run package`: a production build of the extension, packaged by vsce into <name>-<version>.vsix.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { buildExtension } from './build.mjs';
import { isMain, repoRoot, vsixPath } from './paths.mjs';

export function packageExtension({ out = vsixPath } = {}) {
  buildExtension({ production: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // --no-dependencies: esbuild bundles everything the extension needs into dist/.
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], {
    cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`vsce package failed (${result.status ?? result.signal})`);
  return out;
}

if (isMain(import.meta.url)) {
  try {
    packageExtension();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
