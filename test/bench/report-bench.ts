/**
 * The report part beyond one audit's HTML: a 500-domain portfolio (time and size, each bounded) and
 * the PDF of one full audit printed by the Chromium on this machine (time, pages and size, printed
 * without a bound: they are the browser's figures as much as Deliverlab's).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAudit } from '../../electron/core/audit/run';
import type { AuditResult } from '../../electron/core/audit/types';
import type { DnsSessionOptions } from '../../electron/core/dns/session';
import { renderHtml } from '../../electron/core/report/html';
import { findBrowser, printPdf } from '../../electron/core/report/pdf';
import { pdfPages } from '../helpers/pdf-text';
import { bound, type Bounded } from './bound';

/** Fixture domains whose audits differ: a clean one, weak and missing policies, lookups over the limit, blocklisted, broken DKIM and PTR. */
const TEMPLATES = [
  'good.test', 'bad.test', 'monitor.test', 'inherit.test', 'lookups.spf.test', 'bareall.spf.test', 'listed.bl.test',
  'mismatch.ptr.test', 'noptr.ptr.test', 'none.dkim.test', 'good.dkim.test', 'norua.dmarcx.test', 'apex.fail.test', 'mxaddr.fail.test',
];
const PORTFOLIO = 500;
const PORTFOLIO_MS = 2000;
const PORTFOLIO_BYTES = 20 * 1024 * 1024;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * 500 full audit results: each template audited once against the fixture server, then given a
 * domain of its own (every name in it renamed, so no two sections repeat) and a date of its own.
 */
async function portfolio(dns: DnsSessionOptions): Promise<AuditResult[]> {
  const skip = ['smtp', 'http'] as ('smtp' | 'http')[];
  // One after another: fourteen audits at once against the in-process fixture server see timeouts,
  // and a portfolio of temperrors would not be a realistic one.
  const audited: AuditResult[] = [];
  for (const domain of TEMPLATES) audited.push(await runAudit(domain, { dns, skip }));
  const timedOut = audited.filter((r) => r.dns.some((q) => q.error === 'ETIMEOUT')).map((r) => r.domain);
  if (timedOut.length > 0) throw new Error(`the portfolio's audits timed out on the fixture server: ${timedOut.join(', ')}`);
  return Array.from({ length: PORTFOLIO }, (_, i) => {
    const template = audited[i % audited.length] as AuditResult;
    const domain = `client${i}.${template.domain}`;
    const result = JSON.parse(JSON.stringify(template).replaceAll(template.domain, domain)) as AuditResult;
    result.id = i + 1;
    result.startedAt = new Date(Date.parse(template.startedAt) - i * 60_000).toISOString();
    return result;
  });
}

export async function runReportBench(dns: DnsSessionOptions, fullAudit: AuditResult): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };

  const results = await portfolio(dns);
  const bytes = Buffer.byteLength(renderHtml(results));
  const queries = results.reduce((n, r) => n + r.dns.length, 0);
  const findings = results.reduce((n, r) => n + r.findings.length, 0);
  await bound(out, `report html, portfolio of ${PORTFOLIO} full audits`, PORTFOLIO_MS, 5, () => renderHtml(results), {
    warmup: 1,
    note: `${mib(bytes)}, ${findings} findings, ${queries} DNS lines, ${TEMPLATES.length} fixture domains renamed`,
  });
  out.verdicts.push(`report html of ${PORTFOLIO} audits: ${mib(bytes)} against ${mib(PORTFOLIO_BYTES)}: ${bytes < PORTFOLIO_BYTES ? 'within' : 'OVER'}`);

  // The Chromium a user would print with: `deliverlab report --out x.pdf` finds it the same way.
  const browser = findBrowser(undefined);
  // Debian's wrapper script writes shell noise to stderr on --version; only the version line is wanted.
  const version = execFileSync(browser, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').pop() ?? browser;
  const html = renderHtml([fullAudit]);
  const dir = mkdtempSync(join(tmpdir(), 'deliverlab-bench-pdf-'));
  try {
    const samples: number[] = [];
    let pdf: Buffer = Buffer.alloc(0);
    await printPdf(html, browser); // warm the disk cache: the first launch reads the browser from disk
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      pdf = await printPdf(html, browser);
      samples.push(performance.now() - t);
    }
    const file = join(dir, 'audit.pdf');
    writeFileSync(file, pdf);
    const sorted = [...samples].sort((a, b) => a - b);
    const pages = pdfPages(file);
    out.rows.push({
      name: `report pdf, one full audit of ${fullAudit.domain}`,
      runs: samples.length,
      median: sorted[Math.floor(sorted.length / 2)] as number,
      p95: sorted[sorted.length - 1] as number,
      perSecond: (samples.length / samples.reduce((a, b) => a + b, 0)) * 1000,
      note: `${pages} pages, ${(pdf.length / 1024).toFixed(0)} KiB, launch included, no bound; ${version}`,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
