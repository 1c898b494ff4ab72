/**
 * Every DMARC aggregate and TLS report in the conformance data (parsedmarc's and stalwart's samples)
 * is imported, or refused with its reason; the counts per domain are what the files hold, and the
 * reports agree with stalwart's expected parses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { reportSummary, tlsSummary } from '../../electron/core/reports/analysis';
import { importReports } from '../../electron/core/reports/import';
import { readReportFile } from '../../electron/core/reports/read-file';
import type { AggregateReport } from '../../electron/core/reports/types';
import { CONFORMANCE, conformancePath } from '../helpers/conformance';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('reports-conformance');
const DMARC = conformancePath('dmarc-reports');
const TLS = conformancePath('tlsrpt');
const ALL_TIME = { since: '1970-01-01' };

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

/** Each file, with what it holds: reports (kind, organisation, domain, records) or the refusal's code. */
const EXPECTED: Record<string, { reports?: [string, string, string, number][]; refused?: string }> = {
  'dmarc-reports/parsedmarc/aggregate/!example.com!1538204542!1538463818.xml': { reports: [['dmarc', 'accurateplastics.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/!large-example.com!1711897200!1711983600.xml': { reports: [['dmarc', 'accurateplastics.com', 'example.com', 2286]] },
  'dmarc-reports/parsedmarc/aggregate/Report domain- borschow.com Submitter- google.com Report-ID- 949348866075514174.eml': { reports: [['dmarc', 'google.com', 'borschow.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/addisonfoods.com!example.com!1536105600!1536191999.xml': { reports: [['dmarc', 'addisonfoods.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/empty_reason.xml': { reports: [['dmarc', 'example.org', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/estadocuenta1.infonacot.gob.mx!example.com!1536853302!1536939702!2940.xml.zip': { reports: [['dmarc', 'XYZ Corporation', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/example.net!example.com!1529366400!1529452799.xml': { reports: [['dmarc', 'example.net', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/fastmail.com!example.com!1516060800!1516147199!102675056.xml.gz': { reports: [['dmarc', 'FastMail Pty Ltd', 'indemed.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/ikea.com!example.de!1538690400!1538776800.xml': { reports: [['dmarc', 'ikea.com', 'example.de', 1]] },
  'dmarc-reports/parsedmarc/aggregate/invalid_utf_8.xml': { refused: 'not-text' },
  'dmarc-reports/parsedmarc/aggregate/invalid_xml.xml': { refused: 'not-xml' },
  'dmarc-reports/parsedmarc/aggregate/mimecast-weird-gzip.eml': { reports: [['dmarc', 'Mimecast', 'ab.id.au', 1]] },
  'dmarc-reports/parsedmarc/aggregate/old_draft_from_wiki.xml': { reports: [['dmarc', 'acme.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/protection.outlook.com!example.com!1711756800!1711843200.xml': { reports: [['dmarc', 'Outlook.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml': { reports: [['dmarc', 'example.net', 'example.com', 2]] },
  'dmarc-reports/parsedmarc/aggregate/rfc9990-sample.xml': { reports: [['dmarc', 'Sample Reporter', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/twilight.eml': { reports: [['dmarc', 'google.com', 'twlnet.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate/usssa.com!example.com!1538784000!1538870399.xml': { reports: [['dmarc', 'usssa.com', 'example.com', 2]] },
  'dmarc-reports/parsedmarc/aggregate/veeam.com!example.com!1530133200!1530219600.xml': { reports: [['dmarc', 'veeam.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/aggregate_invalid/report_with_upper_cased_pass.xml': { reports: [['dmarc', 'example.com', 'example.com', 1]] },
  'dmarc-reports/parsedmarc/empty.xml': { refused: 'not-a-report' },
  'dmarc-reports/parsedmarc/extract_report/changed-input.xml': { reports: [['dmarc', 'fred.com', 'example.com', 20]] },
  'dmarc-reports/parsedmarc/extract_report/nice-input.xml': { reports: [['dmarc', 'google.com', 'example.com', 20]] },
  'dmarc-reports/parsedmarc/extract_report/nice-input.xml.gz': { reports: [['dmarc', 'google.com', 'example.com', 20]] },
  'dmarc-reports/parsedmarc/extract_report/nice-input.xml.zip': { reports: [['dmarc', 'google.com', 'example.com', 20]] },
  'dmarc-reports/parsedmarc/failure/DMARC Failure Report for domain.de (mail-from=sharepoint@domain.de, ip=10.10.10.10).eml': { refused: 'failure-report' },
  'dmarc-reports/parsedmarc/failure/[Netease DMARC Failure Report] Rent Reminder.eml': { refused: 'failure-report' },
  'dmarc-reports/parsedmarc/failure/dmarc_ruf_report_linkedin.crlf.eml': { refused: 'failure-report' },
  'dmarc-reports/parsedmarc/failure/dmarc_ruf_report_linkedin.eml': { refused: 'failure-report' },
  'dmarc-reports/parsedmarc/failure/exim_plain_text_only_no_arf_part.eml': { refused: 'no-report-attached' },
  ...Object.fromEntries(['001', '002', '003', '004', '005'].flatMap((n) => [[`dmarc-reports/stalwart-mail-auth/arf/${n}.eml`, { refused: 'failure-report' }], [`dmarc-reports/stalwart-mail-auth/arf/${n}.json`, { refused: 'wrong-schema' }]])),
  ...Object.fromEntries(['001', '002', '003', '004', '005', '100', '101', '102', '103', '104'].map((n) => [`dmarc-reports/stalwart-mail-auth/dmarc-feedback/${n}.json`, { refused: 'wrong-schema' }])),
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/001.xml': { reports: [['dmarc', 'Sample Reporter', 'example.com', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/002.xml': { reports: [['dmarc', 'google.com', 'example.org', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/003.xml': { reports: [['dmarc', 'Fastmail Pty Ltd', 'stalw.art', 4]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/004.xml': { reports: [['dmarc', 'Sample Reporter', 'example.com', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/005.xml': { reports: [['dmarc', 'Legacy Reporter', 'example.com', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/100.eml': { reports: [['dmarc', 'google.com', 'stalw.art', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/101.eml': { reports: [['dmarc', '"backschues.NET', 'stalw.art', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/102.eml': { reports: [['dmarc', 'Mail.Ru', 'stalw.art', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/103.eml': { reports: [['dmarc', 'Outlook.com', 'stalw.art', 1]] },
  'dmarc-reports/stalwart-mail-auth/dmarc-feedback/104.eml': { reports: [['dmarc', 'AMAZON-SES', 'stalw.art', 1]] },
  'tlsrpt/parsedmarc/google.com_smtp_tls_report.eml': { reports: [['tls', 'Google Inc.', 'cardinalhealth.ca', 1]] },
  'tlsrpt/parsedmarc/mail.ru.json': { reports: [['tls', 'Mail.ru', 'example.com', 1]] },
  'tlsrpt/parsedmarc/rfc8460.json': { reports: [['tls', 'Company-X', 'company-y.example', 1]] },
  'tlsrpt/parsedmarc/smtp_tls.json': { reports: [['tls', 'Example Inc.', 'example.com', 1]] },
  'tlsrpt/stalwart-mail-auth/rpt01.eml': { reports: [['tls', 'Company-X', 'company-y.example', 1]] },
  'tlsrpt/stalwart-mail-auth/rpt01.json': { reports: [['tls', 'Company-X', 'company-y.example', 1]] },
  'tlsrpt/stalwart-mail-auth/rpt02.eml': { reports: [['tls', 'Google Inc.', 'example.com', 1]] },
  'tlsrpt/stalwart-mail-auth/rpt02.json': { reports: [['tls', 'Google Inc.', 'example.com', 1]] },
  // Its policies name no domain: kept, and found under no domain.
  'tlsrpt/stalwart-mail-auth/rpt03.json': { reports: [['tls', 'Google Inc.', '', 2]] },
};

const reportFiles = () => [...files(DMARC), ...files(TLS)].filter((f) => !/LICENSE/.test(f));

describe('the conformance reports', () => {
  it('are each imported or refused with a reason, as listed', async () => {
    const seen: Record<string, { reports?: [string, string, string, number][]; refused?: string }> = {};
    for (const file of reportFiles()) {
      const outcome = await readReportFile(file);
      const key = relative(CONFORMANCE, file);
      seen[key] = outcome.reports.length
        ? {
            reports: outcome.reports.map(({ report: r }) => [r.kind, r.org, r.kind === 'dmarc' ? r.policy.domain : [...new Set(r.policies.map((p) => p.policyDomain).filter(Boolean))].join(','), r.kind === 'dmarc' ? r.records.length : r.policies.length]),
          }
        : { refused: [...new Set(outcome.refused.map((x) => x.code))].join(',') };
      for (const refusal of outcome.refused) expect(refusal.reason, key).toMatch(/\w{3,}/);
    }
    expect(seen).toEqual(EXPECTED);
  });

  it('say why in words a person can act on', async () => {
    const reason = async (path: string) => (await readReportFile(conformancePath(...path.split('/')))).refused[0]?.reason;
    expect(await reason('dmarc-reports/parsedmarc/aggregate/invalid_xml.xml')).toBe("it is not well-formed XML: Tag 'bad-xml@bad-xml.net' is an invalid name. (line 5)");
    expect(await reason('dmarc-reports/parsedmarc/aggregate/invalid_utf_8.xml')).toBe('it is not valid UTF-8 text');
    expect(await reason('dmarc-reports/parsedmarc/empty.xml')).toBe('it is empty');
    expect(await reason('dmarc-reports/stalwart-mail-auth/arf/001.eml')).toMatch(/DMARC failure report \(RFC 6591\)/);
    expect(await reason('dmarc-reports/parsedmarc/failure/exim_plain_text_only_no_arf_part.eml')).toBe('the message carries no DMARC aggregate report or TLS report');
  });

  it('read both schemas: RFC 7489 and DMARCbis (RFC 9990)', async () => {
    const schema = async (path: string) => ((await readReportFile(conformancePath(...path.split('/')))).reports[0]?.report as AggregateReport).schema;
    expect(await schema('dmarc-reports/parsedmarc/aggregate/rfc9990-sample.xml')).toBe('dmarcbis');
    expect(await schema('dmarc-reports/parsedmarc/aggregate/rfc9990-example.net!example.com!1700000000!1700086399.xml')).toBe('dmarcbis');
    expect(await schema('dmarc-reports/parsedmarc/aggregate/old_draft_from_wiki.xml')).toBe('rfc7489');
    const bis = (await readReportFile(conformancePath('dmarc-reports', 'parsedmarc', 'aggregate', 'rfc9990-example.net!example.com!1700000000!1700086399.xml'))).reports[0]?.report as AggregateReport;
    expect(bis.policy).toMatchObject({ p: 'reject', sp: 'quarantine', np: 'reject', testing: 'y', discoveryMethod: 'treewalk' });
    expect(bis.records[1]).toMatchObject({ sourceIp: '203.0.113.10', count: 2, disposition: 'reject', reasons: [{ type: 'other', comment: 'sender not authorized' }], dkimAuth: [], spfAuth: [{ domain: 'spoofed.example.com', scope: 'mfrom', result: 'fail' }] });
    // Upper-case words ("Pass", "None") read as the schema's.
    const upper = (await readReportFile(conformancePath('dmarc-reports', 'parsedmarc', 'aggregate_invalid', 'report_with_upper_cased_pass.xml'))).reports[0]?.report as AggregateReport;
    expect(upper.records[0]).toMatchObject({ disposition: 'none', dkim: 'pass', spf: 'pass', dkimAuth: [{ domain: 'example.com', result: 'pass' }] });
  });

  it("agree with stalwart's expected parses on every reported field", async () => {
    const dir = conformancePath('dmarc-reports', 'stalwart-mail-auth', 'dmarc-feedback');
    for (const n of ['001', '002', '003', '004', '005', '100', '101', '102', '103', '104']) {
      const source = ['001', '002', '003', '004', '005'].includes(n) ? `${n}.xml` : `${n}.eml`;
      const ours = (await readReportFile(join(dir, source))).reports[0]?.report as AggregateReport;
      const theirs = JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8'));
      const lower = (s: string) => s.toLowerCase();
      expect(
        {
          org: ours.org,
          reportId: ours.reportId,
          begin: ours.begin,
          end: ours.end,
          domain: ours.policy.domain,
          records: ours.records.map((r) => ({
            ip: r.sourceIp,
            count: r.count,
            disposition: r.disposition,
            dkim: r.dkim,
            spf: r.spf,
            headerFrom: r.headerFrom,
            dkimAuth: r.dkimAuth.map((d) => [d.domain, d.selector ?? '', d.result]),
            spfAuth: r.spfAuth.map((s) => [s.domain, s.result]),
          })),
        },
        n,
      ).toEqual({
        org: theirs.report_metadata.org_name,
        reportId: theirs.report_metadata.report_id,
        begin: theirs.report_metadata.date_range.begin,
        end: theirs.report_metadata.date_range.end,
        domain: theirs.policy_published.domain,
        records: theirs.record.map((r: { row: { source_ip: string; count: number; policy_evaluated: { disposition: string; dkim: string; spf: string } }; identifiers: { header_from: string }; auth_results: { dkim: { domain: string; selector: string; result: string }[]; spf: { domain: string; result: string }[] } }) => ({
          ip: r.row.source_ip,
          count: r.row.count,
          disposition: lower(r.row.policy_evaluated.disposition),
          dkim: lower(r.row.policy_evaluated.dkim),
          spf: lower(r.row.policy_evaluated.spf),
          headerFrom: r.identifiers.header_from,
          dkimAuth: r.auth_results.dkim.map((d) => [d.domain, d.selector, lower(d.result)]),
          spfAuth: r.auth_results.spf.map((s) => [s.domain, lower(s.result)]),
        })),
      });
    }
  });

  it('import into history with their counts per domain; the same reports again add nothing', async () => {
    const store = HistoryStore.open(tmp());
    try {
      const first = await importReports({ paths: [DMARC, TLS] }, { store, workers: 0 });
      // 32 DMARC and 9 TLS reports found; the .gz and .zip of nice-input, stalwart's 001 and 004
      // (parsedmarc's rfc9990-sample again) and the TLS reports sent both as JSON and by mail are
      // the same reports (organisation and report id) found twice.
      expect({ imported: first.imported, duplicates: first.duplicates, records: first.records, messages: first.messages, refused: first.refused.length }).toEqual({
        imported: 34,
        duplicates: 7,
        records: 2363,
        messages: 8545,
        refused: 28,
      });
      const perDomain = Object.fromEntries(
        ['ab.id.au', 'borschow.com', 'example.com', 'example.de', 'example.org', 'indemed.com', 'stalw.art', 'twlnet.com'].map((domain) => {
          const s = reportSummary(store, { domain, ...ALL_TIME }, new Date());
          return [domain, [s.reports, s.messages, s.dmarcPass, s.spfAlignedPass, s.dkimAlignedPass, s.disposition.none, s.disposition.quarantine, s.disposition.reject]];
        }),
      );
      expect(perDomain).toEqual({
        'ab.id.au': [1, 1, 1, 1, 1, 1, 0, 0],
        'borschow.com': [1, 1, 0, 0, 0, 0, 0, 1],
        // 2,286 one-message rows, nice-input's and changed-input's 3,047 messages each (same report id,
        // two organisations), RFC 9990's 123 and 7, and 14 more from eleven one- or two-row reports.
        'example.com': [16, 8524, 6228, 5283, 6223, 8521, 1, 2],
        'example.de': [1, 1, 0, 0, 0, 1, 0, 0],
        'example.org': [1, 2, 2, 2, 0, 2, 0, 0],
        'indemed.com': [1, 1, 0, 0, 0, 1, 0, 0],
        'stalw.art': [6, 14, 2, 1, 2, 14, 0, 0],
        'twlnet.com': [1, 1, 1, 1, 1, 1, 0, 0],
      });
      const tls = Object.fromEntries(
        ['company-y.example', 'example.com', 'cardinalhealth.ca'].map((domain) => {
          const t = tlsSummary(store, { domain, ...ALL_TIME }, new Date());
          return [domain, [t.reports, t.successes, t.failures, t.policies.map((p) => p.type).join(',')]];
        }),
      );
      expect(tls).toEqual({ 'company-y.example': [1, 5326, 303, 'sts'], 'example.com': [3, 23, 5, 'sts'], 'cardinalhealth.ca': [1, 48, 0, 'no-policy-found'] });

      const again = await importReports({ paths: [DMARC, TLS] }, { store, workers: 0 });
      expect({ imported: again.imported, duplicates: again.duplicates, records: again.records }).toEqual({ imported: 0, duplicates: 41, records: 0 });
      expect(reportSummary(store, { domain: 'example.com', ...ALL_TIME }, new Date()).messages).toBe(8524);
    } finally {
      store.close();
    }
  });
});
