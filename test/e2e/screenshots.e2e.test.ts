/**
 * PNGs of the main screens, light and dark, in test-results/screenshots/ for people to look at.
 *
 * The colour scheme comes from the system (prefers-color-scheme), as in the desktop app.
 */
import { describe, expect, it } from 'vitest';
import { auditDomain, expectVisible, screenshot, useLab, waitForResult } from './harness';
import { probedResult, storeResults } from './stored-results';

const t = useLab();

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`captures audit, history and settings in the ${scheme} scheme`, async () => {
      const page = await t.open('', { colorScheme: scheme });
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
});
