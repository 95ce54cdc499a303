// One test's real editor: a fresh code-server profile with the PACKAGED extension installed as a user would, a
// headless Chromium on its workbench, and, whatever happens, both stopped afterwards; on failure a screenshot,
// the code-server log and the browser console go to test-results/<test name>/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveFailureArtifacts } from '../harness/artifacts.mjs';
import { launchBrowser } from '../harness/browser.mjs';
import { createProfile, installExtension, startCodeServer } from '../harness/code-server.mjs';
import { packageExtension } from '../harness/package.mjs';
import { vsixPath } from '../harness/paths.mjs';
import { Workbench } from '../harness/workbench.mjs';

/** The .vsix `npm run test:browser` (and `npm test`) packages first; packaged here only when missing. */
function packagedExtension() {
  return fs.existsSync(vsixPath) ? vsixPath : packageExtension();
}

/**
 * Runs `journey(workbench, { page, server, workspace })` against a fresh workbench.
 * `settings` are user settings; `files` ({ relativePath: text }) seed the opened workspace folder.
 */
export async function withWorkbench(name, journey, { settings = {}, files = {} } = {}) {
  const vsix = packagedExtension();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-browser-'));
  const workspace = path.join(scratch, 'workspace');
  for (const [file, text] of Object.entries({ 'README.md': '# Sample workspace\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), text);
  }
  const profile = createProfile({ root: path.join(scratch, 'profile'), settings });
  let server;
  let session;
  try {
    installExtension(profile, vsix);
    server = await startCodeServer({ profile, folder: workspace });
    session = await launchBrowser();
    const workbench = await Workbench.open(session.page, server.url);
    return await journey(workbench, { page: session.page, server, workspace });
  } catch (error) {
    const log = () => (server ? server.log() : fs.readFileSync(profile.logFile, 'utf8'));
    await saveFailureArtifacts(name, { ...session, server: { log } });
    throw error;
  } finally {
    await session?.close();
    await server?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
