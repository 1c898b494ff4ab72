/**
 * Every check's panel, from audits stored in the history: each state a panel has, a skipped and a
 * failed check, a row from before the newer checks, the summary strip and the copy buttons.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_TITLES, checkPanel, expectVisible, finding, useLab, waitForResult, type LabPage } from './harness';
import { DKIM_FIX, FULL_DOMAIN, LEGACY_DOMAIN, fullResult, legacyResult, probedResult, storeResults } from './stored-results';

const t = useLab();

/** Opens a stored audit in a new page. */
function openStored(id: number): Promise<LabPage> {
  return t.open(`#/history/${id}`);
}

/**
 * The panel's top edge relative to the viewport, once it stops moving (smooth scrolling): the same
 * for 5 animation frames in a row, at most 600. Frames are what the scroll advances by; a timer on
 * a busy machine could fire twice within one frame and see a scroll that has not started.
 */
async function settledTop(page: LabPage, title: (typeof CHECK_TITLES)[number]): Promise<number> {
  return checkPanel(page, title).evaluate(
    (el) =>
      new Promise<number>((resolve) => {
        let last = Number.NaN;
        let same = 0;
        let seen = 0;
        const step = () => {
          const top = el.getBoundingClientRect().top;
          same = top === last ? same + 1 : 0;
          last = top;
          if (same >= 5 || ++seen >= 600) return resolve(top);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
  );
}

describe('check panels', () => {
  it('shows one panel per check, in order, with a summary strip that scrolls to each', async () => {
    const [id] = storeResults(t.lab, [fullResult()]);
    const page = await openStored(id!);
    const result = await waitForResult(page, FULL_DOMAIN);

    const headings = await result.getByRole('heading', { level: 3 }).allTextContents();
    expect(headings).toEqual(['Fix these first', ...CHECK_TITLES]);
    for (const title of CHECK_TITLES) await expectVisible(checkPanel(result, title), `the ${title} panel`);

    const strip = result.getByRole('navigation', { name: 'Checks' });
    expect(await strip.getByRole('button').allInnerTexts()).toHaveLength(CHECK_TITLES.length);
    await expectVisible(strip.getByRole('button', { name: 'Blocklists: Fail' }), 'the Blocklists badge');
    await expectVisible(strip.getByRole('button', { name: 'SMTP: Skipped' }), 'the skipped SMTP badge');

    expect(await settledTop(page, 'Blocklists')).toBeGreaterThan(900);
    await strip.getByRole('button', { name: 'Blocklists: Fail' }).click();
    const top = await settledTop(page, 'Blocklists');
    // Below the fixed 52 px header, at the top of the view.
    expect(top).toBeGreaterThanOrEqual(52);
    expect(top).toBeLessThan(120);

    // Everything the page fetched came from serve: no logo, no certificate, nothing the domain chose.
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((url) => new URL(url).origin !== t.lab.origin)).toEqual([]);
    expect(await result.locator('img').count()).toBe(0);
  });

  it('shows the SPF tree with what each term costs, and folds an include away', async () => {
    const [id] = storeResults(t.lab, [fullResult()]);
    const page = await openStored(id!);
    const spf = checkPanel(await waitForResult(page, FULL_DOMAIN), 'SPF');
    const tree = spf.getByTestId('spf-tree');
    await expectVisible(tree, 'the SPF tree');

    expect(await spf.getByTestId('spf-lookups').textContent()).toBe('5 of 10 DNS lookups');
    const voids = spf.getByTestId('spf-void-lookups');
    expect(await voids.textContent()).toBe('3 of 2 void lookups');
    // Over the limit reads in red, under it does not.
    const color = (locator: typeof voids) => locator.evaluate((el) => getComputedStyle(el).color);
    expect(await color(voids)).not.toBe(await color(spf.getByTestId('spf-lookups')));

    const term = (text: string) => tree.locator(`li[data-term="${text}"]`).first();
    expect(await term('include:_spf.full.test').getByTestId('spf-term-cost').first().textContent()).toBe('2 lookups');
    expect(await term('a:old.full.test').getByTestId('spf-term-void').textContent()).toBe('1 void lookup');
    await expectVisible(term('exists:%{i}.x.full.test').getByText('macro: not statically resolvable'), 'the macro mark');
    await expectVisible(tree.getByText(/Branch not followed: no SPF record at gone\.full\.test/), 'the dead branch');

    const nested = tree.getByText('ip4:198.51.100.0/24', { exact: true });
    await expectVisible(nested, 'the included record');
    const toggle = tree.getByRole('button', { name: 'Show or hide include:_spf.full.test' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await nested.count()).toBe(0);
    await toggle.click();
    await expectVisible(nested, 'the included record again');
  });

  it('shows each newer check with its details, and a skipped or failed check says why', async () => {
    const [full, probed] = storeResults(t.lab, [fullResult(), probedResult()]);
    let page = await openStored(full!);
    const result = await waitForResult(page, FULL_DOMAIN);

    const mx = checkPanel(result, 'MX');
    await expectVisible(mx.getByText('2001:db8::25'), 'an IPv6 address of an MX host');
    await expectVisible(mx.getByTestId('mx-cname').getByText(/relay\.full\.test/), 'the CNAME marker');
    await expectVisible(mx.getByTestId('mx-ipv6'), 'the IPv6 line');

    const dmarc = checkPanel(result, 'DMARC');
    const destination = dmarc.getByRole('table', { name: 'DMARC report destinations' }).getByRole('row').filter({ hasText: 'agg@reports.example' });
    expect(await destination.textContent()).toMatch(/Yes \(reports\.example\).*No/);
    await expectVisible(dmarc.getByTestId('dmarc-rfc7489').getByText(/half of failing mail/), 'the RFC 7489 reading');

    const dkim = checkPanel(result, 'DKIM');
    const old = dkim.getByRole('row').filter({ hasText: 'old._domainkey' });
    expect(await old.textContent()).toMatch(/RSA, 1024 bits/);
    await expectVisible(dkim.getByRole('row').filter({ hasText: 'gone._domainkey' }).getByText('revoked'), 'the revoked key');
    const tried = dkim.getByRole('button', { name: 'Selectors tried (9)' });
    expect(await tried.getAttribute('aria-expanded')).toBe('false');

    await expectVisible(checkPanel(result, 'MTA-STS').getByRole('row').filter({ hasText: 'mx2.full.test' }).getByText(/Not matched/), 'the uncovered MX host');
    await expectVisible(checkPanel(result, 'MTA-STS').getByTestId('mtasts-mode').getByText('testing'), 'the policy mode');
    await expectVisible(checkPanel(result, 'TLS-RPT').getByText('mailto:tls@full.test', { exact: true }), 'the TLS-RPT destination');
    const bimi = checkPanel(result, 'BIMI');
    await expectVisible(bimi.getByText('https://full.test/logo.svg', { exact: true }), 'the logo URL as text');
    await expectVisible(bimi.getByText(/baseProfile="tiny-ps"/), 'the SVG error');
    await expectVisible(
      checkPanel(result, 'Blocklists').getByText(/is in documentation range \(RFC 5737\)/),
      'the range note, once per address',
    );
    await expectVisible(checkPanel(result, 'DNSSEC & DANE').getByRole('row').filter({ hasText: 'mx1.full.test' }).getByText('matches'), 'the DANE match');
    await expectVisible(checkPanel(result, 'Reverse DNS').getByRole('row').filter({ hasText: '192.0.2.26' }).getByText('No PTR record'), 'the missing PTR');

    // Listed rows first, whatever order the check returned them in.
    const rows = checkPanel(result, 'Blocklists').getByRole('table', { name: 'Blocklist results' }).getByRole('row');
    expect(await rows.nth(1).textContent()).toMatch(/^192\.0\.2\.25.*listed.*Delisting: https:\/\/bl\.example\/delist/);
    expect(await rows.nth(2).textContent()).toMatch(/refused/);

    const smtp = checkPanel(result, 'SMTP');
    expect(await smtp.getByTestId('check-skipped').textContent()).toBe('Not checked: the SMTP probe was turned off for this audit (the “SMTP probe” box)');
    expect(await smtp.getByTestId('smtp-host').count()).toBe(0);
    const providers = checkPanel(result, 'Mailbox providers');
    await expectVisible(providers.getByTestId('check-error').getByText('the provider rules catalog could not be read'), 'the error');

    await page.context().close();
    page = await openStored(probed!);
    const probedView = await waitForResult(page, 'probed.test');
    const host = checkPanel(probedView, 'SMTP').getByTestId('smtp-host').filter({ hasText: 'mx1.full.test' }).first();
    expect(await host.textContent()).toMatch(/192\.0\.2\.25:25.*220 mx1\.full\.test ESMTP ready.*TLSv1\.3.*CN=Deliverlab Test CA/);
    const failed = checkPanel(probedView, 'SMTP').getByTestId('smtp-host').filter({ hasText: '[2001:db8::26]:25' });
    await expectVisible(failed.getByText('failed at connect'), 'the step the failed probe stopped at');
    // Whether STARTTLS is offered is unknown when the server never answered.
    expect(await failed.getByText('STARTTLS').count()).toBe(0);
    const cards = checkPanel(probedView, 'Mailbox providers').getByTestId('provider-scorecard');
    expect(await cards.count()).toBe(2);
    expect(await cards.first().textContent()).toMatch(/Gmail bulk senders.*1 of 3 requirements failed/);
    // What DNS cannot show is folded away until asked for.
    expect(await cards.first().getByText('not observable', { exact: true }).count()).toBe(0);
    await cards.first().getByRole('button', { name: 'Show 1 not observable from DNS' }).click();
    await expectVisible(cards.first().getByText('not observable', { exact: true }), 'a requirement the audit cannot see');
    // Failures come first.
    expect(await cards.first().locator('li').first().getAttribute('data-result')).toBe('fail');
  });

  it('shows only the checks an older stored audit carries', async () => {
    const [id] = storeResults(t.lab, [legacyResult()]);
    const page = await openStored(id!);
    const result = await waitForResult(page, LEGACY_DOMAIN);
    expect(await result.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Fix these first', 'MX', 'SPF', 'DMARC']);
    expect(await result.getByRole('navigation', { name: 'Checks' }).getByRole('button').count()).toBe(3);
    const spf = checkPanel(result, 'SPF');
    expect(await spf.getByTestId('spf-lookups').textContent()).toBe('1 of 10 DNS lookups');
    expect(await spf.getByTestId('spf-tree').count()).toBe(0);
    expect(await spf.getByTestId('spf-void-lookups').count()).toBe(0);
    expect(await checkPanel(result, 'MX').getByRole('columnheader', { name: 'Addresses' }).count()).toBe(0);
  });

  it('copies a fix to the clipboard', async () => {
    const [id] = storeResults(t.lab, [fullResult()]);
    const page = await openStored(id!);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.lab.origin });
    const item = finding(checkPanel(await waitForResult(page, FULL_DOMAIN), 'DKIM'), 'dkim.weak-key');
    const button = item.getByRole('button', { name: 'Copy fix' });
    await button.click();
    await expectVisible(item.getByRole('button', { name: 'Fix copied' }).getByText('Copied'), 'the copied state');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(DKIM_FIX);
  });
});
