// Starts and stops code-server (VS Code's server + web workbench, a real Node extension host) for the suites and
// `npm start`: a fresh profile per run unless told otherwise, a free loopback port, its log kept, and its whole
// process group killed on stop, even when the caller failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { codeServerEntry, node22Bin } from './paths.mjs';

const READY_LINE = /HTTP server listening on (\S+)/;
const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export const DEFAULT_SETTINGS = {
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.confirmBeforeClose': 'never',
};

/** A loopback port nobody listens on: `preferred` and the ports after it when given, else any. */
export async function freePort({ host = '127.0.0.1', preferred } = {}) {
  const tryListen = (port) => new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      server.close(() => resolve(bound));
    });
  });
  if (preferred !== undefined) {
    for (let port = preferred; port < preferred + 100; port++) {
      const bound = await tryListen(port);
      if (bound) return bound;
    }
  }
  const bound = await tryListen(0);
  if (!bound) throw new Error(`no free port on ${host}`);
  return bound;
}

/**
 * A profile: user data (with settings.json) and extensions, under a fresh temp dir unless `root` is given.
 * `keepSettings` leaves an existing settings.json alone (a persistent profile a person edits).
 */
export function createProfile({ root, settings = {}, keepSettings = false } = {}) {
  const dir = root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-code-server-'));
  const profile = {
    dir,
    temporary: !root,
    userDataDir: path.join(dir, 'data'),
    extensionsDir: path.join(dir, 'extensions'),
    logFile: path.join(dir, 'code-server.log'),
    configFile: path.join(dir, 'config.yaml'),
  };
  const userDir = path.join(profile.userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  const settingsFile = path.join(userDir, 'settings.json');
  if (!keepSettings || !fs.existsSync(settingsFile)) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2));
  }
  // Its own (empty) config, so ~/.config/code-server/config.yaml neither matters nor gets written.
  fs.writeFileSync(profile.configFile, '');
  return profile;
}

function assertInstalled() {
  if (!fs.existsSync(codeServerEntry) || !fs.existsSync(node22Bin)) {
    throw new Error('code-server is not installed: run `node test/harness/install.mjs`');
  }
}

/** The environment code-server runs in: none of an enclosing VS Code's variables, which would redirect it. */
function serverEnv(extra) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VSCODE_')));
  delete env.ELECTRON_RUN_AS_NODE;
  return { ...env, ...extra };
}

const baseArgs = (profile) => [
  '--config', profile.configFile, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir,
];

/** Installs a .vsix into the profile the way a user would (`code-server --install-extension`). */
export function installExtension(profile, vsix) {
  assertInstalled();
  const result = spawnSync(node22Bin, [codeServerEntry, ...baseArgs(profile), '--force', '--install-extension', vsix], {
    encoding: 'utf8', env: serverEnv(), timeout: START_TIMEOUT_MS,
  });
  fs.appendFileSync(profile.logFile, `$ --install-extension ${vsix}\n${result.stdout}${result.stderr}\n`);
  if (result.status !== 0 || !/was successfully installed/.test(result.stdout)) {
    throw new Error(`installing ${vsix} failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/**
 * Starts code-server on `host`:`port` (a free one by default) opening `folder`, and resolves once it prints
 * "HTTP server listening on". The returned handle's stop() kills its process group; it also runs if the
 * calling process exits first.
 */
export async function startCodeServer({ profile = createProfile(), folder, host = '127.0.0.1', port, env = {} } = {}) {
  assertInstalled();
  port ??= await freePort({ host });
  const args = [
    codeServerEntry, '--auth', 'none', '--bind-addr', `${host}:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    ...baseArgs(profile), ...(folder ? [folder] : []),
  ];
  const earlierLog = fs.existsSync(profile.logFile) ? fs.readFileSync(profile.logFile, 'utf8') : '';
  const logStream = fs.createWriteStream(profile.logFile, { flags: 'a' });
  const child = spawn(node22Bin, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: serverEnv(env) });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: 'spawn error' }));
  });
  trackGroup(child.pid);

  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = (chunk) => {
      logStream.write(chunk);
      output += chunk;
      if (READY_LINE.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${output.slice(-2000)}`));
    });
  });

  let stopped;
  const server = {
    url: `http://${host}:${port}/`,
    host,
    port,
    profile,
    process: child,
    exited,
    /** Everything code-server printed so far (also in profile.logFile, which a temporary profile loses on stop). */
    log: () => earlierLog + output,
    /** A vscode-remote:// URI for a path on this server, as the workbench's `payload` wants it. */
    remoteUri: (absolutePath) => `vscode-remote://${host}:${port}${absolutePath}`,
    stop: () => (stopped ??= stop()),
  };

  async function stop() {
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    killGroup(child.pid, 'SIGKILL'); // the extension host and other helpers of the group, if any outlived it
    liveGroups.delete(child.pid);
    await new Promise((resolve) => logStream.end(resolve));
    if (profile.temporary) fs.rmSync(profile.dir, { recursive: true, force: true });
  }

  try {
    await ready;
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Process groups of servers not stopped yet: killed if this process exits or is interrupted first. */
const liveGroups = new Set();
const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killLiveGroups() {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

function onExitSignal(signal) {
  killLiveGroups();
  // Exit as the signal would have, unless someone else (npm start) handles it.
  if (process.listenerCount(signal) === 1) process.exit(128 + os.constants.signals[signal]);
}

function trackGroup(pid) {
  if (!pid) return;
  if (liveGroups.size === 0 && !process.listeners('exit').includes(killLiveGroups)) {
    process.on('exit', killLiveGroups);
    for (const signal of EXIT_SIGNALS) process.on(signal, onExitSignal);
  }
  liveGroups.add(pid);
}

function killGroup(pid, signal) {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}
