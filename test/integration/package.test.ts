/**
 * Packages the desktop app with electron-builder and checks what the package holds.
 *
 * Electron cannot be downloaded here, so the package is built against a stand-in Electron folder
 * (electronDist): a dummy binary carrying Electron's fuse wire, `version`, the licence files and an
 * empty `resources/`. Everything else is the real thing: electron-builder.yml, the built out/, the
 * production node_modules, asar packing and unpacking, and the fuses written into the binary.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const PACKAGE_TIMEOUT_MS = 180_000;

// @electron/fuses' sentinel, then wire version 1, 8 fuses, and Electron's defaults
// (runAsNode, nodeOptions, nodeCliInspect and grantFileProtocolExtraPrivileges on; the rest off).
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_FUSES = '10110001';

let work: string;
let appDir: string;
let asarPath: string;
let entries: Set<string>;
let buildLog = '';

function electronVersion(): string {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for packaging tests" >&2\nexit 1\n'),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, DEFAULT_FUSES.length]),
    Buffer.from(DEFAULT_FUSES),
  ]);
  writeFileSync(join(dir, 'electron'), binary, { mode: 0o755 });
  writeFileSync(join(dir, 'version'), electronVersion());
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
}

function runElectronBuilder(distDir: string, outputDir: string): Promise<void> {
  const cli = join(root, 'node_modules/electron-builder/cli.js');
  const args = [
    cli,
    '--linux',
    'dir',
    '--x64',
    '--publish',
    'never',
    `-c.electronDist=${distDir}`,
    `-c.directories.output=${outputDir}`,
  ];
  // Nothing may be fetched: any download attempt hits a closed port and fails at once.
  const closed = 'http://127.0.0.1:9/';
  const env = {
    ...process.env,
    ELECTRON_BUILDER_OFFLINE: 'true',
    ELECTRON_MIRROR: closed,
    ELECTRON_BUILDER_BINARIES_MIRROR: closed,
    ELECTRON_BUILDER_CACHE: join(work, 'cache'),
    CSC_IDENTITY_AUTO_DISCOVERY: 'false',
    HTTP_PROXY: closed,
    HTTPS_PROXY: closed,
    NO_PROXY: '',
  };
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: root, env, timeout: PACKAGE_TIMEOUT_MS - 10_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        buildLog = `${stdout}\n${stderr}`;
        if (err) reject(new Error(`electron-builder failed (${err.message}):\n${buildLog.slice(-4000)}`));
        else resolve();
      },
    );
  });
}

beforeAll(async () => {
  const missing = BUILT.filter((file) => !existsSync(join(root, file)));
  if (missing.length > 0) {
    throw new Error(`The app is not built (missing ${missing.join(', ')}): run npm run build first.`);
  }
  work = mkdtempSync(join(tmpdir(), 'deliverlab-package-'));
  const dist = join(work, 'electron');
  makeStandInElectron(dist);
  await runElectronBuilder(dist, join(work, 'dist'));
  appDir = join(work, 'dist', 'linux-unpacked');
  asarPath = join(appDir, 'resources', 'app.asar');
  entries = new Set(listPackage(asarPath, { isPack: false }).map((entry) => entry.replaceAll('\\', '/')));
}, PACKAGE_TIMEOUT_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the linux package', () => {
  it('holds the built main, preload and renderer', () => {
    for (const file of BUILT) expect(entries, file).toContain(`/${file}`);
    expect(entries).toContain('/package.json');
  });

  it('starts where package.json says, as an ES module', () => {
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.type).toBe('module');
    expect(entries).toContain(`/${pkg.main}`);
  });

  it('leaves out sources, tests, source maps, the CLI bundle and build configuration', () => {
    const unwanted = [...entries].filter(
      (entry) =>
        /^\/(electron|renderer|test|scripts|resources|\.ci|bin)(\/|$)/.test(entry) ||
        /^\/out\/cli(\/|$)/.test(entry) ||
        /\.(map|ts|tsx|mts|cts)$/.test(entry) ||
        /^\/(tsconfig\.json|electron\.vite\.config\.ts|vitest\.config\.ts|electron-builder\.yml|package-lock\.json)$/.test(entry),
    );
    expect(unwanted).toEqual([]);
  });

  it('ships production dependencies and no development ones', () => {
    for (const dep of ['better-sqlite3', 'mailauth', 'zod']) expect(entries, dep).toContain(`/node_modules/${dep}/package.json`);
    for (const dep of ['electron', 'electron-builder', 'vitest', 'typescript', 'react', 'playwright-core']) {
      expect(entries, dep).not.toContain(`/node_modules/${dep}/package.json`);
    }
  });

  it("unpacks better-sqlite3's linux-x64 prebuild next to the archive, and no other OS's", () => {
    const prebuild = 'node_modules/better-sqlite3/prebuilds/linux-x64.node';
    expect(statFile(asarPath, prebuild)).toMatchObject({ unpacked: true });
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', prebuild);
    expect(existsSync(unpacked), unpacked).toBe(true);
    expect(statSync(unpacked).size).toBe(statSync(join(root, prebuild)).size);

    const prebuilds = [...entries].filter((entry) => entry.startsWith('/node_modules/better-sqlite3/prebuilds/'));
    expect(prebuilds.filter((entry) => /\/(darwin|win32)-/.test(entry))).toEqual([]);
    // Its SQLite and C++ sources are not needed at run time.
    expect([...entries].filter((entry) => /^\/node_modules\/better-sqlite3\/(deps|src)\//.test(entry))).toEqual([]);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; app code only from app.asar', () => {
    const binary = readFileSync(join(appDir, 'deliverlab'));
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const wire = binary.subarray(at + 2, at + 2 + DEFAULT_FUSES.length).toString('latin1');
    // runAsNode, cookieEncryption, nodeOptions, nodeCliInspect, asarIntegrity, onlyLoadAppFromAsar,
    // browserV8Snapshot, grantFileProtocolExtraPrivileges (left on: the UI loads from file://).
    expect(wire).toBe('01000101');
  });
});
