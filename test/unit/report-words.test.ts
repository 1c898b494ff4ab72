import { describe, expect, it } from 'vitest';
import { MAX_UPLOADED_REPORTS as API_MAX } from '../../electron/api/operations';
import { addImports, csvCell, importBatches, MAX_IMPORT_BATCH_BYTES, MAX_UPLOADED_REPORTS, percent, recordsCsv, reportDomains, sourcesCsv, tlsPolicyName } from '../../renderer/src/reports/report-words';

describe('the reports page words and CSV', () => {
  it('gives shares with one decimal, and a dash for nothing', () => {
    expect(percent(740, 930)).toBe('79.6%');
    expect(percent(0, 0)).toBe('–');
  });

  it('names TLS policies as people say them', () => {
    expect(tlsPolicyName('sts')).toBe('MTA-STS');
    expect(tlsPolicyName('tlsa')).toBe('DANE');
  });

  it('lists each domain once, TLS reports naming several', () => {
    expect(reportDomains([{ domain: 'b.test' }, { domain: 'a.test,B.test' }])).toEqual(['a.test', 'b.test']);
  });

  it('keeps a reporter\'s text from running as a spreadsheet formula, and quotes what needs it', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('bad\u0007bell')).toBe('badbell');
    expect(csvCell(-3)).toBe('-3');
  });

  it('writes sources and records with a header line', () => {
    const sources = sourcesCsv([
      {
        organization: 'SendGrid',
        class: 'misconfigured',
        ips: ['203.0.113.121'],
        messages: 120,
        dmarcPass: 0,
        spfAlignedPass: 0,
        dkimAlignedPass: 0,
        fix: 'Add a DKIM CNAME for SendGrid',
        why: '',
        dkimDomains: [],
        spfDomains: [],
        overridden: 0,
        addresses: [],
      },
    ]);
    expect(sources.split('\r\n')[1]).toBe('SendGrid,Misconfigured,203.0.113.121,120,0,0,0,Add a DKIM CNAME for SendGrid');
    const records = recordsCsv([
      {
        reportId: 'r1',
        org: 'google.com',
        begin: '2026-12-05T00:00:00.000Z',
        end: '2026-12-05T23:59:59.000Z',
        sourceIp: '203.0.113.121',
        count: 120,
        disposition: 'none',
        dkim: 'fail',
        spf: 'fail',
        reasons: [],
        headerFrom: 'brand.test',
        envelopeFrom: 'sendgrid.net',
        envelopeTo: null,
        dkimAuth: [{ domain: 'sendgrid.info', selector: 's1', result: 'pass' }],
        spfAuth: [{ domain: 'sendgrid.net', scope: 'mfrom', result: 'pass' }],
      },
    ]);
    expect(records.split('\r\n')[0]).toMatch(/^Reporter,Period start,/);
    expect(records.split('\r\n')[1]).toBe('google.com,2026-12-05T00:00:00.000Z,2026-12-05T23:59:59.000Z,203.0.113.121,120,none,fail,fail,brand.test,sendgrid.net,sendgrid.info:pass,sendgrid.net:pass');
  });

  it('splits a large selection into calls the import takes, and adds their results up', () => {
    expect(MAX_UPLOADED_REPORTS).toBe(API_MAX);
    const small = Array.from({ length: 2500 }, () => ({ size: 10 }));
    expect(importBatches(small).map((b) => b.length)).toEqual([1000, 1000, 500]);
    const big = [{ size: MAX_IMPORT_BATCH_BYTES - 5 }, { size: 10 }, { size: MAX_IMPORT_BATCH_BYTES * 2 }, { size: 1 }];
    expect(importBatches(big).map((b) => b.map((f) => f.size))).toEqual([[MAX_IMPORT_BATCH_BYTES - 5], [10], [MAX_IMPORT_BATCH_BYTES * 2], [1]]);
    const one = { imported: 2, duplicates: 1, refused: [{ file: 'a', reason: 'r', code: 'not-xml' as const }], records: 9, messages: 930, reports: [] };
    expect(addImports(one, { ...one, refused: [], stopped: 'the disk is full' })).toEqual({ imported: 4, duplicates: 2, refused: one.refused, records: 18, messages: 1860, reports: [], stopped: 'the disk is full' });
  });
});
