// `npm start [-- <folder>]`: builds and packages the extension, installs it into a persistent dev profile
// (.cache/dev-profile), and serves VS Code (code-server) on 127.0.0.1:8080 or the next free port, opening the
// repo (or <folder>), until Ctrl-C.
import path from 'node:path';
import { createProfile, freePort, installExtension, startCodeServer } from './code-server.mjs';
import { install } from './install.mjs';
import { packageExtension } from './package.mjs';
import { devProfileDir, repoRoot } from './paths.mjs';

const folder = path.resolve(process.argv[2] ?? repoRoot);

install();
const vsix = packageExtension();
const profile = createProfile({ root: devProfileDir, keepSettings: true });
installExtension(profile, vsix);
const port = await freePort({ preferred: Number(process.env.PORT ?? 8080) });
const server = await startCodeServer({ profile, folder, port });

console.log(`\nSwitchboard in VS Code (code-server): ${server.url}`);
console.log(`  folder:  ${folder}`);
console.log(`  profile: ${profile.dir} (log: ${profile.logFile})`);
console.log('Ctrl-C stops it.');

let stopping = false;
const shutdown = async () => {
  stopping = true;
  await server.stop();
  console.log('code-server stopped.');
  process.exit(0);
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
const { code, signal } = await server.exited;
if (!stopping) {
  console.error(`code-server exited by itself (${code ?? signal}); see ${profile.logFile}`);
  await server.stop();
  process.exit(1);
}
