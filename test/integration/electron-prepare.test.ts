/**
 * `npm start` and `npm run dist` prepare the Electron binary before electron-vite or electron-builder run.
 *
 * The real download cannot happen here (no internet), so the step is driven the ways a user's machine
 * drives it: Electron's own installer fetching from a mirror (a loopback HTTP server serving a stand-in
 * distribution and its SHASUMS256.txt), a binary the user already has (ELECTRON_OVERRIDE_DIST_PATH), and
 * a network that refuses. Each runs in a throwaway project holding a copy of the electron package, so
 * the repository's own node_modules is never changed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronVersion as installedElectronVersion } from '../helpers/electron-version';
import { closedPort } from '../helpers/loopback';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'scripts', 'electron.mjs');
const electronVersion = installedElectronVersion();
const zipName = `electron-v${electronVersion}-${process.platform}-${process.arch}.zip`;

/** A zip of stored (uncompressed) files, enough for Electron's extractor. */
function zip(files: Record<string, { data: Buffer; mode: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, { data, mode }] of Object.entries(files)) {
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below counts
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A stand-in Electron: records how it was started, then exits as a closed window would. */
const STAND_IN = '#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/started-with.txt"\nexit 0\n';

interface Mirror {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

async function startMirror(): Promise<Mirror> {
  const archive = zip({
    electron: { data: Buffer.from(STAND_IN), mode: 0o755 },
    version: { data: Buffer.from(electronVersion), mode: 0o644 },
    LICENSE: { data: Buffer.from('stand-in\n'), mode: 0o644 },
  });
  const sums = `${createHash('sha256').update(archive).digest('hex')} *${zipName}\n`;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === `/v${electronVersion}/${zipName}`) res.writeHead(200, { 'Content-Type': 'application/zip' }).end(archive);
    else if (req.url === `/v${electronVersion}/SHASUMS256.txt`) res.writeHead(200).end(sums);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A project folder with a fresh copy of the electron package (no dist/, no path.txt). */
function freshProject(work: string, name: string): string {
  const project = join(work, name);
  const modules = join(project, 'node_modules');
  mkdirSync(modules, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true }));
  cpSync(join(root, 'node_modules/electron'), join(modules, 'electron'), {
    recursive: true,
    filter: (src) => !/[/\\](dist|path\.txt)$/.test(src),
  });
  // The installer's own dependencies, from the repository's node_modules.
  for (const scope of ['@electron', '@electron-internal']) symlinkSync(join(root, 'node_modules', scope), join(modules, scope));
  return project;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, keeping what it printed. */
function spawnToEnd(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The preparing script, with only the environment a test gives it (no npm_config_* of this run). */
const run = (cwd: string, args: string[], env: Record<string, string>) =>
  spawnToEnd(process.execPath, [script, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env } });

let work: string;
let mirror: Mirror;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'deliverlab-electron-'));
  mirror = await startMirror();
});

afterAll(async () => {
  await mirror?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('preparing the Electron binary', () => {
  it('downloads through Electron\'s own installer once, leaves what electron-vite reads, and never downloads again', async () => {
    const project = freshProject(work, 'download');
    const env = { ELECTRON_MIRROR: mirror.url, electron_use_remote_checksums: '1', electron_config_cache: join(work, 'cache-download') };

    const first = await run(project, ['prepare'], env);
    expect(first.stderr).toContain(`Preparing Electron ${electronVersion} (first start only)`);
    expect(first.stderr).toContain(`${mirror.url}v${electronVersion}/${zipName}`);
    expect(first.code).toBe(0);
    expect(mirror.requests).toContain(`/v${electronVersion}/${zipName}`);

    // electron-vite joins node_modules/electron/dist with path.txt; Electron's index.js checks the same.
    const electronDir = join(project, 'node_modules/electron');
    const relative = readFileSync(join(electronDir, 'path.txt'), 'utf8');
    expect(relative).toBe('electron');
    expect(existsSync(join(electronDir, 'dist', relative))).toBe(true);
    expect(readFileSync(join(electronDir, 'dist', 'version'), 'utf8')).toBe(electronVersion);
    expect(first.stdout.trim()).toBe(join(electronDir, 'dist', relative));

    const before = mirror.requests.length;
    const second = await run(project, ['prepare'], env);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('Preparing Electron');
    expect(mirror.requests.length).toBe(before);
  });

  it('uses a binary the user already has (ELECTRON_OVERRIDE_DIST_PATH) without any download', async () => {
    const project = freshProject(work, 'override');
    const dist = join(work, 'my-electron');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), STAND_IN);
    chmodSync(join(dist, 'electron'), 0o755);
    const before = mirror.requests.length;
    const result = await run(project, ['prepare'], { ELECTRON_OVERRIDE_DIST_PATH: dist, ELECTRON_MIRROR: mirror.url });
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(join(dist, 'electron'));
    expect(mirror.requests.length).toBe(before);

    const missing = await run(project, ['prepare'], { ELECTRON_OVERRIDE_DIST_PATH: join(work, 'nowhere') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH is set, but');
  });

  it('stops with what failed, how to retry, the settings for a mirror or a local binary, and serve, when the download cannot happen', async () => {
    const project = freshProject(work, 'offline');
    // A port nobody listens on: the connection is refused, as offline or behind a refusing proxy.
    const port = await closedPort();

    const result = await run(project, ['dev'], { ELECTRON_MIRROR: `http://127.0.0.1:${port}/`, electron_config_cache: join(work, 'cache-offline') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`the desktop app needs Electron ${electronVersion}, and it could not be prepared`);
    expect(result.stderr).toContain(`127.0.0.1:${port} refused the connection`);
    expect(result.stderr).toContain('Retry: run the same command again');
    expect(result.stderr).toContain('ELECTRON_MIRROR=');
    expect(result.stderr).toContain('ELECTRON_OVERRIDE_DIST_PATH=');
    expect(result.stderr).toContain('npx deliverlab serve');
    expect(result.stderr).not.toMatch(/^\s+at /m); // no stack trace
    expect(existsSync(join(project, 'node_modules/electron/path.txt'))).toBe(false);
  });

  it('npm start builds the app and launches the prepared binary through electron-vite', async () => {
    const dist = join(work, 'start-electron');
    mkdirSync(dist);
    writeFileSync(join(dist, 'electron'), STAND_IN);
    chmodSync(join(dist, 'electron'), 0o755);
    // Built into a folder of its own, so that the suites reading out/ are not disturbed.
    const result = await spawnToEnd('npm', ['start', '--', '--outDir', join(work, 'dev-out')], {
      cwd: root,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist },
    });
    expect(result.stderr).not.toContain('Electron uninstall');
    expect(result.code).toBe(0);
    expect(existsSync(join(work, 'dev-out', 'main', 'index.js'))).toBe(true);
    // electron-vite started the binary on the project folder, as `electron .`.
    expect(readFileSync(join(dist, 'started-with.txt'), 'utf8').trim()).toBe('.');
  });
});
