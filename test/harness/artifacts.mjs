// What a failed test leaves in test-results/ for a person: a screenshot, the code-server log, the page console.
import fs from 'node:fs';
import path from 'node:path';
import { testResultsDir } from './paths.mjs';

const slug = (name) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

/** Saves whatever of { page, server, consoleLines } exists; never throws (it runs while a failure is reported). */
export async function saveFailureArtifacts(name, { page, server, consoleLines } = {}) {
  const dir = path.join(testResultsDir, slug(name));
  fs.mkdirSync(dir, { recursive: true });
  const saved = [];
  const attempt = async (file, write) => {
    try {
      await write(path.join(dir, file));
      saved.push(path.relative(process.cwd(), path.join(dir, file)));
    } catch (error) {
      console.error(`could not save ${file}: ${error.message}`);
    }
  };
  if (page) await attempt('screenshot.png', (file) => page.screenshot({ path: file, timeout: 10_000 }));
  if (server) await attempt('code-server.log', (file) => fs.writeFileSync(file, server.log()));
  if (consoleLines?.length) await attempt('browser-console.log', (file) => fs.writeFileSync(file, consoleLines.join('\n')));
  if (saved.length) console.error(`failure artifacts: ${saved.join(', ')}`);
  return saved;
}
