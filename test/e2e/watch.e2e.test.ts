/**
 * Monitoring in the app: the home page's first run, a watch added through its form, a record changed
 * in the fixture DNS, "Check now", and the alert with its before and after, acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { parseZone } from '../lab/dns-server';
import { confirmDelete, expectGone, expectNoAxeViolations, expectNoInternals, expectVisible, fieldError, useLab, type LabPage } from './harness';

const t = useLab();

const SPF_BEFORE = 'v=spf1 ip4:192.0.2.0/24 include:_spf.good.test -all';
const SPF_AFTER = 'v=spf1 ip4:192.0.2.0/24 ip4:203.0.113.0/24 include:_spf.good.test -all';

/** Publishes `spf` as good.test's SPF record, keeping its other TXT records. */
function publishSpf(spf: string): void {
  const records = t.lab.zone.records.get('good.test') ?? [];
  const kept = records.filter((r) => !(r.type === 'TXT' && String(Array.isArray(r.data) ? r.data.join('') : r.data).startsWith('v=spf1')));
  t.lab.zone.records.set('good.test', kept);
  parseZone(`good.test. TXT "${spf}"`, t.lab.zone);
}

async function axeBothSchemes(page: LabPage, state: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForFunction((s) => document.documentElement.getAttribute('data-mantine-color-scheme') === s, scheme);
    await expectNoAxeViolations(page, `${state} (${scheme})`);
  }
}

describe('monitoring on the home page', () => {
  it('lands on the home page, which says how to add a watch, and refuses a form it cannot send in its own words', async () => {
    const page = await t.open();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await expectVisible(page.getByTestId('home-empty').getByText('Nothing is watched yet.'), 'the first-run state');
    await expectVisible(page.getByText('No open alerts.'), 'no alerts');
    await axeBothSchemes(page, 'the empty home page');
    await expectNoInternals(page, 'the empty home page');

    const targets = page.getByLabel('Domains and IP addresses');
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    expect(await fieldError(targets, 'the targets box')).toBe('Enter a domain or an IP address to watch');
    await targets.fill('good.test, not a domain');
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    expect(await fieldError(targets, 'the targets box')).toMatch(/^not: /);
    await page.getByText('Daily', { exact: true }).click();
    const time = page.getByLabel('Time of the daily check');
    await time.fill('25:00');
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    expect(await fieldError(time, 'the time box')).toBe('Enter a time as hours and minutes, such as 07:00');
  });

  it('watches a domain added in the form, raises an alert with before and after when its SPF record changes, and acknowledges it', async () => {
    publishSpf(SPF_BEFORE);
    const page = await t.open('#/home');
    await page.getByLabel('Domains and IP addresses').fill('good.test');
    await page.getByLabel('Client').fill('Acme');
    await page.getByRole('checkbox', { name: 'Mail server connections (STARTTLS)' }).check();
    await page.getByRole('checkbox', { name: 'Web checks (MTA-STS policy, BIMI)' }).check();
    await page.getByRole('button', { name: 'Watch', exact: true }).click();
    await expectVisible(page.getByRole('status').getByText(/good\.test is watched now/), 'the watch added');
    // A new, empty form, that does not call its empty box a mistake.
    await expect.poll(() => page.getByLabel('Domains and IP addresses').inputValue()).toBe('');
    expect(await page.getByText('Enter a domain or an IP address to watch').count()).toBe(0);

    const row = page.getByTestId('watch-row').filter({ hasText: 'good.test' });
    await expectVisible(row, 'the watch in the list');
    await expect.poll(() => row.getByRole('cell').nth(0).textContent()).toBe('Acme');
    // The first check (the scheduler's, as the app is open) sets the baseline and shows the grade.
    await expectVisible(row.locator('.mantine-Badge-root'), 'the grade of the first check', 30_000);
    await expectVisible(page.getByText('No open alerts.'), 'no alert after the baseline');

    publishSpf(SPF_AFTER);
    await row.getByRole('button', { name: 'Check now: good.test' }).click();
    const alert = page.getByTestId('alert').filter({ hasText: 'Record changed' });
    await expectVisible(alert, 'the record.changed alert', 30_000);
    await expect.poll(() => alert.getByRole('heading', { level: 3 }).textContent()).toMatch(/^good\.test: /);
    const before = await alert.locator('pre').nth(0).textContent();
    const after = await alert.locator('pre').nth(1).textContent();
    expect(before).toContain(SPF_BEFORE);
    expect(after).toContain(SPF_AFTER);
    await expectVisible(alert.getByRole('link', { name: 'Open the audit of good.test' }), 'the link to the audit');
    await expectVisible(alert.getByText('Acme', { exact: true }), 'the client of the watch');
    await axeBothSchemes(page, 'the home page with an open alert');
    await expectNoInternals(page, 'the home page with an open alert');
    await expectVisible(page.getByTestId('recent').getByText(/Audit: good\.test/).first(), 'the check in recent activity');
    await expectVisible(page.getByTestId('recent').getByText(/· Record changed ·/), 'the alert in recent activity, in words');

    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await expectGone(alert, 'the acknowledged alert');
    await expectVisible(page.getByText('No open alerts.'), 'no open alerts left');
  });

  it('filters history by client and domain, draws the domain’s score over time, and compares the two checks’ audits', async () => {
    // The audits of the test before: good.test's baseline and the check after its SPF record changed.
    const page = await t.open('#/history');
    const table = page.getByRole('table', { name: 'Past audits' });
    await expectVisible(table.getByRole('link', { name: 'good.test' }), 'the audits of the checks');

    await page.getByLabel('Search', { exact: true }).fill('ood.te');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => table.getByRole('link', { name: 'good.test' }).count()).toBe(2);
    await page.getByLabel('Search', { exact: true }).fill('');
    await page.getByLabel('Domain', { exact: true }).fill('other.test');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expectVisible(page.getByText('No stored audit matches this filter.'), 'an empty filter');

    await page.getByLabel('Domain', { exact: true }).fill('good.test');
    await page.getByLabel('Client', { exact: true }).first().click();
    await page.getByRole('option', { name: 'Acme' }).click();
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await expect.poll(() => table.getByRole('link', { name: 'good.test' }).count()).toBe(2);
    await expectVisible(page.getByRole('img', { name: /^Score of good\.test over its last 2 audits: / }), 'the score trend');

    // The other kinds of history, under the same filter: none of them here.
    await page.getByText('Test sends', { exact: true }).click();
    await expectVisible(page.getByText('Nothing of this kind matches the filter.'), 'no test sends for good.test');
    await page.getByText('Audits', { exact: true }).click();
    await expect.poll(() => table.getByRole('link', { name: 'good.test' }).count()).toBe(2);

    await page.getByLabel('One audit', { exact: true }).first().click();
    await page.getByRole('option').nth(0).click();
    await page.getByLabel('The other audit', { exact: true }).first().click();
    await page.getByRole('option').nth(1).click();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    const changes = page.getByTestId('audit-changes');
    await expectVisible(changes.getByText('Records changed'), 'the records changed between the audits');
    await expect.poll(() => changes.textContent()).toContain(SPF_AFTER);
    await axeBothSchemes(page, 'history filtered, with its trend and a comparison');
    await expectNoInternals(page, 'history filtered, with its trend and a comparison');
  });

  it('stops watching after asking first, and the home page is back to its first run', async () => {
    const page = await t.open('#/home');
    await page.getByRole('button', { name: 'Stop watching good.test' }).click();
    await confirmDelete(page, 'Delete the watch of good.test?');
    await expectVisible(page.getByTestId('home-empty'), 'the first-run state again');
    await expectGone(page.getByTestId('watch-row'), 'the watch removed');
  });
});
