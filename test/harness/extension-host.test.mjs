// Runs the mocha suite in test/extension inside a real VS Code extension host (code-server's), offline: the web
// workbench opened with a `payload` naming extensionDevelopmentPath and extensionTestsPath starts the extension
// host in test mode; run() writes each test's outcome to a file, and each becomes a node:test subtest here.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { saveFailureArtifacts } from './artifacts.mjs';
import { launchBrowser } from './browser.mjs';
import { buildExtension, buildExtensionTests } from './build.mjs';
import { startCodeServer } from './code-server.mjs';
import { extensionTestsOutDir, repoRoot } from './paths.mjs';
import { mapStack } from './source-stack.mjs';

/** How long the suite may take to report, from opening the workbench; a run that never reports fails then. */
const REPORT_TIMEOUT_MS = Number(process.env.SWITCHBOARD_EXTENSION_TESTS_TIMEOUT_MS ?? 180_000);
const RESULTS_FILE_ENV = 'SWITCHBOARD_TEST_RESULTS'; // the same name as test/extension/results.ts

function workbenchTestUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [
    ['extensionDevelopmentPath', server.remoteUri(extensionDevelopmentPath)],
    ['extensionTestsPath', server.remoteUri(extensionTestsPath)],
  ];
  const url = new URL(server.url);
  url.searchParams.set('folder', folder);
  url.searchParams.set('payload', JSON.stringify(payload));
  return url.href;
}

/** Resolves with the parsed results once `file` appears; rejects on timeout or if code-server exits first. */
function waitForResults(file, { timeoutMs, serverExited }) {
  return new Promise((resolve, reject) => {
    const finish = (settle) => {
      watcher.close();
      clearTimeout(timer);
      settle();
    };
    const check = () => {
      if (fs.existsSync(file)) finish(() => resolve(JSON.parse(fs.readFileSync(file, 'utf8'))));
    };
    const watcher = fs.watch(path.dirname(file), check);
    const timer = setTimeout(
      () => finish(() => reject(new Error(`the extension-host suite reported nothing within ${timeoutMs} ms`))),
      timeoutMs,
    );
    serverExited.then(({ code, signal }) =>
      finish(() => reject(new Error(`code-server exited (${code ?? signal}) before the suite reported`))));
    check();
  });
}

test('extension-host suite (mocha in code-server\'s extension host)', async (t) => {
  buildExtension();
  const { entry } = await buildExtensionTests();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-ext-tests-'));
  const workspace = path.join(scratch, 'workspace');
  const resultsDir = path.join(scratch, 'results');
  fs.mkdirSync(workspace);
  fs.mkdirSync(resultsDir);
  const resultsFile = path.join(resultsDir, 'results.json');

  let server;
  let session;
  let results;
  try {
    server = await startCodeServer({ env: { [RESULTS_FILE_ENV]: resultsFile } });
    session = await launchBrowser();
    const url = workbenchTestUrl(server, { folder: workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: entry });
    await session.page.goto(url, { waitUntil: 'domcontentloaded' });
    results = await waitForResults(resultsFile, { timeoutMs: REPORT_TIMEOUT_MS, serverExited: server.exited });
    if (!results.ran || results.stats.failures > 0) {
      await saveFailureArtifacts('extension-host suite', { ...session, server });
    }
  } catch (error) {
    await saveFailureArtifacts('extension-host suite', { ...session, server });
    throw error;
  } finally {
    await session?.close();
    await server?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  assert.ok(results.ran, `the suite did not run: ${results.error}`);
  t.diagnostic(`VS Code ${results.vscodeVersion}: ${results.stats.passes} passed, ${results.stats.failures} failed`);
  for (const outcome of results.tests) {
    await t.test(outcome.fullTitle, { skip: outcome.state === 'pending' }, () => {
      if (outcome.state !== 'failed') return;
      const error = new Error(outcome.error?.message ?? 'failed');
      error.stack = mapStack(outcome.error?.stack ?? error.message, { bundleDir: extensionTestsOutDir, baseDir: repoRoot });
      throw error;
    });
  }
  assert.ok(results.tests.length > 0, 'the extension-host suite ran no test');
});
