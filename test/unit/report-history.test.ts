import { describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi } from '../../electron/api/handlers';
import type { ReportOutput } from '../../electron/api/operations';
import { finding } from '../../electron/core/audit/finding';
import type { AuditResult } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import type { AuditReport } from '../../electron/core/report/audit-report';
import { compareAudits, historyOf, TREND_POINTS } from '../../electron/core/report/changes';
import { readEmbeddedReport, readEmbeddedResults, renderHtml } from '../../electron/core/report/html';
import { renderMarkdown } from '../../electron/core/report/markdown';
import { renderPage } from '../../electron/core/report/page';
import { renderReport } from '../../electron/core/report/render';
import { currentAudit, historyReport, previousAudit } from '../helpers/report-history';
import { HOSTILE_TXT, reportResult } from '../helpers/report-result';
import { tempDbPaths } from '../helpers/temp-db';

const dbPath = tempDbPaths('report-history');

describe('compareAudits', () => {
  const changes = compareAudits(previousAudit(), currentAudit());

  it('gives the grade and score before and after, and the checks whose status changed', () => {
    expect(changes.previousAt).toBe('2026-02-14T09:26:53.000Z');
    expect(changes.grade).toEqual({ before: 'F', after: 'D' });
    expect(changes.score).toEqual({ before: 48, after: 61 });
    expect(changes.checks).toEqual([{ check: 'spf', title: 'SPF', before: 'fail', after: 'pass' }]);
  });

  it('names new findings by code, and by what they name when the code repeats; and the resolved ones', () => {
    expect(changes.added.map((f) => [f.code, f.title])).toEqual([
      ['mx.no-address', 'MX host mx2.example.test has no address'],
      ['dmarc.subdomain-weaker', 'Subdomains get a weaker policy'],
    ]);
    expect(changes.resolved.map((f) => f.code)).toEqual(['spf.all-pass']);
  });

  it('gives the published records that changed, as the report shows them under the check', () => {
    expect(changes.records).toEqual([
      { check: 'mx', title: 'MX', removed: [], added: ['MX 20 mx2.example.test'] },
      { check: 'spf', title: 'SPF', removed: [HOSTILE_TXT], added: ['v=spf1 mx -all'] },
    ]);
  });

  it('finds nothing between an audit and itself', () => {
    const same = compareAudits(currentAudit(), currentAudit());
    expect({ ...same, previousAt: '' }).toEqual({ previousAt: '', grade: { before: 'D', after: 'D' }, score: { before: 61, after: 61 }, checks: [], added: [], resolved: [], records: [] });
  });

  it('does not count a finding as resolved, nor a record as changed, when its check did not run the second time', () => {
    const before = previousAudit();
    before.checks.smtp = { status: 'fail', hosts: [] };
    before.findings.push(finding('smtp.no-starttls', { title: 'mx1 does not offer STARTTLS', detail: '' }));
    const after = previousAudit();
    after.checks.spf = { ...after.checks.spf, status: 'error', error: 'ESERVFAIL', record: null, records: [] };
    after.findings = after.findings.filter((f) => f.check !== 'spf');
    after.findings.push(finding('domain.nxdomain', { title: 'example.test does not exist', detail: '' }));
    const c = compareAudits(before, after);
    expect(c.resolved).toEqual([]);
    expect(c.records).toEqual([]);
    expect(c.added.map((f) => f.code)).toEqual(['domain.nxdomain']);
    expect(c.checks.map((s) => `${s.check} ${s.before}→${s.after}`)).toEqual(['spf fail→error', 'smtp fail→skipped']);
  });
});

/** Stores `n` audits of example.test a day apart (scores 40, 42, ...), and one of other.test; returns their ids. */
function storeAudits(store: HistoryStore, n: number): number[] {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const day = String(i + 1).padStart(2, '0');
    ids.push(store.saveAudit({ ...reportResult(), id: null, startedAt: `2026-01-${day}T10:00:00.000Z`, score: 40 + 2 * i }));
  }
  store.saveAudit({ ...reportResult('other.test'), id: null, startedAt: '2026-01-05T12:00:00.000Z', score: 99 });
  return ids;
}

describe('historyOf: the trend and the previous audit from the store', () => {
  it('takes the stored audits of the domain up to and including this one, oldest first, at most 12', () => {
    const store = HistoryStore.open(dbPath());
    try {
      const ids = storeAudits(store, 14);
      const audit = (id: number) => store.getAudit(id) as AuditResult;
      const fifth = historyOf(store, audit(ids[4] as number));
      expect(fifth.trend.map((p) => p.score)).toEqual([40, 42, 44, 46, 48]);
      expect(fifth.compared.changes?.previousAt).toBe('2026-01-04T10:00:00.000Z');
      expect(fifth.compared.changes?.score).toEqual({ before: 46, after: 48 });

      const last = historyOf(store, audit(ids[13] as number));
      expect(last.trend).toHaveLength(TREND_POINTS);
      expect(last.trend[0]?.startedAt).toBe('2026-01-03T10:00:00.000Z');
      expect(last.trend[11]?.startedAt).toBe('2026-01-14T10:00:00.000Z');

      expect(historyOf(store, audit(ids[0] as number))).toEqual({ trend: [{ startedAt: '2026-01-01T10:00:00.000Z', grade: 'D', score: 40 }], compared: { against: 'history', changes: null } });

      // A result given whole, not stored: the stored audits before it, then itself.
      const fresh = { ...reportResult(), id: null, startedAt: '2026-02-01T00:00:00.000Z', score: 90, grade: 'A' };
      const given = historyOf(store, fresh);
      expect(given.trend.map((p) => p.score).slice(-2)).toEqual([66, 90]);
      expect(given.compared.changes?.grade).toEqual({ before: 'D', after: 'A' });
    } finally {
      store.close();
    }
  });
});

describe('the audit report with its history', () => {
  const report = historyReport('Good Ltd');
  const brand = { name: 'Acme Consulting' };
  const html = renderHtml(report, brand);

  it('draws the trend as an inline SVG with an accessible name, and gives its values as a table', () => {
    const [, name = '', svg = ''] = /<svg role="img" aria-labelledby="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/.exec(html) ?? [];
    expect(svg).toContain(`<title id="${name}">Score trend of example.test over its last 3 audits: from 35 (F) to 61 (D).</title>`);
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(/<polyline points="([^"]+)"/.exec(svg)?.[1]?.split(' ')).toHaveLength(3);
    // Nothing in it that fetches or runs.
    expect(svg).not.toMatch(/href|<script|<image|<foreignObject|url\(/i);
    const table = html.slice(html.indexOf('<caption>Score trend, oldest first</caption>'));
    expect(table.slice(0, table.indexOf('</table>')).match(/<tr><td>/g)).toHaveLength(3);
    expect(table).toContain('<tr><td>2026-01-14 09:00:00 UTC</td><td>F</td><td>35</td></tr>');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('says what changed since the previous audit: grade and score, checks, findings, records', () => {
    const section = html.slice(html.indexOf('What changed since the previous audit'), html.indexOf('<h3>Checks</h3>'));
    expect(section).toContain('Compared with the previous audit in history, of 2026-02-14 09:26:53 UTC.');
    expect(section).toContain('Grade D, was F. Score 61 of 100, was 48 (up 13).');
    expect(section).toContain('<tr><td>SPF</td><td>Fail</td><td>Pass</td></tr>');
    expect(section).toMatch(/<h4>New findings<\/h4><ul><li><span class="sev sev-critical">critical<\/span> <code>mx\.no-address<\/code> MX host mx2\.example\.test has no address<\/li>/);
    expect(section).toMatch(/<h4>Resolved findings<\/h4><ul><li><span class="sev sev-critical">critical<\/span> <code>spf\.all-pass<\/code>/);
    expect(section).toContain('<tr><td>SPF</td><td class="wrap">v=spf1 include:&#60;/script&#62;');
    expect(section).toContain('<td class="wrap">v=spf1 mx -all</td>');
  });

  it('puts the client and who prepared it on the cover', () => {
    expect(html).toContain('<dt>Client</dt><dd>Good Ltd</dd>\n<dt>Domain</dt>');
    expect(html).toContain('<dt>Prepared by</dt><dd>Acme Consulting</dd>');
    expect(renderHtml(historyReport())).not.toMatch(/<dt>(Client|Prepared by)<\/dt>/);
    const md = renderMarkdown(report, brand);
    expect(md).toContain('- Client: Good Ltd\n- Domain: example\\.test');
    expect(md).toContain('- Prepared by: Acme Consulting');
  });

  it('renders the same bytes again from the report it embeds', () => {
    const embedded = readEmbeddedReport(html);
    expect(embedded.client).toBe('Good Ltd');
    expect(embedded.audits[0]?.trend).toHaveLength(3);
    expect(renderHtml(embedded, brand)).toBe(html);
    expect(renderHtml(JSON.parse(JSON.stringify(embedded)) as AuditReport, brand)).toBe(html);
    expect(readEmbeddedResults(html)).toEqual([currentAudit()]);
  });

  it('says so when there is no earlier audit, in the trend and in what changed', () => {
    const first: AuditReport = { audits: [{ result: reportResult(), trend: [{ startedAt: reportResult().startedAt, grade: 'D', score: 61 }], compared: { against: 'history', changes: null } }] };
    const one = renderHtml(first);
    expect(one).not.toContain('<svg');
    expect(one).toContain('There is no earlier audit of example.test in history: this is the first.');
    expect(one).toContain('There is no earlier audit of example.test in history to compare with.');
    const missing = renderMarkdown({ audits: [{ result: reportResult(), compared: { against: 'report', changes: null } }] });
    expect(missing).toContain('The other report has no audit of example\\.test\\: there is nothing to compare with\\.');
  });

  it('gives the trend and the changes in Markdown as tables and lists', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('### Score trend\n\n| Audited | Grade | Score |\n|---|---|---|\n| 2026\\-01\\-14 09\\:00\\:00 UTC | F | 35 |');
    expect(md.match(/^\| 2026\\-0\d\\-14 /gm)).toHaveLength(3);
    expect(md).toContain('**Grade D, was F\\. Score 61 of 100, was 48 \\(up 13\\)\\.**');
    expect(md).toContain('| SPF | Fail | Pass |');
    expect(md).toContain('- **critical** ` mx.no-address ` MX host mx2\\.example\\.test has no address');
    expect(md).toContain(`\`\`\`text\n- ${HOSTILE_TXT}\n+ v=spf1 mx -all\n\`\`\``);
  });

  it('keeps the JSON format the plain results, and reads reports that embed a bare result or an array', () => {
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(currentAudit());
    const page = (result: unknown) => renderPage({ title: 't', main: '', resultName: 'the audit result', result });
    expect(readEmbeddedReport(page(reportResult()))).toEqual({ audits: [{ result: reportResult() }] });
    const two = readEmbeddedReport(page([reportResult(), reportResult('other.test')]));
    expect(two.audits.map((a) => a.result.domain)).toEqual(['example.test', 'other.test']);
    // Rendered from such a report, no history is claimed.
    expect(renderHtml(two)).not.toContain('Score trend');
    expect(() => readEmbeddedReport(page({ kind: 'deliverlab.audit-report', version: 1, audits: [{ nothing: 1 }] }))).toThrow(/not an audit result/);
  });
});

describe('report.render with history', () => {
  it('gives a stored audit its trend and changes from history, and a result given whole too', async () => {
    const store = HistoryStore.open(dbPath());
    const api = createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {} });
    try {
      const ids = storeAudits(store, 3);
      const html = ((await api.dispatch('report.render', { audits: [ids[2]], format: 'html' })) as ReportOutput).text;
      expect(readEmbeddedReport(html).audits[0]?.trend?.map((p) => p.score)).toEqual([40, 42, 44]);
      expect(html).toContain('Grade D, was D. Score 44 of 100, was 42 (up 2).');
      const off = ((await api.dispatch('report.render', { audits: [ids[2]], format: 'md', history: false })) as ReportOutput).text;
      expect(off).not.toContain('Score trend');
      const whole = { ...reportResult(), id: null, startedAt: '2026-02-01T00:00:00.000Z', score: 50 };
      const given = ((await api.dispatch('report.render', { audits: [whole], format: 'md' })) as ReportOutput).text;
      expect(given).toContain('| 2026\\-01\\-03 10\\:00\\:00 UTC | D | 44 |\n| 2026\\-02\\-01 00\\:00\\:00 UTC | D | 50 |');
    } finally {
      api.close();
      store.close();
    }
  });

  it('compares with the results given in compare instead, and keeps a reported audit as it came', async () => {
    const store = HistoryStore.open(dbPath());
    const api = createApi({ dbPath: null, store, transport: 'http', version: '0', emit: () => {} });
    try {
      const [id] = storeAudits(store, 1);
      const md = ((await api.dispatch('report.render', { audits: [id], format: 'md', compare: [previousAudit(), reportResult('other.test')] })) as ReportOutput).text;
      expect(md).toContain('Compared with the audit of 2026\\-02\\-14 09\\:26\\:53 UTC in the other report\\.');
      const elsewhere = ((await api.dispatch('report.render', { audits: [id], format: 'md', compare: [reportResult('other.test')] })) as ReportOutput).text;
      expect(elsewhere).toContain('The other report has no audit of example\\.test');
      const again = ((await api.dispatch('report.render', { ...historyReport('Good Ltd'), format: 'html', brand: { name: 'Acme Consulting' } })) as ReportOutput).text;
      expect(again).toBe(renderHtml(historyReport('Good Ltd'), { name: 'Acme Consulting' }));
    } finally {
      api.close();
      store.close();
    }
  });

  it('refuses a client name with a control character or over 200 characters, and client on a message report', async () => {
    const api = createApi({ dbPath: ':memory:', transport: 'http', version: '0', emit: () => {} });
    try {
      const audit = reportResult();
      await expect(api.dispatch('report.render', { audits: [audit], format: 'html', client: 'Good\u001b[2J Ltd' })).rejects.toThrow(/control character \(U\+001B\)/);
      await expect(api.dispatch('report.render', { audits: [audit], format: 'html', client: 'x'.repeat(201) })).rejects.toThrow(/longer than 200/);
      await expect(api.dispatch('report.render', { message: 1, format: 'html', client: 'Good Ltd' })).rejects.toBeInstanceOf(ApiError);
      const ok = (await api.dispatch('report.render', { audits: [audit], format: 'html', client: '  Good Ltd  ', history: false })) as ReportOutput;
      expect(ok.text).toContain('<dt>Client</dt><dd>Good Ltd</dd>');
    } finally {
      api.close();
    }
  });
});
