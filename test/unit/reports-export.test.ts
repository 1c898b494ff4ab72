/**
 * DMARC sources and records as CSV: the cells a spreadsheet reads safely, and the export and the
 * desktop app's save of a domain's records.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../electron/api/errors';
import { createApi, type Api } from '../../electron/api/handlers';
import type { ReportsCsv, ReportSaved } from '../../electron/api/operations';
import { HistoryStore } from '../../electron/core/history/store';
import { csvCell, recordsCsv, sourcesCsv } from '../../electron/core/reports/csv';
import { importReports } from '../../electron/core/reports/import';
import { aggregateXml, KNOWN_DOMAIN, knownRecords } from '../helpers/dmarc-reports';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('reports-export');
/** The views count days up to today: the report is from two days ago, and the files are named for today. */
const TODAY = Math.floor(Date.now() / 86_400_000) * 86_400;
const DAY = TODAY - 2 * 86_400;
const dayText = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const NOW = new Date();

describe('CSV of sources and records', () => {
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
  });});

async function seeded(saveReport?: (name: string, format: string, text: string | Uint8Array) => Promise<string | null>): Promise<{ api: Api; store: HistoryStore; dir: string }> {
  const path = tmp();
  const store = HistoryStore.open(path);
  const xml = aggregateXml({ org: 'google.com', reportId: 'export-1', domain: KNOWN_DOMAIN, begin: DAY, records: knownRecords() });
  await importReports({ files: [{ name: 'google.xml', bytes: Buffer.from(xml) }] }, { store, now: () => NOW });
  const api = createApi({ dbPath: null, store, transport: saveReport ? 'ipc' : 'http', version: '0', emit: () => {}, ...(saveReport ? { saveReport } : {}) });
  return { api, store, dir: dirname(path) };
}

describe('reports.export and reports.save', () => {
  it('exports a domain\'s records as CSV, one line a record, named for the domain and the day', async () => {
    const { api, store } = await seeded();
    try {
      const out = (await api.dispatch('reports.export', { domain: KNOWN_DOMAIN, since: '7d', what: 'records' })) as ReportsCsv;
      expect(out.name).toBe(`deliverlab-dmarc-records-${KNOWN_DOMAIN}-${dayText(TODAY)}`);
      expect(out.rows).toBe(8);
      expect(out.truncated).toBe(false);
      const lines = out.text.trimEnd().split('\r\n');
      expect(lines).toHaveLength(9);
      expect(lines.some((l) => l.startsWith(`google.com,${dayText(DAY)}T00:00:00.000Z,`) && l.includes(',203.0.113.121,120,none,fail,fail,'))).toBe(true);
      await expect(api.dispatch('reports.save', { domain: KNOWN_DOMAIN, what: 'records' })).rejects.toBeInstanceOf(ApiError);
    } finally {
      store.close();
    }
  });

  it('saves the records where the app\'s dialog says, and nothing when it is cancelled', async () => {
    const asked: string[] = [];
    let picked: string | null = null;
    const { api, store, dir } = await seeded((name, format, text) => {
      asked.push(`${name}.${format}`);
      if (picked) writeFileSync(picked, text);
      return Promise.resolve(picked);
    });
    try {
      picked = join(dir, 'chosen.csv');
      const saved = (await api.dispatch('reports.save', { domain: KNOWN_DOMAIN, since: '7d', what: 'records' })) as ReportSaved;
      expect(saved).toEqual({ saved: true, path: picked });
      expect(asked).toEqual([`deliverlab-dmarc-records-${KNOWN_DOMAIN}-${dayText(TODAY)}.csv`]);
      expect(readFileSync(picked, 'utf8')).toMatch(/^Reporter,Period start,/);
      picked = null;
      expect(await api.dispatch('reports.save', { domain: KNOWN_DOMAIN, what: 'records' })).toEqual({ saved: false });
    } finally {
      store.close();
    }
  });
});
