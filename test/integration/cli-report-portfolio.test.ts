import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedResults } from '../../electron/core/report/html';
import { pdfPages, pdfText } from '../helpers/pdf-text';
import { runCli } from '../lab/cli';
import { parseZone, startDnsServer, type DnsServer } from '../lab/dns-server';

/**
 * Fifty lab domains: all with MX and SPF; the first 12 enforce DMARC (p=reject), the other 38
 * publish p=none; the last 10 end SPF in +all.
 */
const COUNT = 50;
const domains = Array.from({ length: COUNT }, (_, i) => `p${i + 1}.portfolio.test`);
function zoneText(): string {
  const lines = ['mx.portfolio.test. A 192.0.2.80'];
  domains.forEach((d, i) => {
    lines.push(`${d}. MX 10 mx.portfolio.test.`);
    lines.push(`${d}. TXT "v=spf1 mx ${i >= 40 ? '+all' : '-all'}"`);
    lines.push(`_dmarc.${d}. TXT "v=DMARC1; p=${i < 12 ? 'reject' : 'none'}; rua=mailto:dmarc@${d}"`);
  });
  return lines.join('\n');
}

let server: DnsServer;
let dir: string;
let db: string;

beforeAll(async () => {
  server = await startDnsServer({ zone: parseZone(zoneText()) });
  dir = mkdtempSync(join(tmpdir(), 'deliverlab-cli-report-portfolio-'));
  db = join(dir, 'history.sqlite');
  const audit = await runCli(['audit', ...domains, '--resolver', `127.0.0.1:${server.port}`, '--db', db, '--json', '--skip', 'smtp,http,dnsbl'], { timeoutMs: 110_000 });
  expect(audit.stderr).toBe('');
  expect(audit.stdout.trim().split('\n')).toHaveLength(COUNT);
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('deliverlab report of a portfolio', () => {
  it('writes an overview of 50 domains, the issues they share counted, then a section each', async () => {
    const out = join(dir, 'portfolio.html');
    const run = await runCli(['report', ...domains, '--out', out, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(readEmbeddedResults(html).map((r) => r.domain)).toEqual(domains);
    expect(html).toContain('<title>Deliverability report: 50 domains</title>');
    const overview = html.slice(html.indexOf('id="overview-title"'), html.indexOf('id="d1-title"'));
    expect(overview.match(/<tr><td><a href="#d\d+-title">/g)).toHaveLength(COUNT);
    expect(overview).toMatch(/<strong>38 of 50 domains<\/strong>: <span class="sev sev-\w+">\w+<\/span> [^<]*<code>dmarc\.policy-none<\/code>/);
    expect(overview).toMatch(/<strong>10 of 50 domains<\/strong>: <span class="sev sev-critical">critical<\/span> [^<]*<code>spf\.all-pass<\/code>/);
    expect(html.match(/class="domain-section"/g)).toHaveLength(COUNT);
  });

  it('writes the same overview in Markdown', async () => {
    const out = join(dir, 'portfolio.md');
    expect((await runCli(['report', ...domains, '--out', out, '--db', db])).code).toBe(0);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/- \*\*38 of 50 domains\*\*: \w+ .* ` dmarc\.policy-none `/);
    expect(md).toMatch(/- \*\*10 of 50 domains\*\*: critical .* ` spf\.all-pass `/);
    expect(md.indexOf('## Overview')).toBeLessThan(md.indexOf('## p1\\.portfolio\\.test'));
  });

  it('prints the portfolio to a PDF: the overview, then each domain from a new page', async () => {
    const out = join(dir, 'portfolio.pdf');
    const run = await runCli(['report', ...domains, '--out', out, '--browser', process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', '--db', db], { timeoutMs: 110_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const pages = pdfPages(out);
    // 775 pages here: each domain starts a page and fills about 15 (its DNS transcript is left to its own report).
    expect(pages).toBeGreaterThan(COUNT);
    expect(pages).toBeLessThanOrEqual(COUNT * 30);
    const text = pdfText(out);
    expect(text).toContain('Issues shared across domains');
    expect(text.replace(/\s+/g, ' ')).toContain('38 of 50 domains');
    for (const domain of domains) expect(text).toContain(domain);
  }, 120_000);
});
