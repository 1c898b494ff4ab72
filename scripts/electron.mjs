#!/usr/bin/env node
/**
 * Makes sure the Electron binary is on this machine, then runs the command that needs it.
 *
 *   node scripts/electron.mjs prepare        only the binary (exit 0 when it is there)
 *   node scripts/electron.mjs dev [args]     the binary, then electron-vite dev (npm start)
 *   node scripts/electron.mjs preview [args] the binary, then electron-vite preview
 *   node scripts/electron.mjs dist [args]    the binary, then electron-builder (npm run dist)
 *
 * Electron 45 no longer downloads its binary at install time: its package fetches it on first use,
 * while electron-vite reads node_modules/electron/path.txt and stops with "Electron uninstall" when
 * that file is missing. So the desktop app never opened on a fresh clone. This step runs Electron's own
 * installer (node_modules/electron/install.js, @electron/get underneath), so its cache and its mirror
 * and proxy settings are honoured, and a second start finds the binary and downloads nothing.
 * A binary the user already has is taken from ELECTRON_OVERRIDE_DIST_PATH (Electron's own variable).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A download of about 100 MB can take a while on a slow line, but never forever. */
const DOWNLOAD_DEADLINE_MS = Number(process.env.DELIVERLAB_ELECTRON_DOWNLOAD_TIMEOUT_MS) || 15 * 60_000;

/** The platform's executable inside an Electron distribution, as Electron's install.js names it. */
function executableName(os = process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || platform()) {
  if (os === 'darwin' || os === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (os === 'win32') return 'electron.exe';
  return 'electron';
}

/** The electron package of the project this runs for (npm runs scripts from the project's root). */
function electronPackage(root) {
  try {
    const require = createRequire(join(root, 'package.json'));
    const dir = dirname(require.resolve('electron/package.json'));
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, version };
  } catch {
    return null;
  }
}

/** Where electron-vite will look: dist/<path.txt>, present and of the package's version. */
export function installedExecutable(pkg) {
  try {
    const relative = readFileSync(join(pkg.dir, 'path.txt'), 'utf8');
    const version = readFileSync(join(pkg.dir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
    const full = join(pkg.dir, 'dist', relative);
    return version === pkg.version && existsSync(full) ? full : null;
  } catch {
    return null;
  }
}

/** The settings @electron/get reads, as the user would type them, for the failure message. */
function downloadSource(version) {
  const mirror =
    process.env.npm_config_electron_mirror || process.env.NPM_CONFIG_ELECTRON_MIRROR || process.env.ELECTRON_MIRROR;
  const base = mirror || 'https://github.com/electron/electron/releases/download/';
  const os = process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || platform();
  const arch = process.env.ELECTRON_INSTALL_ARCH || process.env.npm_config_arch || process.arch;
  const dir = (process.env.ELECTRON_CUSTOM_DIR || `v${version}`).replace('{{ version }}', version);
  return `${base}${dir}/electron-v${version}-${os}-${arch}.zip`;
}

function cacheFolder() {
  if (process.env.electron_config_cache) return process.env.electron_config_cache;
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Caches', 'electron');
  if (platform() === 'win32') return join(process.env.LOCALAPPDATA || homedir(), 'electron', 'Cache');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'electron');
}

/** What to do next, said once, the same for every way this can fail. */
function explainFailure(what, version) {
  return [
    `deliverlab: the desktop app needs Electron ${version}, and it could not be prepared.`,
    `  What failed: ${what}`,
    '  Retry: run the same command again (a finished download is kept in the cache and not fetched twice).',
    '  Download from elsewhere: ELECTRON_MIRROR=https://your.mirror/electron/ (and ELECTRON_CUSTOM_DIR for its folder layout);',
    '    behind a proxy: ELECTRON_GET_USE_PROXY=1 with GLOBAL_AGENT_HTTPS_PROXY=http://proxy:port;',
    `    cache folder: electron_config_cache (now ${cacheFolder()}).`,
    '  Use an Electron you already have: ELECTRON_OVERRIDE_DIST_PATH=/folder/holding/the/electron/binary.',
    '  Without the desktop app: npm run build && npx deliverlab serve runs the same app in your browser.',
  ].join('\n');
}

class PrepareError extends Error {}

/** Runs Electron's installer; resolves when it finished, with what it printed. */
function runInstaller(pkg) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(pkg.dir, 'install.js')], { cwd: pkg.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk).slice(-8192);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\nno answer within ${Math.round(DOWNLOAD_DEADLINE_MS / 60_000)} minutes`;
      child.kill('SIGTERM');
    }, DOWNLOAD_DEADLINE_MS);
    child.on('error', (err) => keep(`\n${err.message}`));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ok: code === 0, output, signal });
    });
  });
}

/** The last line that says something: install.js prints an error's stack; the user needs its message. */
function gist(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !/^at\s/.test(l));
  return lines.at(-1) ?? 'the installer stopped without saying why';
}

/**
 * Why the download could not start, in words: install.js prints "fetch failed" and hides the cause.
 *
 * Asked only after a failure, with its own deadline; skipped behind a proxy, which this request would
 * not go through.
 */
async function networkCause(url) {
  if (process.env.ELECTRON_GET_USE_PROXY) return null;
  try {
    const answer = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    return answer.status >= 400 ? `the server answered HTTP ${answer.status} for ${url}` : null;
  } catch (err) {
    const cause = err?.cause;
    if (err?.name === 'TimeoutError') return `no answer from ${new URL(url).host} within 10 seconds`;
    if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return `${cause.hostname ?? new URL(url).hostname} could not be resolved (offline, or DNS blocked)`;
    if (cause?.code === 'ECONNREFUSED') return `${new URL(url).host} refused the connection`;
    return cause?.message ? `${cause.message} (${new URL(url).host})` : null;
  }
}

/**
 * Finds or fetches the Electron binary; returns the executable and the distribution folder holding it.
 *
 * @param {string} root the project folder
 * @param {(line: string) => void} say progress lines for the user
 */
export async function prepareElectron(root, say = (line) => process.stderr.write(`${line}\n`)) {
  const pkg = electronPackage(root);
  if (!pkg) throw new PrepareError(explainFailure('the electron package is not installed: run npm install first.', '(unknown)'));

  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const relative = existsSync(join(pkg.dir, 'path.txt')) ? readFileSync(join(pkg.dir, 'path.txt'), 'utf8') : executableName();
    const full = join(override, relative);
    if (!existsSync(full)) {
      throw new PrepareError(explainFailure(`ELECTRON_OVERRIDE_DIST_PATH is set, but ${full} does not exist.`, pkg.version));
    }
    return { executable: full, distDir: override };
  }

  const distDir = join(pkg.dir, 'dist');
  const ready = installedExecutable(pkg);
  if (ready) return { executable: ready, distDir };

  const source = downloadSource(pkg.version);
  say(`Preparing Electron ${pkg.version} (first start only): downloading about 100 MB from ${source}`);
  const run = await runInstaller(pkg);
  const done = installedExecutable(pkg);
  if (!run.ok) {
    const cause = await networkCause(source);
    throw new PrepareError(explainFailure(`${gist(run.output)}${cause ? ` (${cause})` : ''}`, pkg.version));
  }
  if (!done) throw new PrepareError(explainFailure('the installer finished, but the binary is not where electron-vite looks for it.', pkg.version));
  say(`Electron ${pkg.version} is ready: ${done}`);
  return { executable: done, distDir };
}

/** Runs a tool from node_modules/.bin with the prepared binary, passing signals and the exit code on. */
function runTool(root, bin, args, env) {
  const require = createRequire(join(root, 'package.json'));
  const packageJson = require.resolve(`${bin.pkg}/package.json`);
  const { bin: bins } = JSON.parse(readFileSync(packageJson, 'utf8'));
  const entry = join(dirname(packageJson), typeof bins === 'string' ? bins : bins[bin.name]);
  const child = spawn(process.execPath, [entry, ...args], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal === 'SIGINT' ? 130 : 143);
  });
}

const TOOLS = {
  dev: { pkg: 'electron-vite', name: 'electron-vite', args: ['dev'] },
  preview: { pkg: 'electron-vite', name: 'electron-vite', args: ['preview'] },
  dist: { pkg: 'electron-builder', name: 'electron-builder', args: [] },
};

async function cli() {
  const [command, ...rest] = process.argv.slice(2);
  const root = process.cwd();
  if (command !== 'prepare' && !(command in TOOLS)) {
    process.stderr.write('usage: node scripts/electron.mjs prepare|dev|preview|dist [args]\n');
    process.exitCode = 2;
    return;
  }
  let prepared;
  try {
    prepared = await prepareElectron(root);
  } catch (err) {
    process.stderr.write(`${err instanceof PrepareError ? err.message : `deliverlab: ${err.message}`}\n`);
    process.exitCode = 1;
    return;
  }
  if (command === 'prepare') {
    process.stdout.write(`${prepared.executable}\n`);
    return;
  }
  const tool = TOOLS[command];
  const env = { ...process.env, ELECTRON_EXEC_PATH: prepared.executable };
  runTool(root, tool, [...tool.args, ...(command === 'dist' ? builderDist(rest, prepared.distDir) : []), ...rest], env);
}

/**
 * electron-builder packages the binary just prepared when it builds for this machine's platform,
 * instead of downloading a second copy; for another platform it fetches that one itself.
 */
function builderDist(args, distDir) {
  if (args.some((a) => a.startsWith('-c.electronDist') || a.startsWith('--config.electronDist'))) return [];
  const host = { linux: ['--linux', '-l'], darwin: ['--mac', '-m'], win32: ['--win', '-w'] }[platform()] ?? [];
  const targets = args.filter((a) => ['--linux', '-l', '--mac', '-m', '--win', '-w'].includes(a));
  return targets.every((t) => host.includes(t)) ? [`-c.electronDist=${distDir}`] : [];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await cli();
