/**
 * Auditing domains in the browser against `deliverlab serve` and the fixture zones, as a user does.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../electron/core/audit/types';
import { HistoryStore } from '../../electron/core/history/store';
import {
  confirmDelete,
  CHECK_TITLES,
  auditDomain,
  checkPanel,
  expectGone,
  expectVisible,
  fieldError,
  finding,
  useLab,
  waitForResult,
  type LabPage,
} from './harness';

const t = useLab();

const open = (hash = ''): Promise<LabPage> => t.open(hash);

describe('audit page', () => {
  it('shows the critical SPF and DMARC findings of a domain that has neither', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'bad.test', 'click');
    const result = await waitForResult(page, 'bad.test');

    const mx = checkPanel(result, 'MX');
    await expectVisible(mx.getByText('mx.bad.test'), 'the mail host in the MX panel');
    expect(await finding(mx, 'mx.missing').count()).toBe(0);

    for (const [title, code] of [
      ['SPF', 'spf.missing'],
      ['DMARC', 'dmarc.missing'],
    ] as const) {
      const item = finding(checkPanel(result, title), code);
      await expectVisible(item, `finding ${code} in the ${title} panel`);
      expect(await item.textContent()).toMatch(/critical/i);
      // The explanation and the fix, not only the code.
      expect(await item.getByText(/How to fix/).count()).toBeGreaterThan(0);
    }
    await expectVisible(result.getByText('2 critical'), 'the critical count in the header');
  });

  it('runs on Enter and shows a clean domain with its reject policy', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'good.test', 'enter');
    const result = await waitForResult(page, 'good.test');

    expect(await result.getByText(/^critical$/i).count()).toBe(0);
    const dmarc = checkPanel(result, 'DMARC');
    await expectVisible(dmarc.getByText('v=DMARC1; p=reject; rua=mailto:dmarc@good.test'), 'the DMARC record');
    expect(await dmarc.getByTestId('dmarc-policy').textContent()).toMatch(/^reject\b.*p tag/);

    const spf = checkPanel(result, 'SPF');
    await expectVisible(spf.getByText('include:_spf.good.test', { exact: true }), 'the SPF include term');
    const includeRow = spf.getByRole('row').filter({ hasText: 'include:_spf.good.test' });
    await expectVisible(includeRow.getByText('DNS lookup'), 'the DNS-lookup marker on the include term');
    // The whole tree, with what the include costs: RFC 7208 §4.6.4 counts over all of it.
    const tree = spf.getByTestId('spf-tree');
    const include = tree.locator('li[data-term="include:_spf.good.test"]');
    await expectVisible(include, 'the include in the SPF tree');
    expect(await include.getByTestId('spf-term-cost').first().textContent()).toBe('1 lookup');
    await expectVisible(include.getByText('ip4:198.51.100.0/24', { exact: true }), 'the included record\'s terms');
    expect(await spf.getByTestId('spf-lookups').textContent()).toBe('1 of 10 DNS lookups');
    expect(await spf.getByTestId('spf-void-lookups').textContent()).toBe('0 of 2 void lookups');

    const mx = checkPanel(result, 'MX');
    await expectVisible(mx.getByText('mail.good.test', { exact: true }), 'the first MX host');
    await expectVisible(mx.getByText('mail2.good.test', { exact: true }), 'the second MX host');

    // The DNS transcript is folded away until asked for.
    await page.getByRole('button', { name: /DNS queries/ }).click();
    const transcript = page.getByRole('table', { name: 'DNS queries' });
    await expectVisible(transcript.getByText('_dmarc.good.test', { exact: true }), 'the DMARC query in the transcript');
  });

  it('explains a DMARC policy inherited from the parent domain', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'shop.inherit.test');
    const dmarc = checkPanel(await waitForResult(page, 'shop.inherit.test'), 'DMARC');
    await expectVisible(dmarc.getByText(/Inherited from inherit\.test/), 'that the record is inherited');
    const policy = await dmarc.getByTestId('dmarc-policy').textContent();
    expect(policy).toMatch(/^reject\b/);
    expect(policy).toMatch(/sp tag/);
    await expectVisible(dmarc.getByText('_dmarc.shop.inherit.test', { exact: true }), 'the first step of the tree walk');
  });

  it('shows progress while the checks run', async () => {
    const page = await open('#/audit');
    // slow.test's own records answer after 1.5 s (see the zone file): MX and SPF are still running.
    await auditDomain(page, 'slow.test');
    const progress = page.getByRole('status').filter({ hasText: 'Auditing slow.test' });
    await expectVisible(progress.getByText(/^Checking .*MX/), 'the check in progress');
    // Checks that do not wait for slow.test's own records (DMARC, DKIM selectors...) finish first.
    await expectVisible(progress.getByText(new RegExp(`^[1-9]\\d* of ${CHECK_TITLES.length} checks done$`)), 'checks finishing first');
    await waitForResult(page, 'slow.test');
    expect(await progress.count()).toBe(0);
  });

  it('says why an invalid domain cannot be audited, beside the Domain box', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'not a domain');
    expect(await fieldError(page.getByLabel('Domain', { exact: true }), 'the Domain box')).toMatch(/not a valid domain/i);
    expect(await page.getByTestId('audit-result').count()).toBe(0);
    expect(await page.getByTestId('audit-progress').count()).toBe(0);
  });
});

describe('check panels on real audits', () => {
  it('shows a panel for every check, in order, with a summary strip', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'good.test');
    const result = await waitForResult(page, 'good.test');
    expect(await result.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Fix these first', ...CHECK_TITLES]);
    const strip = result.getByRole('navigation', { name: 'Checks' });
    expect(await strip.getByRole('button').count()).toBe(CHECK_TITLES.length);
    // The harness turned the SMTP probe off (the MX hosts are documentation addresses): it says so.
    await expectVisible(strip.getByRole('button', { name: 'SMTP: Skipped' }), 'the skipped SMTP badge');
    // The app names its own box, not the CLI's --skip flag.
    const skipped = await checkPanel(result, 'SMTP').getByTestId('check-skipped').textContent();
    expect(skipped).toMatch(/^Not checked: the SMTP probe was turned off for this audit \(the “SMTP probe” box\)/);
    expect(skipped).not.toMatch(/--/);
    await expectVisible(checkPanel(result, 'MX').getByText('2001:db8::10'), 'the IPv6 address of the first MX host');
    expect(await checkPanel(result, 'Mailbox providers').getByTestId('provider-scorecard').count()).toBeGreaterThan(0);
  });

  it('marks an SPF record over the lookup limit, and one over the void limit', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'lookups.spf.test');
    let spf = checkPanel(await waitForResult(page, 'lookups.spf.test'), 'SPF');
    expect(await spf.getByTestId('spf-lookups').textContent()).toBe('11 of 10 DNS lookups');
    await expectVisible(finding(spf, 'spf.lookup-limit'), 'the lookup-limit finding');
    // The nested include is in the tree, two levels down.
    await expectVisible(spf.getByTestId('spf-tree').locator('li[data-term="include:p1.spf.test"] li[data-term="include:p4.spf.test"]'), 'the nested include');

    await auditDomain(page, 'void.spf.test');
    spf = checkPanel(await waitForResult(page, 'void.spf.test'), 'SPF');
    expect(await spf.getByTestId('spf-void-lookups').textContent()).toBe('3 of 2 void lookups');
    expect(await spf.getByTestId('spf-term-void').count()).toBe(3);
  });

  it('shows DKIM keys, a blocklist listing and a DMARC report destination from the fixture zones', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'weak.dkim.test');
    const dkim = checkPanel(await waitForResult(page, 'weak.dkim.test'), 'DKIM');
    const weak = dkim.getByRole('row').filter({ hasText: 'default._domainkey' });
    expect(await weak.textContent()).toMatch(/RSA, 512 bits/);
    await expectVisible(dkim.getByRole('button', { name: /^Selectors tried \(\d+\)$/ }), 'the folded list of selectors tried');

    await auditDomain(page, 'listed.bl.test');
    const lists = checkPanel(await waitForResult(page, 'listed.bl.test'), 'Blocklists');
    const rows = lists.getByRole('table', { name: 'Blocklist results' }).getByRole('row');
    expect(await rows.nth(1).textContent()).toMatch(/^127\.0\.10\.2.*listed/);
    expect(await rows.nth(2).textContent()).toMatch(/^127\.0\.10\.2.*listed/);
    await expectVisible(finding(lists, 'dnsbl.listed'), 'the listing finding');

    await auditDomain(page, 'good.test');
    const dmarc = checkPanel(await waitForResult(page, 'good.test'), 'DMARC');
    const destinations = dmarc.getByRole('table', { name: 'DMARC report destinations' });
    await expectVisible(destinations.getByText('mailto:dmarc@good.test', { exact: true }), 'the rua destination');
  });

  it('takes extra DKIM selectors and sending IPs, leaves out blocklists, and remembers the choice', async () => {
    const page = await open('#/audit');
    await page.getByRole('button', { name: 'DKIM selectors and sending IPs' }).click();
    await page.getByLabel('DKIM selectors').fill('ed2026');
    await page.getByLabel('Sending IPs').fill('198.51.100.7, 198.51.100.8');
    await page.getByRole('checkbox', { name: 'Blocklists' }).uncheck();
    await auditDomain(page, 'good.dkim.test');
    const result = await waitForResult(page, 'good.dkim.test');
    const ed = checkPanel(result, 'DKIM').getByRole('row').filter({ hasText: 'ed2026._domainkey' });
    expect(await ed.textContent()).toMatch(/ED25519.*you asked/);
    const ptr = checkPanel(result, 'Reverse DNS').getByRole('table', { name: 'Reverse DNS' });
    expect(await ptr.getByRole('row').filter({ hasText: '198.51.100.7' }).textContent()).toMatch(/Sending IP.*out\.fcrdns\.ptr\.test.*Yes/);
    await expectVisible(ptr.getByRole('row').filter({ hasText: '198.51.100.8' }).getByText('No PTR record'), 'the sending IP without PTR');
    expect(await checkPanel(result, 'Blocklists').getByTestId('check-skipped').count()).toBe(1);

    await page.reload();
    await expectVisible(page.getByLabel('Sending IPs'), 'the remembered options, unfolded');
    expect(await page.getByLabel('Sending IPs').inputValue()).toBe('198.51.100.7, 198.51.100.8');
    expect(await page.getByRole('checkbox', { name: 'Blocklists' }).isChecked()).toBe(false);
  });

  it('copies the exact fix of a finding', async () => {
    const page = await open('#/audit');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.lab.origin });
    await auditDomain(page, 'bad.test');
    const item = finding(checkPanel(await waitForResult(page, 'bad.test'), 'SPF'), 'spf.missing');
    const fix = (await item.getByTestId('finding-fix').textContent())?.replace(/^How to fix:\s*/, '') ?? '';
    expect(fix).toMatch(/v=spf1/);
    await item.getByRole('button', { name: 'Copy fix' }).click();
    await expectVisible(item.getByRole('button', { name: 'Fix copied' }), 'the copied state');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fix);
  });

  it('heads a domain that does not exist with one line, and no score', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'nowhere.good.test');
    const result = await waitForResult(page, 'nowhere.good.test');
    await expectVisible(result.getByTestId('audit-headline').getByText('nowhere.good.test does not exist (NXDOMAIN): nothing to grade.'), 'the one-line headline');
    expect(await result.getByTestId('score').count()).toBe(0);
  });

  it('copies the record itself when the fix is a record, the words staying beside it', async () => {
    const page = await open('#/audit');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.lab.origin });
    await auditDomain(page, 'bad.test');
    const item = finding(checkPanel(await waitForResult(page, 'bad.test'), 'DMARC'), 'dmarc.missing');
    const line = '_dmarc.bad.test. 3600 IN TXT "v=DMARC1; p=none; rua=mailto:dmarc-reports@bad.test"';
    expect(await item.getByTestId('finding-fix-record').textContent()).toBe(line);
    expect(await item.getByTestId('finding-fix').textContent()).toMatch(/then move to p=quarantine and p=reject/);
    await item.getByRole('button', { name: 'Copy fix' }).click();
    await expectVisible(item.getByRole('button', { name: 'Fix copied' }), 'the copied state');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(line);
  });
});

describe('history page', () => {
  it('lists past audits after a reload, opens one and deletes one', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'monitor.test');
    await waitForResult(page, 'monitor.test');
    await auditDomain(page, 'bad.test', 'enter');
    await waitForResult(page, 'bad.test');

    await page.reload();
    await page.getByRole('link', { name: 'History', exact: true }).click();
    const table = page.getByRole('table', { name: 'Past audits' });
    const row = (domain: string) => table.getByRole('row').filter({ has: page.getByRole('link', { name: domain, exact: true }) });
    await expectVisible(row('monitor.test'), 'monitor.test in the history');
    await expectVisible(row('bad.test'), 'bad.test in the history');
    // Columns: domain, audited, score, grade, critical, warnings.
    expect(await row('bad.test').first().getByRole('cell').nth(4).textContent()).toBe('2');
    // dmarc.policy-none and dkim.not-found at least.
    expect(Number(await row('monitor.test').getByRole('cell').nth(5).textContent())).toBeGreaterThanOrEqual(2);

    await row('monitor.test').getByRole('link', { name: 'monitor.test' }).click();
    const result = await waitForResult(page, 'monitor.test');
    const item = finding(checkPanel(result, 'DMARC'), 'dmarc.policy-none');
    await expectVisible(item, 'the policy-none finding of the stored audit');
    expect(await item.textContent()).toMatch(/warning/i);
    expect(page.url()).toMatch(/#\/history\/\d+$/);

    await page.getByRole('button', { name: 'Delete' }).click();
    await confirmDelete(page, 'Delete the audit of monitor.test?');
    await expectVisible(table, 'the history list again after deleting');
    await expectGone(row('monitor.test'), 'the deleted audit');
    await expectVisible(row('bad.test'), 'the audit that was not deleted');
  });

  it('keeps working when a navigation drops the ?token= query', async () => {
    const page = await open('#/audit');
    await expectVisible(page.getByLabel('Domain', { exact: true }), 'the audit page');
    // Same tab, no query: the token comes from sessionStorage.
    await page.goto(`${t.lab.origin}/#/history`);
    await expectVisible(page.getByRole('heading', { name: 'History' }), 'the history page');
    expect(await page.getByText(/could not be read/).count()).toBe(0);
  });
});

describe('changes since the previous audit', () => {
  it('says nothing changed when good.test is audited twice, and links to the audit before', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'good.test');
    await waitForResult(page, 'good.test');
    await auditDomain(page, 'good.test');
    const result = await waitForResult(page, 'good.test');
    const changes = result.getByRole('region', { name: /^No change since / });
    await expectVisible(changes, 'the no-change line');
    expect(await result.getByTestId('audit-changes').count()).toBe(1);
    const link = changes.getByRole('link', { name: 'Open the previous audit' });
    expect(await link.getAttribute('href')).toMatch(/^#\/history\/\d+$/);
    await link.click();
    await waitForResult(page, 'good.test');
    expect(page.url()).toMatch(/#\/history\/\d+$/);
  });

  it('shows the score, the changed record and the findings added and resolved', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'bad.test');
    await waitForResult(page, 'bad.test');
    // The audit before, as if bad.test had had an SPF record and a DMARC warning then.
    const store = HistoryStore.open(join(t.lab.dataDir, 'history.sqlite'));
    try {
      const last = store.latestAudit('bad.test');
      if (!last?.checks.spf) throw new Error('no stored audit of bad.test');
      const dmarcWarning: Finding = {
        code: 'dmarc.policy-none',
        severity: 'warning',
        check: 'dmarc',
        title: 'DMARC only monitors',
        detail: 'p=none asks receivers to report, not to act.',
      };
      store.saveAudit({
        ...last,
        startedAt: new Date().toISOString(),
        score: last.score + 30,
        checks: { ...last.checks, spf: { ...last.checks.spf, record: 'v=spf1 mx -all', records: ['v=spf1 mx -all'] } },
        findings: [...last.findings.filter((f) => f.code !== 'spf.missing'), dmarcWarning],
      });
    } finally {
      store.close();
    }

    await auditDomain(page, 'bad.test', 'enter');
    const result = await waitForResult(page, 'bad.test');
    const changes = result.getByRole('region', { name: /^Changes since / });
    await expectVisible(changes, 'the changes section');
    expect(await changes.getByTestId('audit-changes-score').textContent()).toMatch(/^Score (\d+) → (\d+)-30$/);
    const spfRow = changes.getByRole('table', { name: 'Changed records' }).getByRole('row').filter({ hasText: 'SPF record' });
    expect(await spfRow.getByRole('cell').nth(1).textContent()).toBe('v=spf1 mx -all');
    expect(await spfRow.getByRole('cell').nth(2).textContent()).toBe('none');
    const added = changes.getByRole('list', { name: 'New findings' });
    expect(await added.locator('li[data-code="spf.missing"]').textContent()).toMatch(/Critical/);
    const resolved = changes.getByRole('list', { name: 'Resolved findings' });
    await expectVisible(resolved.locator('li[data-code="dmarc.policy-none"]'), 'the resolved DMARC warning');
  });

  it('shows no changes section for a domain audited for the first time', async () => {
    const page = await open('#/audit');
    await auditDomain(page, 'split.test');
    const result = await waitForResult(page, 'split.test');
    expect(await result.getByTestId('audit-changes').count()).toBe(0);
  });
});
