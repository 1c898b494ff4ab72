import { describe, expect, it } from 'vitest';
import { ALL_CODES } from '../../electron/core/audit/codes';
import { finding } from '../../electron/core/audit/finding';
import { IMPACT, IMPACT_ORDER, prioritize } from '../../electron/core/report/prioritize';
import { reportResult } from '../helpers/report-result';

describe('prioritize', () => {
  it('gives every finding code an impact class, and classes only codes that exist', () => {
    const missing = ALL_CODES.filter((code) => !IMPACT_ORDER.includes(IMPACT[code]));
    expect(missing).toEqual([]);
    expect(Object.keys(IMPACT).sort()).toEqual([...ALL_CODES].sort());
  });

  it('ranks critical before warning before info, then rejected before spoofable before reputation before hygiene', () => {
    const items = prioritize(reportResult());
    expect(items.map((i) => [i.severity, i.impact, i.findings.map((f) => f.code)])).toEqual([
      ['critical', 'rejected', ['mx.no-address']],
      ['critical', 'spoofable', ['spf.all-pass']],
      ['warning', 'spoofable', ['dmarc.policy-none', 'dmarc.no-rua']],
      ['warning', 'reputation', ['dkim.not-found']],
      ['info', 'hygiene', ['dnssec.unsigned']],
      ['info', 'hygiene', ['mtasts.missing']],
    ]);
  });

  it('groups findings of one check with one fix into one item, and keeps fixless findings apart', () => {
    const a = finding('ptr.missing', { title: 'a', detail: 'x' });
    const b = finding('ptr.missing', { title: 'b', detail: 'y' });
    const fix = 'Ask your host for a PTR';
    const c = finding('ptr.mismatch', { title: 'c', detail: 'z', fix });
    const d = finding('ptr.missing', { title: 'd', detail: 'w', fix });
    const items = prioritize({ findings: [a, b, c, d] });
    expect(items).toHaveLength(3);
    const grouped = items.find((i) => i.fix === fix);
    expect(grouped?.findings.map((f) => f.title).sort()).toEqual(['c', 'd']);
  });

  it('ranks the same findings the same whatever order they arrive in', () => {
    const result = reportResult();
    const reversed = { findings: [...result.findings].reverse() };
    expect(prioritize(reversed)).toEqual(prioritize(result));
  });
});
