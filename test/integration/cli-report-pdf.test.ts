import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { INTL_TEXTS } from '../helpers/intl-text';
import { pdfPages, pdfText } from '../helpers/pdf-text';
import { runCli } from '../lab/cli';
import { loadZoneFixtures, parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let server: DnsServer;
let dir: string;
let db: string;
let audit: AuditResult;

/**
 * Text compared without its line breaks, spaces and hyphens: the PDF wraps long records anywhere,
 * and pdftotext joins a line that ends in "-" to the next without it.
 */
const squash = (text: string) => text.replace(/[\s-]+/g, '');

beforeAll(async () => {
  const zone = parseZone(
    [
      'pdf.report.test. MX 10 mx.pdf.report.test.',
      'mx.pdf.report.test. A 192.0.2.45',
      'pdf.report.test. TXT "v=spf1 +all"',
      'pdf.report.test. TXT "</script><script>alert(1)</script>"',
      'intl.pdf.report.test. MX 10 mx.pdf.report.test.',
      'intl.pdf.report.test. TXT "v=spf1 mx -all"',
      ...INTL_TEXTS.map((t) => `intl.pdf.report.test. TXT "${t}"`),
    ].join('\n'),
    loadZoneFixtures(),
  );
  server = await startDnsServer({ zone });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-pdf-'));
  db = join(dir, 'history.sqlite');
  const run = await runCli(['audit', 'pdf.report.test', '--resolver', `127.0.0.1:${server.port}`, '--db', db, '--json', '--skip', 'smtp,http,dnsbl']);
  expect(run.stderr).toBe('');
  audit = JSON.parse(run.stdout) as AuditResult;
});
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report as PDF', () => {
  it('prints the HTML report to an A4 PDF whose text holds the domain, grade, every code and every fix', async () => {
    const out = join(dir, 'report.pdf');
    const run = await runCli(['report', 'pdf.report.test', '--out', out, '--browser', CHROMIUM, '--db', db], { timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
    const pages = pdfPages(out);
    // 19 pages here: cover and fixes, twelve checks, the scorecards, and a DNS transcript of ~130 lookups.
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(pages).toBeLessThanOrEqual(30);
    const text = pdfText(out);
    expect(text).toContain('pdf.report.test');
    expect(squash(text)).toContain(squash(`${audit.grade} (score ${audit.score} of 100)`));
    expect(text).toContain('Fix these first');
    // The hostile TXT value, as text in the DNS transcript. Its cell wraps over lines, and the text
    // extraction may read the next column's figure between them, so each record is looked for whole.
    expect(squash(text)).toContain('v=spf1+all');
    expect(squash(text)).toContain('</script><script>alert(1)</script>');
    expect(audit.findings.map((f) => f.code)).toContain('spf.all-pass');
    for (const f of audit.findings) {
      expect(text).toContain(f.code);
      if (f.fix) expect(squash(text)).toContain(squash(f.fix));
    }
  });

  it('holds every character of records in Japanese, Chinese, Korean, Arabic and accented Latin', async () => {
    // A missing font loses characters rather than failing to print: say which package provides them.
    expect(execFileSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' }), 'no font covers Japanese: install fonts-wqy-microhei').not.toBe('');
    expect(execFileSync('fc-list', [':lang=ar', 'family'], { encoding: 'utf8' }), 'no font covers Arabic: install fonts-dejavu-core').not.toBe('');
    const audited = await runCli(['audit', 'intl.pdf.report.test', '--resolver', `127.0.0.1:${server.port}`, '--db', db, '--json', '--skip', 'smtp,http,dnsbl']);
    expect(audited.stderr).toBe('');
    const out = join(dir, 'intl.pdf');
    const run = await runCli(['report', 'intl.pdf.report.test', '--out', out, '--browser', CHROMIUM, '--db', db], { timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = pdfText(out);
    // Each record as it was published, character for character (pdftotext marks the Arabic run's direction around it).
    for (const record of INTL_TEXTS) expect(text).toContain(record);
  });

  it('takes pdf from the --out extension and finds the browser where it installs', async () => {
    const out = join(dir, 'found.pdf');
    const run = await runCli(['report', 'pdf.report.test', '--out', out, '--db', db], { timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(pdfText(out)).toContain('pdf.report.test');
  });

  it('exits 2 naming --browser when the browser named cannot be run, and writes nothing', async () => {
    const out = join(dir, 'none.pdf');
    const run = await runCli(['report', 'pdf.report.test', '--out', out, '--browser', join(dir, 'no-such-browser'), '--db', db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--browser');
    expect(() => readFileSync(out)).toThrow();
    const notPdf = await runCli(['report', 'pdf.report.test', '--out', join(dir, 'x.html'), '--browser', CHROMIUM, '--db', db]);
    expect(notPdf.code).toBe(2);
    expect(notPdf.stderr).toContain('--browser prints a PDF');
  });
});
