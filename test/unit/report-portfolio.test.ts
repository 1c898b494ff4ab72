import { describe, expect, it } from 'vitest';
import { finding } from '../../electron/core/audit/finding';
import type { AuditResult } from '../../electron/core/audit/types';
import { readEmbeddedResults, renderHtml, TRANSCRIPT_ELSEWHERE } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { EMBED_ID, PLAIN_EMBED_LIMIT, readEmbedded, ReportReadError, sha256 } from '../../electron/core/report/page';
import { portfolio } from '../../electron/core/report/portfolio';
import { deflateSync } from 'node:zlib';
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

  it('leaves each domain\'s DNS transcript to its own report, where one domain keeps it', () => {
    const html = renderHtml(results);
    expect(html).not.toContain('Appendix: DNS transcript');
    expect(html.split(TRANSCRIPT_ELSEWHERE)).toHaveLength(5);
    expect(renderMarkdown(results)).not.toContain('Appendix: DNS transcript');
    expect(renderHtml([reportResult()])).toContain('Appendix: DNS transcript');
    expect(renderMarkdown([reportResult()])).toContain('Appendix: DNS transcript');
  });
});

/** A portfolio whose results, as JSON, pass the plain-embedding limit. */
function largePortfolio(): AuditResult[] {
  const one = reportResult('big.test');
  const size = JSON.stringify(one).length;
  return Array.from({ length: Math.ceil(PLAIN_EMBED_LIMIT / size) + 2 }, (_, i) => ({ ...reportResult(`d${i}.big.test`), id: i + 1 }));
}

const embeddedOf = (html: string) => {
  const open = `<script type="application/json" id="${EMBED_ID}">`;
  const start = html.indexOf(open) + open.length;
  return html.slice(start, html.indexOf('</script>', start));
};

describe('a large portfolio embeds its results compressed', () => {
  const results = largePortfolio();
  const html = renderHtml(results);

  it('holds them deflated, says so, and reads them back whole', () => {
    const embedded = embeddedOf(html);
    expect(embedded.length).toBeLessThan(JSON.stringify(results).length / 4);
    expect(JSON.parse(embedded)).toMatchObject({ deliverlab: 'compressed', encoding: 'deflate-base64' });
    expect(html).toContain('embedded in this file (compressed, as JSON deflated and in base64)');
    expect(readEmbeddedResults(html)).toEqual(results);
    expect(renderHtml(results)).toBe(html);
  });

  it('keeps a small report\'s result as readable JSON', () => {
    const small = renderHtml([reportResult()]);
    expect(JSON.parse(embeddedOf(small))).toMatchObject({ kind: 'deliverlab.audit-report' });
    expect(small).not.toContain('compressed');
  });

  it('refuses a compressed result that was changed, or that inflates past the limit', () => {
    const embedded = embeddedOf(html);
    const packed = JSON.parse(embedded) as { data: string };
    const other = { ...packed, data: deflateSync(JSON.stringify(results.slice(1))).toString('base64') };
    const changed = html.replace(embedded, JSON.stringify(other));
    expect(() => readEmbedded(changed)).toThrow(/does not match the SHA-256/);
    // Re-hashed, so only the size guard stands between the reader and the inflated text.
    const rehashed = changed.replace(/id="deliverlab-sha256">[0-9a-f]{64}</, `id="deliverlab-sha256">${sha256(JSON.stringify(other))}<`);
    expect(() => readEmbedded(rehashed, { maxInflated: 1024 })).toThrow(ReportReadError);
    expect(() => readEmbedded(rehashed, { maxInflated: 1024 })).toThrow(/cannot be read/);
    expect(readEmbedded(rehashed)).toEqual(expect.objectContaining({ length: results.length - 1 }));
  });
});

