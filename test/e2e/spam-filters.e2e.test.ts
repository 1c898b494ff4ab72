/**
 * The spam filters in the browser, against the mail lab's spamd and rspamd: Settings says none is set
 * up and how to install one, takes their addresses and shows their versions; a message's Spam filters
 * tab shows each verdict with its rules grouped and explained; a draft is scored before it is sent.
 */
import { describe, expect, it } from 'vitest';
import { labFilters, readMailLab } from '../lab/mail-lab/lab-info';
import { expectNoAxeViolations, expectNoInternals, expectVisible, type LabPage, screenshot, serveCall, UI_TIMEOUT_MS, useLab } from './harness';

const filters = labFilters(readMailLab());
const SPAMD = `${filters.spamd.host}:${filters.spamd.port}`;
const t = useLab();
const run = `${process.pid}-${Date.now()}`;
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';

const call = (op: string, input: unknown) => serveCall(t.lab, op, input);

async function analyse(page: LabPage, subject: string, lines: string[], body: string[]) {
  await page.getByRole('checkbox', { name: 'Check link domains against blocklists' }).setChecked(false);
  await page.getByRole('checkbox', { name: 'Score with the spam filters' }).setChecked(true);
  await page.getByLabel('Paste a message or its headers').fill(['From: Ann <ann@lab.test>', 'To: seed1@lab.test', `Subject: ${subject}`, ...lines, '', ...body].join('\n'));
  await page.getByRole('button', { name: 'Analyse' }).click();
  const result = page.getByTestId('message-result').filter({ has: page.getByRole('heading', { level: 2, name: subject, exact: true }) });
  await expectVisible(result, `the analysis of "${subject}"`, 20_000);
  return result;
}

describe('spam filters in the app', () => {
  it('Settings: no filter set up, how to install one, then the lab\'s filters with their versions', async () => {
    const page = await t.open('#/settings');
    const section = page.getByTestId('spam-settings');
    await expectVisible(section.getByText('not set up, so messages are not scored by it.').first(), 'the not-set-up state');
    await expectVisible(section.getByText('sudo apt-get install spamassassin spamd'), 'the Debian install line');
    await section.getByRole('tab', { name: 'Windows' }).first().click();
    await expectVisible(section.getByText(/docker run -d --name spamd/), 'the container line for Windows');
    await expectNoAxeViolations(page, 'Settings with no spam filter');

    await section.getByLabel('SpamAssassin (spamd) address').fill('spamd..example:1');
    await section.getByRole('button', { name: 'Save spam filters' }).click();
    await expectVisible(section.getByText(/is not a host name or IP address with a port/), 'the refusal beside the field');

    await section.getByLabel('SpamAssassin (spamd) address').fill(SPAMD);
    await section.getByLabel('rspamd address').fill(filters.rspamd.url);
    await section.getByRole('button', { name: 'Save spam filters' }).click();
    await expectVisible(section.getByText('Spam filters saved.'), 'the saved note');
    await expectVisible(section.getByText(`SpamAssassin ${filters.spamd.version}`), 'spamd\'s version');
    await expectVisible(section.getByText(`rspamd ${filters.rspamd.version}`), 'rspamd\'s version');
    await expectNoAxeViolations(page, 'Settings with both spam filters');
    await expectNoInternals(page, 'Settings with both spam filters');
    await screenshot(page, 'spam-settings');
  });

  it('a message\'s Spam filters tab: both flag GTUBE; a careless message\'s rules lead to the findings', async () => {
    await call('settings.set', { spamd: SPAMD, rspamd: filters.rspamd.url });
    const page = await t.open('#/messages');
    const gtube = await analyse(page, `GTUBE ${run}`, ['Date: Mon, 07 Dec 2026 10:00:00 +0000', `Message-ID: <gtube-${run}@lab.test>`], [GTUBE, '', 'Thanks,', 'Ann']);
    await gtube.getByRole('tab', { name: /^Spam filters/ }).click();
    for (const filter of ['spamassassin', 'rspamd']) {
      const card = gtube.getByTestId(`spam-filter-${filter}`);
      await expectVisible(card.locator('[data-testid="spam-verdict"][data-verdict="spam"]'), `${filter}'s spam verdict`);
      await expectVisible(card.getByTestId('spam-rule').filter({ hasText: 'GTUBE' }).first(), `${filter}'s GTUBE rule`);
    }
    await expectNoAxeViolations(page, 'the Spam filters tab');

    await page.goto(`${t.lab.url}#/messages`);
    const sloppy = await analyse(page, `Offer ${run}`, ['Content-Type: text/html'], ['<html><body><img src="http://bit.ly/x.png"><a href="http://bit.ly/abc">click</a></body></html>']);
    await sloppy.getByRole('tab', { name: /^Spam filters/ }).click();
    const sa = sloppy.getByTestId('spam-filter-spamassassin');
    await expectVisible(sa.getByRole('table', { name: 'SpamAssassin: Headers' }), 'the Headers group');
    const missingDate = sa.getByTestId('spam-rule').filter({ hasText: 'MISSING_DATE' });
    await expectVisible(missingDate.getByText('The message has no Date header, which RFC 5322 requires', { exact: false }), 'the plain explanation');
    await expectNoInternals(page, 'the Spam filters tab');
    await screenshot(page, 'spam-filters-tab');
    await missingDate.getByRole('button', { name: /Deliverlab's finding/ }).click();
    await expect.poll(() => sloppy.getByRole('tab', { name: /^Headers/ }).getAttribute('aria-selected'), { timeout: UI_TIMEOUT_MS }).toBe('true');
  });

  it('Test send: the draft is scored as it would be sent', async () => {
    await call('settings.set', { spamd: SPAMD, rspamd: '' });
    await call('smtp.save', { profile: { name: `spam-${run}`, host: '127.0.0.1', port: 2525, security: 'none', from: 'Ann <ann@lab.test>' } });
    const page = await t.open('#/send');
    await expect.poll(() => page.getByLabel('SMTP profile').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe(`spam-${run}`);
    await page.getByLabel('Subject').fill(`Draft ${run}`);
    await page.getByLabel('HTML', { exact: true }).fill(`<p>${GTUBE}</p>`);
    const section = page.getByTestId('draft-spam');
    await section.getByRole('button', { name: 'Score with the spam filters' }).click();
    await expectVisible(section.getByText(/Scored as sent: .*, without a DKIM signature\./), 'what was scored');
    await expectVisible(section.getByTestId('spam-filter-spamassassin').locator('[data-testid="spam-verdict"][data-verdict="spam"]'), 'the draft\'s verdict');
    await expectNoAxeViolations(page, 'the scored draft');
  });

  it('Design QA: a message file is scored as it is; an HTML draft waits for a sending profile', async () => {
    await call('settings.set', { spamd: SPAMD, rspamd: filters.rspamd.url });
    const page = await t.open('#/qa');
    await expectVisible(page.getByRole('heading', { level: 1, name: 'Design QA' }), 'the Design QA page');
    await page.getByLabel('Or paste the HTML').fill('<html lang="en"><body><p>Hello from the workshop.</p></body></html>');
    const section = page.getByTestId('draft-spam');
    await expectVisible(section.getByText('Choose a sending profile in Test send first', { exact: false }), 'why an HTML draft waits');
    expect(await section.getByRole('button', { name: 'Score with the spam filters' }).isDisabled()).toBe(true);

    const eml = ['From: Ann <ann@lab.test>', 'To: seed1@lab.test', `Subject: QA draft ${run}`, 'Date: Mon, 07 Dec 2026 10:00:00 +0000', `Message-ID: <qa-${run}@lab.test>`, 'MIME-Version: 1.0', 'Content-Type: multipart/alternative; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', GTUBE, '', '--b1', 'Content-Type: text/html', '', `<html lang="en"><body><p>${GTUBE}</p></body></html>`, '--b1--', ''];
    await page.getByLabel('Or paste the HTML').fill(eml.join('\n'));
    const button = section.getByRole('button', { name: 'Score with the spam filters' });
    await expect.poll(() => button.isDisabled(), { timeout: UI_TIMEOUT_MS }).toBe(false);
    await button.scrollIntoViewIfNeeded();
    await button.click();
    for (const filter of ['spamassassin', 'rspamd']) {
      await expectVisible(section.getByTestId(`spam-filter-${filter}`).locator('[data-testid="spam-verdict"][data-verdict="spam"]'), `${filter}'s verdict on the draft`);
    }
    await expectNoAxeViolations(page, 'Design QA with the draft scored');
  });
});
