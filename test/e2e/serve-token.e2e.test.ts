/**
 * The serve token leaves the address bar as soon as the page has read it: not in the URL, not in the
 * browser's history, and the app still reaches serve, after a reload too.
 */
import { describe, expect, it } from 'vitest';
import { expectVisible, useLab } from './harness';

const t = useLab();

describe('the serve token in the browser', () => {
  it('is gone from the address bar and the history once the page has loaded, and a reload still works', async () => {
    const token = new URL(t.lab.url).searchParams.get('token');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const page = await t.open('#/settings');
    // Settings come from serve: seeing the resolver serve was started with proves the calls carry the token.
    await expectVisible(page.getByLabel('DNS resolver'), 'the DNS resolver box');
    expect(await page.getByLabel('DNS resolver').inputValue()).toBe(`127.0.0.1:${t.lab.dns.port}`);

    expect(page.url()).toBe(`${t.lab.origin}/#/settings`);
    const cdp = await page.context().newCDPSession(page);
    const { entries } = await cdp.send('Page.getNavigationHistory');
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.map((entry) => entry.url).filter((url) => url.includes(token as string))).toEqual([]);

    await page.reload();
    await expectVisible(page.getByLabel('DNS resolver'), 'the DNS resolver box after a reload');
    expect(await page.getByLabel('DNS resolver').inputValue()).toBe(`127.0.0.1:${t.lab.dns.port}`);
    expect(page.url()).toBe(`${t.lab.origin}/#/settings`);
  });

  it('is needed: a fresh tab opened without it is told to use the printed address', async () => {
    const page = await t.open('#/audit');
    await expectVisible(page.getByLabel('Domain', { exact: true }), 'the audit page');
    const fresh = await page.context().newPage();
    try {
      await fresh.goto(`${t.lab.origin}/`);
      await expectVisible(fresh.getByText(/needs the address that "deliverlab serve" printed/), 'the missing-token message');
    } finally {
      await fresh.close();
    }
  });
});
