/**
 * Accessibility of every page, in the light and the dark scheme: axe-core's WCAG 2 A and AA rules
 * (colour contrast included) with results showing (partial errors and a stored placement run among
 * them) and dialogs open, one h1 and its own title per page, the skip link first, and the wide
 * tables fitting a 1024-pixel window.
 */
import { describe, expect, it } from 'vitest';
import { auditDomain, expectNoAxeViolations, expectNoInternals, expectVisible, useLab, waitForResult, type LabPage } from './harness';
import { PLACEMENT_SUBJECT, placementRun, probedResult, storePlacementRun, storeResults } from './stored-results';

const t = useLab({ serveEnv: { DELIVERLAB_A11Y_PASSWORD: 'not used: nothing connects' } });

/** A delivered message with a path of three hops, as a mail client saves it. */
const MESSAGE = [
  'Return-Path: <bounces@good.test>',
  'Received: from mx.receiver.example (mx.receiver.example [192.0.2.20]) by inbox.receiver.example with LMTP; Mon, 7 Dec 2026 10:00:05 +0000',
  'Received: from out.good.test (out.good.test [198.51.100.7]) by mx.receiver.example with ESMTPS id 1 (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384); Mon, 7 Dec 2026 10:00:03 +0000',
  'Received: from app.internal (app.internal [10.0.0.5]) by out.good.test with ESMTP id 2; Mon, 7 Dec 2026 10:00:01 +0000',
  'From: News <news@good.test>',
  'To: reader@receiver.example',
  'Subject: Accessible autumn news',
  'Date: Mon, 7 Dec 2026 10:00:00 +0000',
  'Message-ID: <a11y-1@good.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<html><body><h1>Autumn</h1><p>Hello. <a href="https://good.test/offer">See the offer</a>.</p></body></html>',
  '',
].join('\r\n');

/**
 * A message as a web form or a script hands it over: no Received header and no Return-Path, so no
 * connecting IP and no envelope sender; the receiver's verdict is pasted on top. Its Authentication
 * tab is where the core's texts would ask for the command line's --ip.
 */
const BARE_MESSAGE = [
  'Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=good.test; dkim=none; dmarc=pass header.from=good.test',
  'From: News <news@good.test>',
  'To: reader@receiver.example',
  'Subject: Accessible bare note',
  'Date: Mon, 7 Dec 2026 10:00:00 +0000',
  'Message-ID: <a11y-2@good.test>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello.',
  '',
].join('\r\n');

const PAGES = ['#/home', '#/audit', '#/batch', '#/messages', '#/qa', '#/send', '#/placement', '#/profiles', '#/seeds', '#/reports', '#/health', '#/health/warmup', '#/history', '#/dkim', '#/settings'] as const;

async function go(page: LabPage, hash: string): Promise<void> {
  await page.goto(`${t.lab.url}${hash}`);
  await expectVisible(page.getByRole('heading', { level: 1 }), `the heading of ${hash}`);
  // Lists and forms load after the heading: wait for the loaders to go.
  await page.waitForFunction(() => document.querySelectorAll('.mantine-Loader-root').length === 0, undefined, { timeout: 10_000 });
}

let seeded = false;
let placementId = 0;

/** A profile, a seed, an analysed message with three hops, one without any, and a placement run, saved once for the file. */
async function seedData(page: LabPage): Promise<void> {
  if (seeded) return;
  seeded = true;
  await go(page, '#/profiles');
  await page.getByRole('button', { name: 'New profile' }).click();
  const form = page.getByRole('region', { name: 'New profile' });
  await form.getByLabel('Profile name').fill('a11y-work-submission-profile');
  await form.getByLabel('From', { exact: true }).fill('Accessible News Department <news@long-subdomain.good.test>');
  await form.getByLabel('Host', { exact: true }).fill('submission.long-mail-host-name.good.test');
  await form.getByLabel('User', { exact: true }).fill('newsletter-sender@long-subdomain.good.test');
  await form.getByLabel('Environment variable').fill('DELIVERLAB_A11Y_PASSWORD');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'saved.' }), 'the saved profile');

  await go(page, '#/seeds');
  await page.getByRole('button', { name: 'New seed' }).click();
  const seed = page.getByRole('region', { name: 'New seed' });
  await seed.getByLabel('Seed name').fill('a11y-seed');
  await seed.getByLabel('Address', { exact: true }).fill('seed@good.test');
  await seed.getByLabel('IMAP host').fill('imap.good.test');
  await seed.getByLabel('Environment variable').fill('DELIVERLAB_A11Y_PASSWORD');
  await seed.getByRole('button', { name: 'Save seed' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'saved.' }), 'the saved seed');

  await go(page, '#/messages');
  await page.getByLabel('Paste a message or its headers').fill(MESSAGE);
  await page.getByRole('button', { name: 'Analyse' }).click();
  await expectVisible(page.getByTestId('message-result'), 'the analysis');

  await go(page, '#/messages');
  await page.getByLabel('Paste a message or its headers').fill(BARE_MESSAGE);
  await page.getByRole('button', { name: 'Analyse' }).click();
  await expectVisible(page.getByTestId('message-result').getByRole('heading', { name: 'Accessible bare note' }), 'the analysis without Received headers');

  placementId = storePlacementRun(t.lab, placementRun());
}

/** Every tab of a stored analysis, through axe and the internals check. */
async function eachTab(page: LabPage, subject: string, scheme: string): Promise<void> {
  await go(page, '#/messages');
  await page.getByRole('link', { name: subject }).first().click();
  await expectVisible(page.getByTestId('message-result'), `the stored analysis "${subject}"`);
  for (const tab of await page.getByRole('tab').all()) {
    const name = await tab.textContent();
    await tab.click();
    await expectNoAxeViolations(page, `the analysis "${subject}", tab ${name} (${scheme})`);
    await expectNoInternals(page, `the analysis "${subject}", tab ${name} (${scheme})`);
  }
}

describe('accessibility', () => {
  it('gives every page its own title, one h1, and Skip to content as the first stop of Tab', async () => {
    const page = await t.open('#/audit');
    const titles = new Set<string>();
    for (const hash of PAGES) {
      await go(page, hash);
      const title = await page.title();
      expect(title).toMatch(/ · Deliverlab$/);
      titles.add(title);
      expect(await page.locator('h1').count(), `h1 on ${hash}`).toBe(1);
      expect(title.startsWith((await page.locator('h1').innerText()).split(' ')[0] ?? '?') || hash === '#/batch' || hash === '#/placement' || hash === '#/seeds').toBe(true);

      // Start Tab from the top of the document, as after loading the page (the Audit page focuses its Domain box).
      await page.evaluate(() => {
        document.body.tabIndex = -1;
        document.body.focus();
        document.body.removeAttribute('tabindex');
      });
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent), `first Tab stop on ${hash}`).toBe('Skip to content');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main-content');
      // The hash is the route: the skip link must not have navigated.
      expect(new URL(page.url()).hash).toBe(hash);
    }
    expect(titles.size).toBe(PAGES.length);
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes axe's WCAG 2 A and AA rules on every page and state, ${scheme} scheme`, async () => {
      const page = await t.open('#/audit', { colorScheme: scheme });
      await seedData(page);

      for (const hash of PAGES) {
        await go(page, hash);
        await expectNoAxeViolations(page, `${hash} (${scheme})`);
        await expectNoInternals(page, `${hash} (${scheme})`);
      }

      // Results showing: a fresh audit, and a stored one with every panel filled.
      await go(page, '#/audit');
      await auditDomain(page, 'bad.test');
      await waitForResult(page, 'bad.test');
      // "Fix these first" loaded and unfolded, so every item is checked.
      const fixFirst = page.getByRole('region', { name: 'Fix these first' });
      await expectVisible(fixFirst.getByTestId('fix-first-item').first(), 'the list of what to fix first');
      await fixFirst.getByRole('button', { name: /^Show all \d+$/ }).click();
      await expectNoAxeViolations(page, `an audit result (${scheme})`);
      await expectNoInternals(page, `an audit result (${scheme})`);
      // Audits that ended in error partly: an SPF include that fails (the tree shows under the error),
      // and blocklists where one list fails and another's answer is rewritten by the resolver.
      for (const domain of ['provider.fail.test', 'refused.bl.test']) {
        await go(page, '#/audit');
        await auditDomain(page, domain);
        await waitForResult(page, domain, 30_000);
        await expectNoAxeViolations(page, `an audit of ${domain} with a partial error (${scheme})`);
        await expectNoInternals(page, `an audit of ${domain} with a partial error (${scheme})`);
      }
      const [probed] = storeResults(t.lab, [probedResult()]);
      await go(page, `#/history/${probed}`);
      await waitForResult(page, 'probed.test');
      await expectVisible(page.getByTestId('fix-first-item').first(), 'the list of what to fix first in the stored audit');
      await page.getByRole('button', { name: /DNS queries/ }).click();
      await expectNoAxeViolations(page, `a stored audit with every panel (${scheme})`);
      await expectNoInternals(page, `a stored audit with every panel (${scheme})`);
      await page.getByRole('button', { name: 'Delete' }).click();
      await expectVisible(page.getByRole('dialog'), 'the delete dialog');
      await expectNoAxeViolations(page, `the delete dialog (${scheme})`);
      await expectNoInternals(page, `the delete dialog (${scheme})`);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

      // Forms with every problem showing.
      await go(page, '#/audit');
      await page.getByLabel('Domain', { exact: true }).fill('not a domain');
      await page.getByRole('button', { name: 'Run audit' }).click();
      await expectNoAxeViolations(page, `the audit form refusing a domain (${scheme})`);
      await expectNoInternals(page, `the audit form refusing a domain (${scheme})`);
      await go(page, '#/send');
      await page.getByRole('button', { name: 'Send test' }).click();
      await expectVisible(page.getByText(/fields? needs? attention/), 'the refused send');
      await expectNoAxeViolations(page, `the send form with its problems (${scheme})`);
      await expectNoInternals(page, `the send form with its problems (${scheme})`);
      await go(page, '#/profiles');
      await page.getByRole('button', { name: 'New profile' }).click();
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expectNoAxeViolations(page, `the profile form with its problems (${scheme})`);
      await expectNoInternals(page, `the profile form with its problems (${scheme})`);
      await page.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('button', { name: 'Delete a11y-work-submission-profile' }).click();
      await expectVisible(page.getByRole('dialog'), 'the delete dialog');
      await expectNoAxeViolations(page, `the profile delete dialog (${scheme})`);
      await expectNoInternals(page, `the profile delete dialog (${scheme})`);
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await go(page, '#/batch');
      await page.getByRole('checkbox', { name: 'SMTP probe' }).setChecked(false);
      await page.getByLabel('Domains').fill('good.test\nbad.test\nnot a domain\n');
      await page.getByRole('button', { name: 'Run batch' }).click();
      await expectVisible(page.getByText(/^Batch finished/), 'the finished batch', 30_000);
      await expectNoAxeViolations(page, `batch results (${scheme})`);
      await expectNoInternals(page, `batch results (${scheme})`);
      await go(page, '#/dkim');
      await page.getByLabel('Domain', { exact: true }).fill('good.test');
      await page.getByLabel('Selector', { exact: true }).fill('a11y');
      await page.getByRole('button', { name: 'Generate key' }).click();
      await expectVisible(page.getByTestId('dkim-key'), 'the generated key', 60_000);
      await expectNoAxeViolations(page, `a generated DKIM key (${scheme})`);
      await expectNoInternals(page, `a generated DKIM key (${scheme})`);

      // A message analysis, tab by tab; and one without Received headers (no IP, no envelope).
      await eachTab(page, 'Accessible autumn news', scheme);
      await eachTab(page, 'Accessible bare note', scheme);

      // A stored placement run, with a copy in every place and a seed that failed.
      await go(page, `#/placement/${placementId}`);
      await expectVisible(page.getByTestId('placement-run').getByText(PLACEMENT_SUBJECT), 'the stored placement run');
      await expectNoAxeViolations(page, `a stored placement run (${scheme})`);
      await expectNoInternals(page, `a stored placement run (${scheme})`);
    }, 180_000);
  }

  it('fits the Profiles actions and the Hops table into a 1024-pixel window', async () => {
    const page = await t.open('#/audit');
    await seedData(page);
    await page.setViewportSize({ width: 1024, height: 800 });
    await go(page, '#/profiles');
    const table = page.getByRole('table', { name: 'SMTP profiles' });
    await expectVisible(table, 'the profiles table');
    const fits = (selector: string) =>
      page.evaluate((sel) => {
        const el = document.querySelector(sel);
        const box = el?.closest('.mantine-Table-scrollContainer, .mantine-ScrollArea-viewport') ?? el?.parentElement;
        return { scroll: box?.scrollWidth ?? -1, client: box?.clientWidth ?? 0, page: document.documentElement.scrollWidth, window: window.innerWidth };
      }, selector);
    const profiles = await fits('table[aria-label="SMTP profiles"]');
    expect(profiles.scroll).toBeLessThanOrEqual(profiles.client);
    expect(profiles.page).toBeLessThanOrEqual(profiles.window);
    const actions = table.getByRole('button', { name: 'Delete a11y-work-submission-profile' });
    const box = await actions.boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(1024);

    await go(page, '#/messages');
    await page.getByRole('link', { name: 'Accessible autumn news' }).first().click();
    await page.getByRole('tab', { name: /Hops/ }).click();
    await expectVisible(page.getByRole('table', { name: 'Hops' }), 'the hops table');
    const hops = await fits('table[aria-label="Hops"]');
    expect(hops.scroll).toBeLessThanOrEqual(hops.client);
    expect(hops.page).toBeLessThanOrEqual(hops.window);
  });
});
