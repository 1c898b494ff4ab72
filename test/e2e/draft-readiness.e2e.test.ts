/**
 * The readiness of a draft on Design QA, against the mail lab's spamd and rspamd: the HTML draft is
 * composed as the Test send profile would send it, scored by both filters, and its readiness shown
 * beside their verdicts, with what waits for the send said as such.
 */
import { describe, expect, it } from 'vitest';
import { labFilters, readMailLab } from '../lab/mail-lab/lab-info';
import { expectNoAxeViolations, expectNoInternals, expectVisible, screenshot, serveCall, UI_TIMEOUT_MS, useLab } from './harness';

const filters = labFilters(readMailLab());
const t = useLab({ extraRecords: '_dmarc.lab.test. TXT "v=DMARC1; p=none"' });
const run = `${process.pid}-${Date.now()}`;

const call = (op: string, input: unknown) => serveCall(t.lab, op, input);

describe('the readiness of a draft', () => {
  it('Design QA: an HTML draft is scored as the profile would send it, and its readiness shown beside the verdicts', async () => {
    await call('settings.set', { spamd: `${filters.spamd.host}:${filters.spamd.port}`, rspamd: filters.rspamd.url });
    await call('smtp.save', { profile: { name: `ready-${run}`, host: '127.0.0.1', port: 2525, security: 'none', from: 'Ann <ann@lab.test>' } });
    // Test send picks the profile; Design QA composes the draft with it.
    const page = await t.open('#/send');
    await expect.poll(() => page.getByLabel('SMTP profile').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe(`ready-${run}`);
    await page.evaluate(() => {
      window.location.hash = '#/qa';
    });
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Design QA' }), 'the Design QA page');
    await page.getByLabel('Or paste the HTML').fill(`<html lang="en"><head><title>Notes ${run}</title></head><body><p>Hello Bob, the notes are on <a href="https://notes.lab.test/t">the notes page</a>.</p></body></html>`);
    const section = page.getByTestId('draft-spam');
    const button = section.getByRole('button', { name: 'Score with the spam filters' });
    await expect.poll(() => button.isDisabled(), { timeout: UI_TIMEOUT_MS }).toBe(false);
    await button.scrollIntoViewIfNeeded();
    await button.click();

    const readiness = section.getByTestId('readiness');
    await expectVisible(readiness, 'the draft\'s readiness', 30_000);
    await expectVisible(readiness.getByTestId('readiness-score').filter({ hasText: /^\d+(\.\d+)? \/ 10$/ }), 'the score out of 10');
    for (const filter of ['spamassassin', 'rspamd']) await expectVisible(section.getByTestId(`spam-filter-${filter}`), `${filter}'s verdict`);
    // Each filter is an item of the readiness, as its verdict says.
    for (const label of ['SpamAssassin', 'rspamd']) await expectVisible(readiness.locator(`tr[data-item="${label}"]`), `the ${label} item`);
    const ip = readiness.locator('tr[data-item="Sending IP"]');
    await expectVisible(ip.getByText('Not run'), 'the sending IP not looked up');
    await expectVisible(ip.getByText(/the sending IP is known once it is sent/), 'why the sending IP waits');
    await expectVisible(readiness.locator('tr[data-item="SPF"]').getByText(/^Checked once sent/), 'SPF checked once sent');
    // Unsigned: DMARC rests on SPF, which waits for the send.
    await expectVisible(readiness.locator('tr[data-item="DMARC"]').getByText(/rests on SPF/), 'DMARC waiting for SPF');
    await expectVisible(readiness.locator('tr[data-item="DKIM"]').getByText('The message carries no DKIM signature.'), 'the missing signature');
    await expectVisible(readiness.locator('tr[data-item="Link domains"]').getByText(/lab\.test/), 'the link domain looked up');
    await expectNoInternals(page, 'Design QA with the draft\'s readiness');
    await expectNoAxeViolations(page, 'Design QA with the draft\'s readiness');
    await screenshot(page, 'draft-readiness');
  });
});
