/**
 * Hostile and broken report files: each refused on its own with its reason, the rest of the batch
 * imported, and nothing half-written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../electron/core/history/store';
import { importReports } from '../../electron/core/reports/import';
import { MAX_EXPANDED_BYTES, MAX_RECORDS_PER_REPORT } from '../../electron/core/reports/limits';
import { readReportBytes } from '../../electron/core/reports/read-file';
import type { AggregateReport } from '../../electron/core/reports/types';
import { aggregateXml, gzip, reportEmail, tlsJson, zip, type GenReport } from '../helpers/dmarc-reports';
import { tempDbPaths } from '../helpers/temp-db';

const tmp = tempDbPaths('reports-hostile');

const report = (id: string, records = 2): GenReport => ({
  org: 'reporter.example',
  reportId: id,
  domain: 'hostile.test',
  begin: 1_717_200_000,
  records: Array.from({ length: records }, (_, i) => ({ ip: `192.0.2.${i + 1}`, count: 3, dkim: 'pass', spf: 'pass', dkimAuth: [{ domain: 'hostile.test', result: 'pass' }], spfAuth: [{ domain: 'hostile.test', result: 'pass' }] })),
});

const read = (name: string, data: string | Uint8Array) => readReportBytes(name, typeof data === 'string' ? Buffer.from(data) : data);
const codes = (name: string, data: string | Uint8Array) => read(name, data).refused.map((r) => r.code);

/** The "billion laughs": ten entities of ten references each, nine deep. */
const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 ${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n ')}
]>
<feedback><report_metadata><org_name>&lol9;</org_name></report_metadata></feedback>`;

describe('hostile report files', () => {
  let bomb: { zip: Uint8Array; gzip: Uint8Array };
  beforeAll(() => {
    // Zeros compress about a thousand to one: 130 MiB of them are some 130 KB on disk.
    const zeros = new Uint8Array(MAX_EXPANDED_BYTES + 2 * 1024 * 1024);
    bomb = { zip: zipSync({ 'report.xml': zeros }, { level: 9 }), gzip: gzip(zeros) };
  });

  it('refuses a DOCTYPE and entity declarations unread: no entity is ever expanded', () => {
    const outcome = read('laughs.xml', LAUGHS);
    expect(outcome.reports).toEqual([]);
    expect(outcome.refused).toEqual([{ file: 'laughs.xml', code: 'doctype', reason: 'it declares a DOCTYPE, which no report needs: refused unread, so that no entity can expand' }]);
    expect(codes('entity.xml', '<!ENTITY x "y"><feedback/>')).toEqual(['doctype']);
    // Without a declaration, a reference to an unknown entity stays text; the predefined ones are decoded.
    const plain = aggregateXml({ ...report('ent'), org: 'A & B' }).replace('<report_id>ent</report_id>', '<report_id>&lol9;&#65;</report_id>');
    const parsed = read('plain.xml', plain).reports[0]?.report as AggregateReport;
    expect([parsed.org, parsed.reportId]).toEqual(['A & B', '&lol9;A']);
  });

  it('stops a zip bomb and a gzip bomb at the cap, saying so', () => {
    const zipped = read('bomb.zip', bomb.zip);
    expect(zipped.reports).toEqual([]);
    expect(zipped.refused).toEqual([
      { file: 'bomb.zip › report.xml', code: 'expanded-too-large', reason: 'decompressed, it passes the 128 MiB one file may expand to (a compression bomb?): stopped there' },
    ]);
    expect(read('bomb.xml.gz', bomb.gzip).refused).toEqual([
      { file: 'bomb.xml.gz', code: 'expanded-too-large', reason: 'decompressed, it passes the 128 MiB one file may expand to (a compression bomb?): stopped there' },
    ]);
  });

  it('counts every member of an archive against one budget, and names the members it did not read', () => {
    const big = new Uint8Array(50 * 1024 * 1024);
    const many = zipSync({ 'a.bin': big, 'b.bin': big, 'c.bin': big, 'd.xml': new TextEncoder().encode(aggregateXml(report('after'))) }, { level: 9 });
    const outcome = read('many.zip', many);
    expect(outcome.refused.map((r) => [r.file, r.code])).toEqual([
      ['many.zip › a.bin', 'not-a-report'],
      ['many.zip › b.bin', 'not-a-report'],
      ['many.zip › c.bin', 'expanded-too-large'],
    ]);
    expect(outcome.refused[2]?.reason).toMatch(/the 1 file after it in the zip were not read$/);
  });

  it('refuses a truncated gzip, an empty zip, a truncated zip and a damaged one', () => {
    const gz = gzip(aggregateXml(report('gz', 50)));
    expect(read('cut.xml.gz', gz.subarray(0, Math.floor(gz.length / 2))).refused).toEqual([
      { file: 'cut.xml.gz', code: 'truncated-gzip', reason: 'truncated gzip: the data ends before the end of the compressed stream' },
    ]);
    const empty = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
    expect(read('empty.zip', empty).refused).toEqual([{ file: 'empty.zip', code: 'empty-zip', reason: 'empty zip: the zip holds no file' }]);
    const z = zip({ 'r.xml': aggregateXml(report('zip', 50)) });
    expect(read('cut.zip', z.subarray(0, z.length - 30)).refused).toEqual([
      { file: 'cut.zip', code: 'bad-zip', reason: 'not a readable zip: the zip ends before its table of contents (the file is truncated)' },
    ]);
    const damaged = Buffer.from(z);
    damaged[40] = (damaged[40] as number) ^ 0xff;
    expect(read('damaged.zip', damaged).refused.map((r) => r.code)).toEqual(['bad-zip']);
  });

  it('refuses what is not a report: binary, plain text, broken XML, another XML schema, JSON that is not TLS-RPT, a folder of nested containers', () => {
    expect(codes('image.xml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toEqual(['not-a-report']);
    expect(codes('notes.xml', 'just some notes')).toEqual(['not-a-report']);
    expect(read('cut.xml', aggregateXml(report('cut')).slice(0, 600)).refused[0]).toMatchObject({ code: 'not-xml', reason: expect.stringMatching(/^it is not well-formed XML/) });
    expect(read('page.xml', '<html><body>hi</body></html>').refused[0]).toMatchObject({ code: 'wrong-schema', reason: 'its root element is <html>, not <feedback>: it is not a DMARC aggregate report' });
    expect(read('noid.xml', aggregateXml(report('x')).replace('<report_id>x</report_id>', '')).refused[0]).toMatchObject({ code: 'wrong-schema', reason: 'it has no report_id' });
    expect(read('badip.xml', aggregateXml(report('x')).replace('192.0.2.2', '192.0.2.999')).refused[0]).toMatchObject({ code: 'wrong-schema', reason: 'record 2: source_ip "192.0.2.999" is not an IP address' });
    expect(read('data.json', '{"hello": 1}').refused[0]).toMatchObject({ code: 'wrong-schema' });
    expect(read('broken.json', '{"policies": [').refused[0]).toMatchObject({ code: 'not-json' });
    let nested: Uint8Array = Buffer.from(aggregateXml(report('deep')));
    for (let i = 0; i < 7; i++) nested = gzip(nested);
    expect(codes('deep.gz', nested)).toEqual(['too-deep']);
  });

  it('refuses a report with more records than the bound before parsing it', () => {
    const rows = '<record><row><source_ip>192.0.2.1</source_ip><count>1</count></row></record>'.repeat(MAX_RECORDS_PER_REPORT + 1);
    const huge = aggregateXml(report('huge', 1)).replace(/<record>[\s\S]*<\/record>/, rows);
    expect(read('huge.xml', huge).refused).toEqual([{ file: 'huge.xml', code: 'too-many-records', reason: 'it holds more than 100,000 records, the most one report may have' }]);
  });

  it('opens reports inside containers inside messages: an .eml with a zip holding .xml, a .json.gz, an mbox of two', () => {
    const eml = reportEmail([{ name: 'reporter!hostile.test!1.zip', type: 'application/zip', data: zip({ 'inner.xml': aggregateXml(report('in-zip')) }) }]);
    const fromEml = read('report.eml', eml);
    expect(fromEml.refused).toEqual([]);
    expect(fromEml.reports.map((r) => [r.from, r.report.reportId])).toEqual([['report.eml › reporter!hostile.test!1.zip › inner.xml', 'in-zip']]);
    const tls = reportEmail([{ name: 'tls.json.gz', type: 'application/tlsrpt+gzip', data: gzip(tlsJson({ org: 'mta.example', reportId: 't1', begin: 1_717_200_000, policies: [{ type: 'sts', domain: 'hostile.test', successes: 5, failures: 1 }] })) }]);
    expect(read('tls.eml', tls).reports.map((r) => [r.report.kind, r.report.reportId])).toEqual([['tls', 't1']]);
    const mbox = `From reporter@example Mon Jun  3 10:00:00 2024\n${reportEmail([{ name: 'a.xml.gz', type: 'application/gzip', data: gzip(aggregateXml(report('m1'))) }])}\nFrom reporter@example Mon Jun  3 10:00:00 2024\n${reportEmail([{ name: 'b.xml', type: 'text/xml', data: aggregateXml(report('m2')) }])}`;
    expect(read('reports.mbox', mbox).reports.map((r) => [r.from, r.report.reportId])).toEqual([
      ['reports.mbox › message 1 › a.xml.gz', 'm1'],
      ['reports.mbox › message 2 › b.xml', 'm2'],
    ]);
  });

  it('imports the good files of a folder and refuses the bad ones, each on its own', async () => {
    const dir = join(dirname(tmp()), 'batch');
    const put = (name: string, data: string | Uint8Array) => {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    };
    put('a.xml', aggregateXml(report('a')));
    put('b.xml', LAUGHS);
    put('sub/c.xml.gz', gzip(aggregateXml(report('c'))));
    put('sub/d.zip', Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]));
    put('sub/e.json', tlsJson({ org: 'mta.example', reportId: 'e', begin: 1_717_200_000, policies: [{ type: 'sts', domain: 'hostile.test', successes: 9, failures: 0 }] }));
    put('sub/readme.md', 'not looked at: not a report file name');
    const store = HistoryStore.open(tmp());
    try {
      const result = await importReports({ paths: [dir, join(dir, 'missing.xml')] }, { store, workers: 0 });
      expect({ imported: result.imported, duplicates: result.duplicates, records: result.records, messages: result.messages }).toEqual({ imported: 3, duplicates: 0, records: 5, messages: 12 });
      expect(result.refused.map((r) => [r.file.slice(dir.length + 1), r.code])).toEqual([
        ['missing.xml', 'unreadable'],
        ['b.xml', 'doctype'],
        ['sub/d.zip', 'empty-zip'],
      ]);
    } finally {
      store.close();
    }
  });

  it('never leaves half a report when the disk fills: what was written is whole, and the import says where it stopped', async () => {
    const dir = join(dirname(tmp()), 'full');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `r${String(i).padStart(2, '0')}.xml`), aggregateXml(report(`full-${i}`, 200)));
    const path = tmp();
    const store = HistoryStore.open(path);
    try {
      // max_page_count caps the file: the same error SQLite gives on a full disk.
      store.transaction((db) => db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true })) + 40}`));
      const result = await importReports({ paths: [dir] }, { store, workers: 0 });
      expect(result.stopped).toMatch(/^The disk holding .* is full: nothing was written\. Free some space and try again\. The import stopped there: \d+ of 40 files were not read\.$/);
      expect(result.imported).toBeGreaterThan(0);
      expect(result.imported).toBeLessThan(40);
      expect(result.refused[0]).toMatchObject({ code: 'not-written', reason: expect.stringMatching(/^not written: The disk holding/) });
      const rows = store.transaction((db) => db.prepare('SELECT r.record_count AS expected, (SELECT COUNT(*) FROM dmarc_records c WHERE c.report = r.id) AS stored FROM dmarc_reports r').all()) as { expected: number; stored: number }[];
      expect(rows.length).toBe(result.imported);
      for (const row of rows) expect(row.stored).toBe(row.expected);
    } finally {
      store.close();
    }
  });
});

describe('what the parsers did not foresee', () => {
  it('refuses a document nested deeper than the parser goes, and the import goes on', () => {
    const deep = `<feedback>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}</feedback>`;
    const outcome = readReportBytes('deep.xml', Buffer.from(deep));
    expect(outcome.reports).toEqual([]);
    expect(outcome.refused).toEqual([{ file: 'deep.xml', code: 'unreadable', reason: expect.stringMatching(/^it could not be read \(.+\)$/) }]);
  });
});
