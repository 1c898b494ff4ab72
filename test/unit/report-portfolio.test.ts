import { describe, expect, it } from 'vitest';
import { finding } from '../../electron/core/audit/finding';
import type { AuditResult } from '../../electron/core/audit/types';
import { renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { portfolio } from '../../electron/core/report/portfolio';
import { reportResult } from '../helpers/report-result';

/** A clean domain: no finding at all. */
function clean(domain: string): AuditResult {
  return { ...reportResult(domain), grade: 'A', score: 100, findings: [] };
}

/** Only DMARC p=none, found twice in the same audit. */
function dmarcOnly(domain: string): AuditResult {
  const f = finding('dmarc.policy-none', { title: 'DMARC policy is none', detail: 'p=none' });
  return { ...reportResult(domain), grade: 'B', score: 85, findings: [f, f] };
}

describe('portfolio overview', () => {
  const results = [reportResult('a.test'), dmarcOnly('b.test'), clean('c.test'), reportResult('d.test')];

  it('counts each shared finding code once per domain, most domains first', () => {
    const p = portfolio(results);
    expect(p.total).toBe(4);
    expect(p.rows.map((r) => [r.domain, r.grade, r.score])).toEqual([['a.test', 'D', 61], ['b.test', 'B', 85], ['c.test', 'A', 100], ['d.test', 'D', 61]]);
    expect(p.rows[0]).toMatchObject({ critical: 2, warning: 3 });
    expect(p.shared[0]).toMatchObject({ code: 'dmarc.policy-none', domains: ['a.test', 'b.test', 'd.test'] });
    // Found in one domain only: not shared. In two: shared, critical before warning before info.
    const two = p.shared.slice(1);
    expect(two.every((i) => i.domains.length === 2)).toBe(true);
    expect(two[0]?.severity).toBe('critical');
    expect(two.map((i) => i.severity)).toEqual([...two.map((i) => i.severity)].sort((x, y) => ['critical', 'warning', 'info'].indexOf(x) - ['critical', 'warning', 'info'].indexOf(y)));
  });

  it('puts the overview table and the shared issues before the sections in HTML', () => {
    const html = renderHtml(results);
    const overview = html.indexOf('id="overview-title"');
    expect(overview).toBeGreaterThan(0);
    expect(overview).toBeLessThan(html.indexOf('id="d1-title"'));
    expect(html).toContain('<strong>3 of 4 domains</strong>: <span class="sev sev-warning">warning</span> DMARC policy is none <code>dmarc.policy-none</code>');
    expect(html).toContain('<a href="#d3-title">c.test</a></td><td>A</td><td>100</td><td>0</td><td>0</td>');
    expect(html.match(/class="domain-section"/g)).toHaveLength(4);
    expect(html).toContain('<title>Deliverability report: 4 domains</title>');
  });

  it('says so when no finding is shared, and leaves a one-domain report without an overview', () => {
    expect(renderHtml([clean('x.test'), dmarcOnly('y.test')])).toContain('No finding is shared by two or more domains.');
    expect(renderHtml([reportResult()])).not.toContain('overview-title');
    expect(renderMarkdown([reportResult()])).not.toContain('## Overview');
  });

  it('writes the same overview in Markdown', () => {
    const md = renderMarkdown(results);
    expect(md.indexOf('## Overview')).toBeLessThan(md.indexOf('## a\\.test'));
    expect(md).toContain('| c\\.test | A | 100 | 0 | 0 |');
    expect(md).toContain('- **3 of 4 domains**: warning DMARC policy is none ` dmarc.policy-none ` (a\\.test, b\\.test, d\\.test)');
  });
});
