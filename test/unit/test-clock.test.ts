/**
 * The tests do not race the clock: no elapsed-time measurement and no fixed sleep in the unit,
 * integration or end-to-end tests.
 *
 * On a loaded machine (a second copy of the suite, a build) a time limit fails while the code is
 * fine, and a sleep that was long enough on an idle machine is not. Tests wait for the event that
 * says something happened; how fast it happens is judged by `npm run bench` (test/bench/bound.ts).
 * Deadlines that detect a hang (a timer that rejects, `{ timeout }` options) stay allowed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

// Built from parts so that this file does not match itself.
const RULES: [RegExp, string][] = [
  [new RegExp(['performance', 'now\\(\\)'].join('\\.')), 'measures elapsed time: judge speed in npm run bench'],
  [new RegExp(['Date', 'now\\(\\)\\s*-'].join('\\.')), 'measures elapsed time: judge speed in npm run bench'],
  [new RegExp(['waitFor', 'Timeout\\('].join('')), 'sleeps: wait for what the page shows (a locator, an event)'],
  [new RegExp(['new Promise(<\\w+>)?\\(\\(?(\\w+)\\)? => set', 'Timeout\\(\\2,\\s*[1-9]'].join('')), 'sleeps: wait for the event, or poll a condition with test/helpers/until.ts where none exists'],
];

describe('test timing', () => {
  it('has no elapsed-time assertion and no fixed sleep in test/unit, test/integration or test/e2e', () => {
    const code = ['unit', 'integration', 'e2e'].flatMap((d) => files(join(ROOT, 'test', d)));
    const offending = code.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => RULES.filter(([re]) => re.test(line)).map(([, why]) => `${relative(ROOT, file)}:${i + 1}: ${why}: ${line.trim()}`)),
    );
    expect(code.length).toBeGreaterThan(80);
    expect(offending).toEqual([]);
  });
});
