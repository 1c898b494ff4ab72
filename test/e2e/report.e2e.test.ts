/**
 * The HTML report as a reader opens it: Chromium with every request refused and counted. Nothing is
 * asked for, the hostile record in it shows as text, long records wrap, every code and fix is on
 * screen, and axe-core's WCAG 2 AA rules pass.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../electron/core/audit/types';
import { renderHtml } from '../../electron/core/report/html';
import { fixtureAudit } from '../helpers/fixture-audit';
import { historyReport } from '../helpers/report-history';
import { analysedCopy, messageAnalysis, placementRun, READINESS, SPAM } from '../helpers/report-kinds';
import { renderMessageHtml } from '../../electron/core/report/message-report';
import { renderPlacementHtml } from '../../electron/core/report/placement-report';
import { copyReport } from '../../electron/core/report/spam-section';
import { reportResult } from '../helpers/report-result';
import { loadZoneFixtures, startDnsServer } from '../lab/dns-server';
import { expectNoAxeViolations } from './harness';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let browser: Browser;
let results: AuditResult[];

beforeAll(async () => {
  const dns = await startDnsServer({ zone: loadZoneFixtures() });
  try {
    const bad = await fixtureAudit(dns, 'bad.test', { skip: ['smtp', 'http', 'dnsbl'] });
    results = [reportResult(), bad];
  } finally {
    await dns.close();
  }
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS, timeout: 20_000 });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

/** Opens the report with every request refused; returns the page and the requests it tried. */
async function openReport(html: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 800, height: 1000 } });
  const requests: string[] = [];
  await page.route('**/*', async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requests };
}

describe('the HTML report in Chromium', () => {
  it('asks for nothing, runs nothing from a record, and shows every domain, grade, code and fix', async () => {
    const { page, requests } = await openReport(renderHtml(results));
    try {
      const text = await page.evaluate(() => document.body.innerText);
      for (const r of results) {
        expect(text).toContain(r.domain);
        expect(text).toContain(`${r.grade} (score ${r.score} of 100)`);
        for (const f of r.findings) {
          expect(text).toContain(f.code);
          if (f.fix) expect(text.replace(/\s+/g, ' ')).toContain(f.fix.replace(/\s+/g, ' '));
        }
      }
      await expect(page.getByRole('heading', { name: 'Fix these first' }).first().isVisible()).resolves.toBe(true);
      // The TXT value with a script is on screen as text, and did not run.
      expect(text).toContain('<script>window.pwned=1</script>');
      expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
      // Long records wrap inside the page instead of widening it.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await expectNoAxeViolations(page, 'the HTML report');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows the score trend as a named picture with its values as text, and what changed, with no axe violation', async () => {
    const { page, requests } = await openReport(renderHtml(historyReport('Good Ltd'), { name: 'Acme Consulting' }));
    try {
      const chart = page.getByRole('img', { name: 'Score trend of example.test over its last 3 audits: from 35 (F) to 61 (D).' });
      await expect(chart.isVisible()).resolves.toBe(true);
      const table = page.getByRole('table', { name: 'Score trend, oldest first' });
      expect((await table.innerText()).replace(/\s+/g, ' ')).toContain('2026-02-14 09:26:53 UTC F 48');
      const text = (await page.evaluate(() => document.body.innerText)).replace(/\s+/g, ' ');
      expect(text).toContain('Client Good Ltd');
      expect(text).toContain('Prepared by Acme Consulting');
      expect(text).toContain('Grade D, was F. Score 61 of 100, was 48 (up 13).');
      expect(text).toContain('mx.no-address MX host mx2.example.test has no address');
      await expectNoAxeViolations(page, 'the HTML report with its history');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a message analysis report: asks for nothing, shows its verdicts and codes, the hostile Subject as text, no axe violation', async () => {
    const analysis = messageAnalysis();
    const { page, requests } = await openReport(renderMessageHtml(analysis, { name: 'Acme Consulting', accent: '#ff0000' }));
    try {
      const text = await page.evaluate(() => document.body.innerText);
      for (const f of analysis.findings) expect(text).toContain(f.code);
      expect(text).toContain('<script>window.pwned=1</script>');
      expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
      expect(text).toContain('Prepared by Acme Consulting');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await expectNoAxeViolations(page, 'the message analysis report');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a placement report: asks for nothing, shows each seed and where its copy landed, no axe violation', async () => {
    const run = placementRun();
    const { page, requests } = await openReport(renderPlacementHtml(run));
    try {
      const text = await page.evaluate(() => document.body.innerText);
      for (const seed of run.seeds) expect(text).toContain(seed.seed);
      expect(text).toContain('Inbox: 1 of 5, Spam: 1 of 5, Bounced: 1 of 5, Missing: 1 of 5, Error: 1 of 5');
      expect(text).toContain('The mailbox refused the login.');
      await expectNoAxeViolations(page, 'the placement report');
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the readiness and spam filter sections, and a placement run\'s analysed copies: readable, no axe violation', async () => {
    const message = await openReport(renderMessageHtml({ ...messageAnalysis(), spam: SPAM, readiness: READINESS }));
    try {
      const text = await message.page.evaluate(() => document.body.innerText);
      expect(text).toContain('Score: 6.5 / 10.');
      expect(text).toContain('SpamAssassin 4.0.1: spam, 6.3 of 5.');
      expect(text).toContain('(network test, not run here)');
      await expectNoAxeViolations(message.page, 'the message report with readiness and spam filters');
      expect(message.requests).toEqual([]);
    } finally {
      await message.page.close();
    }
    const run = placementRun();
    const placement = await openReport(renderPlacementHtml(run, {}, [copyReport(analysedCopy(run, SPAM))]));
    try {
      const text = await placement.page.evaluate(() => document.body.innerText);
      expect(text).toContain('Analysed copies');
      expect(text).toContain('SpamAssassin on the receiving server called it spam.');
      await expectNoAxeViolations(placement.page, 'the placement report with an analysed copy');
    } finally {
      await placement.page.close();
    }
  });
});
