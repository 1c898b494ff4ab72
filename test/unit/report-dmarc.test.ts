/**
 * The DMARC reports section of a domain's report: present when history holds DMARC or TLS reports
 * of the domain in the 30 days up to the audit (never what came after it), the same rows in HTML,
 * Markdown, CSV and JSON, and absent without reports; a report rendered again from its own embedded
 * value keeps it. Nothing is looked up: sources are named from the reverse DNS history holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApi, type Api } from '../../electron/api/handlers';
import type { ReportOutput } from '../../electron/api/operations';
import { HistoryStore } from '../../electron/core/history/store';
import { readEmbeddedReport } from '../../electron/core/report/html';
import { importReports } from '../../electron/core/reports/import';
import { aggregateXml, KNOWN_DOMAIN, KNOWN_SOURCES, knownRecords, tlsJson } from '../helpers/dmarc-reports';
import { reportResult } from '../helpers/report-result';

let store: HistoryStore | undefined;
let api: Api | undefined;
afterEach(() => {
  api?.close();
  store?.close();
  api = undefined;
  store = undefined;
});

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** A report four days before the audit (2026-03-14), one after it that the report must not count, and a TLS report. */
async function render(format: 'html' | 'md' | 'csv' | 'json', withData: boolean): Promise<string> {
  store = HistoryStore.open(':memory:');
  if (withData) {
    const files = [
      { name: 'before.xml', bytes: Buffer.from(aggregateXml({ org: 'google.com', reportId: 'before', domain: KNOWN_DOMAIN, begin: day('2026-03-10'), records: knownRecords(1) })) },
      { name: 'after.xml', bytes: Buffer.from(aggregateXml({ org: 'google.com', reportId: 'after', domain: KNOWN_DOMAIN, begin: day('2026-03-20'), records: knownRecords(100) })) },
      {
        name: 'tls.json',
        bytes: Buffer.from(
          tlsJson({ org: 'Microsoft Corporation', reportId: 'tls-1', begin: day('2026-03-11'), policies: [{ type: 'sts', domain: KNOWN_DOMAIN, successes: 900, failures: 12, failureDetails: [{ resultType: 'sts-policy-fetch-error', sessions: 12 }] }] }),
        ),
      },
    ];
    expect(await importReports({ files }, { store })).toMatchObject({ imported: 3, refused: [] });
    // The names the app looked up before: SendGrid's and the domain's own server's; one lookup failed.
    const s = KNOWN_SOURCES;
    store.cachePtrs([
      { ip: s.google.ip, names: [s.google.ptr], error: null, checkedAt: day('2026-03-12') },
      { ip: s.sendgrid.ip, names: [s.sendgrid.ptr], error: null, checkedAt: day('2026-03-12') },
      { ip: s.forwarder.ip, names: [s.forwarder.ptr], error: null, checkedAt: day('2026-03-12') },
      { ip: s.spoofer.ip, names: [], error: null, checkedAt: day('2026-03-12') },
      { ip: s.own.ip, names: [s.own.ptr], error: null, checkedAt: day('2026-03-12') },
      { ip: s.list.ip, names: [s.list.ptr], error: null, checkedAt: day('2026-03-12') },
      { ip: s.broken.ip, names: [], error: 'SERVFAIL', checkedAt: day('2026-03-12') },
      { ip: s.ses.ip, names: [s.ses.ptr], error: null, checkedAt: day('2026-03-12') },
    ]);
  }
  const id = store.saveAudit(reportResult(KNOWN_DOMAIN));
  api = createApi({ dbPath: null, store, transport: 'http', version: 'test', emit: () => {} });
  return ((await api.dispatch('report.render', { audits: [id], format })) as ReportOutput).text;
}

describe('report: DMARC reports section', () => {
  it('HTML: volume, pass rates, disposition, the top sources by class with their fixes, the readiness and the TLS results', async () => {
    const html = await render('html', true);
    expect(html).toContain('<h3 id="d1-dmarc-reports">DMARC reports</h3>');
    expect(html).toContain('From 2026-02-13 to 2026-03-14 (UTC), from the imported DMARC aggregate and TLS reports.');
    // The report after the audit is not counted: 930 messages, not 93,930.
    expect(html).toContain('<tr><td>Messages (1 report)</td><td>930</td><td></td></tr><tr><td>DMARC pass</td><td>740</td><td>79.6%</td></tr><tr><td>SPF aligned pass</td><td>500</td><td>53.8%</td></tr>');
    expect(html).toContain('<tr><td>Delivered (disposition none)</td><td>930</td><td>100.0%</td></tr>');
    expect(html).toContain('<tr><td>SendGrid</td><td>Misconfigured</td><td>1</td><td>120</td><td>0.0%</td><td>Add a DKIM CNAME for SendGrid');
    expect(html).toContain('<tr><td>203.0.113.126</td><td>Unknown</td>');
    expect(html).toContain('<p>Not ready for p=quarantine; pct=25; t=y: 17.3% of legitimate mail fails DMARC (more than 2%): fix SendGrid, brand.test, discussion.example first.</p>');
    expect(html).toContain('<p>DMARC record at this audit: v=DMARC1; p=none</p>');
    expect(html).toContain('<p>Suggested next record:</p>\n<pre>v=DMARC1; p=quarantine; pct=25; t=y</pre>');
    expect(html).toContain('<tr><td>MTA-STS</td><td>900</td><td>12</td></tr>');
    expect(html).toContain('<td>The MTA-STS policy could not be fetched</td><td class="wrap">sts-policy-fetch-error</td><td>12</td>');
    // Rendered again from the file's own embedded report, through the api: the section is kept whole.
    const again = (await (api as Api).dispatch('report.render', { audits: readEmbeddedReport(html).audits, history: false, format: 'html' })) as ReportOutput;
    expect(again.text).toBe(html);
  });

  it('Markdown, CSV and JSON carry the same section', async () => {
    const md = await render('md', true);
    expect(md).toContain('### DMARC reports');
    expect(md).toContain('| DMARC pass | 740 | 79\\.6% |');
    expect(md).toContain('| SendGrid | Misconfigured | 1 | 120 | 0\\.0% | Add a DKIM CNAME for SendGrid');
    expect(md).toContain('Not ready for p\\=quarantine; pct\\=25; t\\=y\\: 17\\.3% of legitimate mail fails DMARC');
    expect(md).toContain('```text\nv=DMARC1; p=quarantine; pct=25; t=y\n```');
    expect(md).toContain('| The MTA\\-STS policy could not be fetched | sts\\-policy\\-fetch\\-error | 12 |');
    api?.close();
    store?.close();
    const csvText = await render('csv', true);
    expect(csvText).toContain('\r\n\r\ndomain,Organisation,Class,Addresses,Messages,DMARC pass,SPF aligned pass,DKIM aligned pass,Fix\r\nbrand.test,Google Workspace,Compliant,1,500,500,500,500,\r\n');
    expect(csvText).toContain('brand.test,brand.test,Misconfigured,1,25,0,0,0,"Sign this server\'s mail with DKIM for brand.test');
    api?.close();
    store?.close();
    const json = JSON.parse(await render('json', true));
    expect(json.domain).toBe(KNOWN_DOMAIN);
    expect(json.dmarcReports).toMatchObject({
      since: '2026-02-13',
      until: '2026-03-14',
      dmarc: { reports: 1, messages: 930, dmarcPass: 740, spfAlignedPass: 500, dkimAlignedPass: 740, disposition: { none: 930, quarantine: 0, reject: 0 } },
      readiness: { verdict: 'not-ready', published: 'v=DMARC1; p=none', next: { policy: 'quarantine', pct: 25, testing: true, record: 'v=DMARC1; p=quarantine; pct=25; t=y' } },
      tls: { reports: 1, successes: 900, failures: 12, policies: [{ type: 'sts', successes: 900, failures: 12 }] },
    });
    expect(json.dmarcReports.sources.map((x: { organization: string; class: string }) => `${x.class} ${x.organization}`)).toEqual([
      'compliant Google Workspace',
      'compliant Amazon SES',
      'forwarded forwarding.example',
      'forwarded discussion.example',
      'misconfigured SendGrid',
      'misconfigured brand.test',
      'unknown 203.0.113.123',
      'unknown 203.0.113.126',
    ]);
  });

  it('has no section for a domain without reports', async () => {
    const html = await render('html', false);
    expect(html).not.toContain('DMARC reports');
    api?.close();
    store?.close();
    expect(await render('csv', false)).not.toContain('Organisation');
    api?.close();
    store?.close();
    expect(JSON.parse(await render('json', false)).dmarcReports).toBeUndefined();
  });
});
