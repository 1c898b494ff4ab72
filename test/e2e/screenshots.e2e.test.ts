/**
 * PNGs of the main screens, light and dark, in test-results/screenshots/ for people to look at.
 *
 * The colour scheme comes from the system (prefers-color-scheme), as in the desktop app.
 */
import { describe, expect, it } from 'vitest';
import { auditDomain, expectVisible, screenshot, useLab, waitForResult } from './harness';
import { fullResult, probedResult, storeResults } from './stored-results';

const t = useLab();

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`captures audit, history and settings in the ${scheme} scheme`, async () => {
      const page = await t.open('#/audit', { colorScheme: scheme });
      expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe(scheme);

      await auditDomain(page, 'monitor.test');
      await waitForResult(page, 'monitor.test');
      await auditDomain(page, 'bad.test');
      await waitForResult(page, 'bad.test');
      await page.getByRole('button', { name: /DNS queries/ }).click();
      await expectVisible(page.getByRole('table', { name: 'DNS queries' }), 'the DNS transcript');
      await screenshot(page, `audit-${scheme}`);

      await page.getByRole('link', { name: 'History', exact: true }).click();
      await expectVisible(page.getByRole('table', { name: 'Past audits' }), 'the history table');
      await screenshot(page, `history-${scheme}`);

      await page.getByRole('link', { name: 'monitor.test', exact: true }).first().click();
      await waitForResult(page, 'monitor.test');
      await screenshot(page, `history-item-${scheme}`);

      // Every check's panel with data in it: a stored audit, as the fixture zones cannot show all of them.
      const [probed] = storeResults(t.lab, [probedResult()]);
      await page.goto(`${t.lab.url}#/history/${probed}`);
      await waitForResult(page, 'probed.test');
      await screenshot(page, `panels-${scheme}`);

      await page.getByRole('link', { name: 'Settings', exact: true }).click();
      await expectVisible(page.getByText(/^Deliverlab \d/), 'the app version');
      await screenshot(page, `settings-${scheme}`);
      expect(page.problems).toEqual([]);
    }, 60_000);
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`captures batch, changes since the last audit and DKIM keys in the ${scheme} scheme`, async () => {
      const page = await t.open('#/batch', { colorScheme: scheme });
      await page.getByRole('checkbox', { name: 'SMTP probe' }).setChecked(false);
      await page.getByLabel('Domains').fill('Domain,Client\ngood.test,ACME\nbad.test,Other\nnot a domain\nmonitor.test\nnomx.test\n');
      await page.getByRole('button', { name: 'Run batch' }).click();
      await expectVisible(page.getByText(/^Batch finished/), 'the finished batch', 30_000);
      await page.getByRole('table', { name: 'Batch results' }).getByRole('button', { name: /^Score/ }).click();
      await screenshot(page, `batch-${scheme}`);

      // bad.test again, after a stored audit in which it had SPF: a real "Changes since" section.
      await page.getByRole('link', { name: 'Audit', exact: true }).click();
      await auditDomain(page, 'monitor.test');
      await waitForResult(page, 'monitor.test');
      await screenshot(page, `changes-none-${scheme}`);
      const [id] = storeResults(t.lab, [{ ...fullResult(), domain: 'bad.test', startedAt: new Date().toISOString() }]);
      expect(id).toBeGreaterThan(0);
      await auditDomain(page, 'bad.test');
      await waitForResult(page, 'bad.test');
      await expectVisible(page.getByTestId('audit-changes'), 'the changes section');
      await screenshot(page, `changes-${scheme}`);

      await page.getByRole('link', { name: 'DKIM keys', exact: true }).click();
      // The audit page has a Domain field too: fill only once the DKIM keys page has replaced it.
      await expectVisible(page.getByRole('heading', { level: 1, name: 'DKIM keys' }), 'the DKIM keys page');
      await page.getByLabel('Domain', { exact: true }).fill('example.test');
      await page.getByLabel('Selector', { exact: true }).fill('s202611');
      await page.getByRole('button', { name: 'Generate key' }).click();
      await expectVisible(page.getByTestId('dkim-key'), 'the generated key', 30_000);
      await screenshot(page, `dkim-${scheme}`);
      expect(page.problems).toEqual([]);
    }, 180_000);
  }
});
