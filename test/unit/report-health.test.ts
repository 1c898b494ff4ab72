/**
 * The sending health section of a domain's report: present when history holds sending data for
 * the domain up to the audit (never what came after it), the same rows in HTML, Markdown, CSV and
 * JSON, and absent without data; a report rendered again from its own embedded value keeps it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { ReportOutput } from '../../electron/api/operations';
import { importHealth } from '../../electron/core/health/import';
import { HistoryStore } from '../../electron/core/history/store';
import { readEmbeddedReport } from '../../electron/core/report/html';
import { reportResult } from '../helpers/report-result';

let store: HistoryStore | undefined;
let api: Api | undefined;
afterEach(() => {
  api?.close();
  store?.close();
  api = undefined;
  store = undefined;
});

/** 14 days up to the audit (2026-03-14) with Gmail complaints at 0.5 %, and a day after it that the report must not count. */
function csv(domain: string): Uint8Array {
  const lines = ['date,sending_domain,ip,recipient_domain,sent,delivered,bounced_hard,complaints'];
  for (let d = 1; d <= 14; d++) lines.push(`2026-03-${String(d).padStart(2, '0')},${domain},192.0.2.50,gmail.com,1000,990,10,5`);
  lines.push(`2026-03-20,${domain},192.0.2.50,gmail.com,900000,900000,0,0`);
  return Buffer.from(lines.join('\n'));
}

async function render(format: 'html' | 'md' | 'csv' | 'json', withData: boolean): Promise<string> {
  store = HistoryStore.open(':memory:');
  if (withData) await importHealth({ files: [{ name: 'sends.csv', bytes: csv('example.test') }] }, { store, dns: null });
  const id = store.saveAudit(reportResult());
  api = createApi({ dbPath: null, store, transport: 'http', version: 'test', emit: () => {} });
  return ((await api.dispatch('report.render', { audits: [id], format })) as ReportOutput).text;
}

describe('report: sending health section', () => {
  it('HTML: rates per provider and IP over the 30 days up to the audit, the thresholds and the health finding', async () => {
    const html = await render('html', true);
    expect(html).toContain('<h3 id="d1-health">Sending health</h3>');
    expect(html).toContain('From 2026-02-13 to 2026-03-14 (UTC), from the imported sending data.');
    expect(html).toContain('<tr><td>Gmail</td><td>14,000</td><td>99.0%</td><td>1.0%</td><td>1.0%</td><td>0.51%</td>');
    expect(html).toContain('<tr><td>IP 192.0.2.50</td><td>14,000</td>');
    expect(html).toContain('<code>health.complaint-rate</code> Complaint rate over the 0.30 % limit for example.test');
    expect(html).toContain('A limit is exceeded: see the findings below.');
    // Rendered again from the file's own embedded report, through the api: the section is kept whole.
    const again = (await (api as Api).dispatch('report.render', { audits: readEmbeddedReport(html).audits, history: false, format: 'html' })) as ReportOutput;
    expect(again.text).toBe(html);
  });

  it('Markdown, CSV and JSON carry the same section', async () => {
    const md = await render('md', true);
    expect(md).toContain('### Sending health');
    expect(md).toContain('| Gmail | 14,000 | 99\\.0% | 1\\.0% | 1\\.0% | 0\\.51% |');
    expect(md).toContain('` health.complaint-rate ` Complaint rate over the 0\\.30 % limit');
    api?.close();
    store?.close();
    const csvText = await render('csv', true);
    expect(csvText).toContain('example.test,health.complaint-rate,critical,Complaint rate over the 0.30 % limit for example.test,');
    api?.close();
    store?.close();
    const json = JSON.parse(await render('json', true));
    expect(json.domain).toBe('example.test');
    expect(json.health).toMatchObject({ since: '2026-02-13', until: '2026-03-14', limitExceeded: true, totals: { sent: 14_000, complaints: 70 } });
    expect(json.health.findings.map((f: { code: string }) => f.code)).toEqual(['health.complaint-rate']);
  });

  it('has no section for a domain without sending data', async () => {
    const html = await render('html', false);
    expect(html).not.toContain('Sending health');
    api?.close();
    store?.close();
    const json = JSON.parse(await render('json', false));
    expect(json.health).toBeUndefined();
  });
});
