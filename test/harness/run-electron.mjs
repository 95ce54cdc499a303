// The same extension-host suite in desktop VS Code through @vscode/test-electron, for contributors with network
// access (it downloads VS Code unless VSCODE_EXECUTABLE_PATH names an installed one). Not run in CI: there the
// suite runs in code-server (extension-host.test.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildExtension, buildExtensionTests } from './build.mjs';
import { repoRoot } from './paths.mjs';

buildExtension();
const { entry } = await buildExtensionTests();
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-electron-'));
try {
  // run() rejects when a test fails, which makes runTests reject.
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: entry,
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH,
    version: process.env.VSCODE_VERSION,
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`extension-host tests failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
