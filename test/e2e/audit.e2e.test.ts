/**
 * Auditing domains in the browser against `deliverlab serve` and the fixture zones, as a user does.
 */
import { describe, expect, it } from 'vitest';
import {
  auditDomain,
  checkPanel,
  expectGone,
  expectVisible,
  finding,
  useLab,
  waitForResult,
  type LabPage,
} from './harness';

const t = useLab();

const open = (hash = ''): Promise<LabPage> => t.open(hash);

describe('audit page', () => {
  it('shows the critical SPF and DMARC findings of a domain that has neither', async () => {
    const page = await open();
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
    const page = await open();
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
    const mx = checkPanel(result, 'MX');
    await expectVisible(mx.getByText('mail.good.test', { exact: true }), 'the first MX host');
    await expectVisible(mx.getByText('mail2.good.test', { exact: true }), 'the second MX host');

    // The DNS transcript is folded away until asked for.
    await page.getByRole('button', { name: /DNS queries/ }).click();
    const transcript = page.getByRole('table', { name: 'DNS queries' });
    await expectVisible(transcript.getByText('_dmarc.good.test', { exact: true }), 'the DMARC query in the transcript');
  });

  it('explains a DMARC policy inherited from the parent domain', async () => {
    const page = await open();
    await auditDomain(page, 'shop.inherit.test');
    const dmarc = checkPanel(await waitForResult(page, 'shop.inherit.test'), 'DMARC');
    await expectVisible(dmarc.getByText(/Inherited from inherit\.test/), 'that the record is inherited');
    const policy = await dmarc.getByTestId('dmarc-policy').textContent();
    expect(policy).toMatch(/^reject\b/);
    expect(policy).toMatch(/sp tag/);
    await expectVisible(dmarc.getByText('_dmarc.shop.inherit.test', { exact: true }), 'the first step of the tree walk');
  });

  it('shows progress while the checks run', async () => {
    const page = await open();
    // slow.test's own records answer after 1.5 s (see the zone file): MX and SPF are still running.
    await auditDomain(page, 'slow.test');
    const progress = page.getByRole('status').filter({ hasText: 'Auditing slow.test' });
    await expectVisible(progress.getByText(/^Checking .*MX/), 'the check in progress');
    await expectVisible(progress.getByText(/^1 of 3 checks done$/), 'the DMARC check finishing first');
    await waitForResult(page, 'slow.test');
    expect(await progress.count()).toBe(0);
  });

  it('says why an invalid domain cannot be audited', async () => {
    const page = await open();
    await auditDomain(page, 'not a domain');
    const alert = page.getByRole('alert');
    await expectVisible(alert, 'an error alert');
    expect(await alert.textContent()).toMatch(/not a valid domain/i);
    expect(await page.getByTestId('audit-result').count()).toBe(0);
  });
});

describe('history page', () => {
  it('lists past audits after a reload, opens one and deletes one', async () => {
    const page = await open();
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
    expect(await row('monitor.test').getByRole('cell').nth(5).textContent()).toBe('1');

    await row('monitor.test').getByRole('link', { name: 'monitor.test' }).click();
    const result = await waitForResult(page, 'monitor.test');
    const item = finding(checkPanel(result, 'DMARC'), 'dmarc.policy-none');
    await expectVisible(item, 'the policy-none finding of the stored audit');
    expect(await item.textContent()).toMatch(/warning/i);
    expect(page.url()).toMatch(/#\/history\/\d+$/);

    await page.getByRole('button', { name: 'Delete' }).click();
    await expectVisible(table, 'the history list again after deleting');
    await expectGone(row('monitor.test'), 'the deleted audit');
    await expectVisible(row('bad.test'), 'the audit that was not deleted');
  });

  it('keeps working when a navigation drops the ?token= query', async () => {
    const page = await open();
    await expectVisible(page.getByLabel('Domain', { exact: true }), 'the audit page');
    // Same tab, no query: the token comes from sessionStorage.
    await page.goto(`${t.lab.origin}/#/history`);
    await expectVisible(page.getByRole('heading', { name: 'History' }), 'the history page');
    expect(await page.getByText(/could not be read/).count()).toBe(0);
  });
});
