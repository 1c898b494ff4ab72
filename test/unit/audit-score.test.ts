import { describe, expect, it } from 'vitest';
import { scoreFindings } from '../../electron/core/audit/score';
import { finding } from '../../electron/core/audit/finding';

describe('score', () => {
  const f = (code: 'spf.missing' | 'dmarc.policy-none' | 'mx.null') => finding(code, { title: 't', detail: 'd' });
  it('takes documented weights off 100', () => {
    expect(scoreFindings([])).toEqual({ score: 100, grade: 'A' });
    expect(scoreFindings([f('mx.null')])).toEqual({ score: 100, grade: 'A' });
    expect(scoreFindings([f('dmarc.policy-none')])).toEqual({ score: 92, grade: 'A' });
    expect(scoreFindings([f('spf.missing')])).toEqual({ score: 75, grade: 'B' });
    expect(scoreFindings([f('spf.missing'), f('spf.missing'), f('spf.missing'), f('spf.missing'), f('spf.missing')])).toEqual({ score: 0, grade: 'F' });
  });
});
