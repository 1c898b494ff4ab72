/**
 * The conformance data is part of the repository: a clone alone runs every test and bench.
 *
 * Each copied file is byte-identical to its source (SOURCES.tsv names the repository, path, commit,
 * licence and SHA-256), each folder carries its upstream licence, and nothing under test/ reaches
 * outside the repository for data.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE, conformanceMessages } from '../helpers/conformance';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

interface Source {
  path: string;
  repository: string;
  sourcePath: string;
  commit: string;
  licence: string;
  sha256: string;
}

function sources(): Source[] {
  const [head, ...lines] = readFileSync(join(CONFORMANCE, 'SOURCES.tsv'), 'utf8').trimEnd().split('\n');
  expect(head).toBe('path\tsource_repository\tsource_path\tsource_commit\tlicence\tsha256');
  return lines.map((line) => {
    const [path, repository, sourcePath, commit, licence, sha256] = line.split('\t') as [string, string, string, string, string, string];
    return { path, repository, sourcePath, commit, licence, sha256 };
  });
}

describe('test/fixtures/conformance', () => {
  it('lists every file in SOURCES.tsv, and every listed file is there byte for byte', () => {
    const listed = sources();
    const onDisk = files(CONFORMANCE)
      .map((f) => relative(ROOT, f))
      .filter((f) => !/\/(SOURCES\.tsv|README\.md|\.gitattributes)$/.test(f))
      .sort();
    expect(listed.map((s) => s.path).sort()).toEqual(onDisk);
    for (const s of listed) {
      expect(s.repository, s.path).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(s.commit, s.path).toMatch(/^[0-9a-f]{40}$/);
      expect(s.sourcePath, s.path).not.toBe('');
      expect(createHash('sha256').update(readFileSync(join(ROOT, s.path))).digest('hex'), s.path).toBe(s.sha256);
    }
  });

  it('keeps each upstream licence beside its data, and names it', () => {
    for (const s of sources()) {
      const licenceFile = /\(([^,)]+)/.exec(s.licence)?.[1];
      expect(licenceFile, `${s.path}: ${s.licence}`).toBeDefined();
      expect(existsSync(join(CONFORMANCE, licenceFile as string)), `${s.path}: ${licenceFile}`).toBe(true);
      // The licence sits in the data's own folder or above it, never elsewhere.
      expect(s.path.startsWith(`test/fixtures/conformance/${dirname(licenceFile as string)}/`), `${s.path}: ${licenceFile}`).toBe(true);
    }
  });

  it('holds the robustness corpus the message tests count on', () => {
    expect(conformanceMessages().length).toBe(71);
  });
});

describe('the test tree reads only the repository', () => {
  // Built from parts so that this file does not match itself.
  const outside = [new RegExp(['\\.\\.', 'shared'].join('/')), new RegExp(`'\\.\\.',\\s*'${'shared'}'`), new RegExp(['shared', 'conformance'].join('/')), new RegExp(['', 'work', ''].join('/'))];

  it('reads nothing from outside the repository (the folder beside it, or /work) in any test, helper, lab script or bench', () => {
    const code = [...files(join(ROOT, 'test')).filter((f) => /\.(ts|tsx|js|mjs|cjs|sh)$/.test(f) && !f.startsWith(CONFORMANCE)), join(ROOT, 'vitest.config.ts')];
    const offending = code.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (file !== import.meta.filename && outside.some((re) => re.test(line)) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(code.length).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });
});
