/**
 * The result page's "Fix these first" rows: the api's ranked items, with the app's words for a fix
 * whose core text names a command-line flag, and each code once.
 */
import { describe, expect, it } from 'vitest';
import type { PriorityItem } from '../../electron/api/operations';
import { finding } from '../../electron/core/audit/finding';
import { fixFirstRows } from '../../renderer/src/result/fix-first';

const item = (over: Partial<PriorityItem> & Pick<PriorityItem, 'findings'>): PriorityItem => ({
  check: over.findings[0]?.check ?? 'spf',
  severity: 'warning',
  impact: 'reputation',
  impactLabel: 'sender reputation',
  title: over.findings.map((f) => f.title).join('; '),
  ...over,
});

describe('fixFirstRows', () => {
  it('keeps the api’s order, titles, impact words and fix', () => {
    const spf = finding('spf.all-pass', { title: 'SPF ends in +all', detail: 'x', fix: 'example.test TXT "v=spf1 mx ~all"' });
    const ptr = finding('ptr.missing', { title: 'No PTR', detail: 'y' });
    const rows = fixFirstRows(
      [item({ findings: [spf], severity: 'critical', impact: 'spoofable', impactLabel: 'the domain can be spoofed', fix: spf.fix! }), item({ findings: [ptr] })],
      'example.test',
    );
    expect(rows.map((r) => [r.check, r.severity, r.title, r.impactLabel, r.codes, r.fix])).toEqual([
      ['spf', 'critical', 'SPF ends in +all', 'the domain can be spoofed', ['spf.all-pass'], 'example.test TXT "v=spf1 mx ~all"'],
      ['ptr', 'warning', 'No PTR', 'sender reputation', ['ptr.missing'], undefined],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
  });

  it('names the app’s DKIM selectors box where the core names --selectors', () => {
    const dkim = finding('dkim.not-found', { title: 'No DKIM key found', detail: 'x', fix: 'Pass the selector with --selectors s1' });
    const [row] = fixFirstRows([item({ findings: [dkim], fix: dkim.fix! })], 'example.test');
    expect(row?.fix).toMatch(/the DKIM selectors box/);
    expect(row?.fix).not.toMatch(/--/);
    expect(row?.fix).toContain('<selector>._domainkey.example.test');
  });

  it('lists a code once when one fix resolves several findings of it', () => {
    const fix = 'Ask the list to delist 192.0.2.1';
    const a = finding('dnsbl.listed', { title: 'Listed on A', detail: 'x', fix });
    const b = finding('dnsbl.listed', { title: 'Listed on B', detail: 'y', fix });
    const [row] = fixFirstRows([item({ findings: [a, b], fix })], 'example.test');
    expect(row?.codes).toEqual(['dnsbl.listed']);
    expect(row?.title).toBe('Listed on A; Listed on B');
    expect(row?.fix).toBe(fix);
  });
});
