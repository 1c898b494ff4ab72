/**
 * Packages the desktop app with electron-builder and checks what the package holds.
 *
 * Electron cannot be downloaded here, so each package is built against a stand-in Electron
 * (electronDist): for Linux a dummy binary carrying Electron's fuse wire; for macOS an Electron.app
 * skeleton (Info.plist files, the framework binary that holds the fuse wire on macOS); for Windows a
 * small PE file with a version resource (electron-builder edits it) and the fuse wire. Everything
 * else is the real thing: electron-builder.yml, the built out/, the production node_modules, asar
 * packing and unpacking, the asar integrity data and the fuses written into the binaries.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFile, getRawHeader, listPackage, statFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronVersion } from '../helpers/electron-version';

const root = join(import.meta.dirname, '..', '..');
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const PACKAGE_TIMEOUT_MS = 180_000;

// @electron/fuses' sentinel, then wire version 1, 8 fuses, and Electron's defaults
// (runAsNode, nodeOptions, nodeCliInspect and grantFileProtocolExtraPrivileges on; the rest off).
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DEFAULT_FUSES = '10110001';
const FUSE_WIRE = Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(DEFAULT_FUSES)]);
/**
 * The fuses electron-builder.yml sets, in wire order: runAsNode off, cookieEncryption on, nodeOptions
 * off, nodeCliInspect off, embeddedAsarIntegrityValidation on, onlyLoadAppFromAsar on,
 * browserV8Snapshot off, grantFileProtocolExtraPrivileges on (the UI loads from file://).
 */
const HARDENED_FUSES = '01001101';

let work: string;
let appDir: string;
let asarPath: string;
let entries: Set<string>;

function writeLicences(dir: string): void {
  writeFileSync(join(dir, 'version'), electronVersion());
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!doctype html><title>stand-in</title>\n');
}

function makeStandInElectron(dir: string): void {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const binary = Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron for packaging tests" >&2\nexit 1\n'), FUSE_WIRE]);
  writeFileSync(join(dir, 'electron'), binary, { mode: 0o755 });
  writeLicences(dir);
}

function infoPlist(executable: string, id: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>CFBundleExecutable</key><string>${executable}</string>
  <key>CFBundleIdentifier</key><string>${id}</string>
  <key>CFBundleName</key><string>${executable}</string>
  <key>CFBundlePackageType</key><string>APPL</string>
  <key>CFBundleVersion</key><string>${electronVersion()}</string>
</dict></plist>
`;
}

/** Electron.app as its zip unpacks, reduced to what electron-builder reads and rewrites. */
function makeStandInMacElectron(dir: string): void {
  const contents = join(dir, 'Electron.app', 'Contents');
  mkdirSync(join(contents, 'MacOS'), { recursive: true });
  mkdirSync(join(contents, 'Resources'), { recursive: true });
  writeFileSync(join(contents, 'Info.plist'), infoPlist('Electron', 'com.github.Electron'));
  writeFileSync(join(contents, 'MacOS', 'Electron'), 'stand-in\n', { mode: 0o755 });
  // On macOS the fuse wire lives in the framework, not in the app's executable.
  const framework = join(contents, 'Frameworks', 'Electron Framework.framework');
  mkdirSync(framework, { recursive: true });
  writeFileSync(join(framework, 'Electron Framework'), FUSE_WIRE);
  const helper = join(contents, 'Frameworks', 'Electron Helper.app', 'Contents');
  mkdirSync(join(helper, 'MacOS'), { recursive: true });
  writeFileSync(join(helper, 'Info.plist'), infoPlist('Electron Helper', 'com.github.Electron.helper'));
  writeFileSync(join(helper, 'MacOS', 'Electron Helper'), 'stand-in\n', { mode: 0o755 });
  writeLicences(dir);
}

/** The parts of resedit (electron-builder's own PE resource editor) that make the stand-in electron.exe. */
interface Resedit {
  NtExecutable: { createEmpty(is32Bit?: boolean, isDLL?: boolean): PeFile };
  NtExecutableResource: { from(exe: PeFile): { entries: unknown[]; outputResource(exe: PeFile): void } };
  Resource: {
    VersionInfo: {
      createEmpty(): {
        lang: number;
        setStringValues(language: { lang: number; codepage: number }, values: Record<string, string>): void;
        setFileVersion(major: number, minor: number, micro: number, revision: number): void;
        outputToResourceEntries(entries: unknown[]): void;
      };
    };
  };
}
interface PeFile {
  setExtraData(data: Uint8Array): void;
  generate(): ArrayBuffer;
}

/**
 * electron.exe reduced to a valid PE file with the version resource electron-builder rewrites (it
 * refuses a file without one) and the fuse wire after the image.
 */
function makeStandInWinElectron(dir: string): void {
  // resedit is electron-builder's dependency, not ours: take the copy electron-builder itself loads.
  const builder = createRequire(import.meta.url).resolve('app-builder-lib');
  const resedit = createRequire(builder)('resedit') as Resedit;
  const exe = resedit.NtExecutable.createEmpty(false, false);
  const resources = resedit.NtExecutableResource.from(exe);
  const version = resedit.Resource.VersionInfo.createEmpty();
  version.lang = 1033;
  version.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron', OriginalFilename: 'electron.exe' });
  const [major = 0, minor = 0, patch = 0] = electronVersion().split('.').map(Number);
  version.setFileVersion(major, minor, patch, 0);
  version.outputToResourceEntries(resources.entries);
  resources.outputResource(exe);
  exe.setExtraData(FUSE_WIRE);
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron.exe'), Buffer.from(exe.generate()));
  writeLicences(dir);
}

/** The fuse wire of a packaged binary, '0'/'1' per fuse. */
function fuseWire(binaryPath: string): string {
  const binary = readFileSync(binaryPath);
  const at = binary.indexOf(FUSE_SENTINEL);
  expect(at, `no fuse wire in ${binaryPath}`).toBeGreaterThanOrEqual(0);
  const start = at + FUSE_SENTINEL.length + 2;
  return binary.subarray(start, start + DEFAULT_FUSES.length).toString('latin1');
}

/** What Electron hashes when it checks an archive: SHA-256 of the asar header as stored. */
function asarHeaderHash(asar: string): string {
  return createHash('sha256').update(getRawHeader(asar).headerString).digest('hex');
}

type Platform = 'linux' | 'mac' | 'win';

function runElectronBuilder(platform: Platform, distDir: string, outputDir: string): Promise<void> {
  const cli = join(root, 'node_modules/electron-builder/cli.js');
  const args = [cli, `--${platform}`, 'dir', '--x64', '--publish', 'never', `-c.electronDist=${distDir}`, `-c.directories.output=${outputDir}`];
  // Turning icon.png into .icns or .ico needs a tool bundle electron-builder downloads: keep
  // Electron's own icon for these two, which changes nothing that is checked here.
  if (platform !== 'linux') args.push(`-c.${platform}.icon=null`);
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
        const log = `${stdout}\n${stderr}`;
        if (err) reject(new Error(`electron-builder --${platform} failed (${err.message}):\n${log.slice(-4000)}`));
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
  await runElectronBuilder('linux', dist, join(work, 'dist'));
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
    // The asar integrity bit is set here too (electronFuses is one setting for all platforms), but
    // Electron checks app.asar only on macOS and Windows, and nothing is embedded to check against.
    expect(fuseWire(join(appDir, 'deliverlab'))).toBe(HARDENED_FUSES);
  });
});

describe('the macOS package', () => {
  let contents: string;
  beforeAll(async () => {
    const dist = join(work, 'electron-mac');
    makeStandInMacElectron(dist);
    await runElectronBuilder('mac', dist, join(work, 'dist-mac'));
    contents = join(work, 'dist-mac', 'mac', 'Deliverlab.app', 'Contents');
  }, PACKAGE_TIMEOUT_MS);

  it('embeds the hash of app.asar that Electron checks at start (ElectronAsarIntegrity in Info.plist)', () => {
    const plist = readFileSync(join(contents, 'Info.plist'), 'utf8');
    const entry = /<key>ElectronAsarIntegrity<\/key>\s*<dict>\s*<key>Resources\/app\.asar<\/key>\s*<dict>\s*<key>algorithm<\/key>\s*<string>SHA256<\/string>\s*<key>hash<\/key>\s*<string>([0-9a-f]{64})<\/string>/.exec(plist);
    expect(entry, 'ElectronAsarIntegrity for Resources/app.asar').not.toBeNull();
    expect(entry?.[1]).toBe(asarHeaderHash(join(contents, 'Resources', 'app.asar')));
  });

  it('turns asar integrity checking on, with the other fuses, in the Electron framework', () => {
    expect(fuseWire(join(contents, 'Frameworks', 'Electron Framework.framework', 'Electron Framework'))).toBe(HARDENED_FUSES);
  });
});

describe('the Windows package', () => {
  let appDirWin: string;
  beforeAll(async () => {
    const dist = join(work, 'electron-win');
    makeStandInWinElectron(dist);
    await runElectronBuilder('win', dist, join(work, 'dist-win'));
    appDirWin = join(work, 'dist-win', 'win-unpacked');
  }, PACKAGE_TIMEOUT_MS);

  it('embeds the hash of app.asar that Electron checks at start (an INTEGRITY resource in the .exe)', () => {
    const exe = readFileSync(join(appDirWin, 'Deliverlab.exe')).toString('latin1');
    // The resource is JSON; Electron looks the archive up by its Windows path (a backslash, escaped).
    const entry = /\[\{"file":"resources\\\\app\.asar","alg":"SHA256","value":"([0-9a-f]{64})"\}\]/.exec(exe);
    expect(entry, 'the ELECTRONASAR integrity resource').not.toBeNull();
    expect(entry?.[1]).toBe(asarHeaderHash(join(appDirWin, 'resources', 'app.asar')));
  });

  it('turns asar integrity checking on, with the other fuses, in the executable', () => {
    expect(fuseWire(join(appDirWin, 'Deliverlab.exe'))).toBe(HARDENED_FUSES);
  });
});
