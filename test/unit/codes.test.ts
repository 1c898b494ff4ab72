import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../electron/core/audit/codes';

const root = join(import.meta.dirname, '..', '..');

describe('finding codes', () => {
  it('are pinned: renaming or dropping one breaks users’ scripts', () => {
    expect(Object.fromEntries(Object.entries(FINDING_CODES).map(([code, info]) => [code, info.severity]))).toEqual({
      'mx.missing': 'warning',
      'mx.null': 'info',
      'spf.missing': 'critical',
      'spf.multiple': 'critical',
      'spf.syntax': 'critical',
      'dmarc.missing': 'critical',
      'dmarc.multiple': 'critical',
      'dmarc.syntax': 'critical',
      'dmarc.policy-none': 'warning',
    });
  });

  it('are dotted, lower-case check.problem names whose prefix is their check', () => {
    for (const [code, info] of Object.entries(FINDING_CODES)) {
      expect(code).toMatch(/^[a-z]+\.[a-z0-9-]+$/);
      expect(code.split('.')[0]).toBe(info.check);
    }
  });

  it('are each listed in the README with their severity', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const [code, info] of Object.entries(FINDING_CODES)) {
      expect(readme, `README lists ${code}`).toMatch(new RegExp(`\\|\\s*\`${code.replace('.', '\\.')}\`\\s*\\|\\s*${info.severity}\\s*\\|`));
    }
  });
});
