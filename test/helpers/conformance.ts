/**
 * Where the third-party conformance data lives: test/fixtures/conformance, inside the repository.
 *
 * Every test and bench reads it through these names, so a clone of the repository alone runs them
 * (the folder's SOURCES.tsv says where each file came from and under which licence).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CONFORMANCE = join(import.meta.dirname, '..', 'fixtures', 'conformance');

/** A path inside the conformance folder, from its parts (`conformancePath('spf', 'rfc7208-tests.yml')`). */
export const conformancePath = (...parts: string[]): string => join(CONFORMANCE, ...parts);

/** Every .eml under the given conformance folders, in a stable order. */
export function conformanceEml(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    (readdirSync(conformancePath(folder), { recursive: true }) as string[])
      .filter((name) => name.toLowerCase().endsWith('.eml'))
      .sort()
      .map((name) => conformancePath(folder, name)),
  );
}

/** The robustness corpus: every message under mime/ and dmarc-reports/. */
export const conformanceMessages = (): string[] => conformanceEml('mime', 'dmarc-reports');
