/**
 * The Settings page against `deliverlab serve`: what it shows, what it refuses, what it keeps.
 */
import { describe, expect, it } from 'vitest';
import { auditDomain, checkPanel, expectVisible, useLab, waitForResult, type LabPage } from './harness';

const t = useLab();

async function openSettings(): Promise<LabPage> {
  const page = await t.open('#/audit');
  await page.getByRole('link', { name: 'Settings', exact: true }).click();
  await expectVisible(page.getByLabel('DNS resolver'), 'the DNS resolver box');
  return page;
}

describe('settings page', () => {
  it('shows the resolver serve was started with, and where the data lives', async () => {
    const page = await openSettings();
    expect(await page.getByLabel('DNS resolver').inputValue()).toBe(`127.0.0.1:${t.lab.dns.port}`);
    expect(await page.getByLabel('DNS timeout (ms)').inputValue()).toMatch(/^\d+$/);
    const about = page.getByRole('region', { name: 'About' });
    await expectVisible(about.getByText(t.lab.dataDir, { exact: false }), 'the history database path');
    await expectVisible(about.getByText(/^Deliverlab \d+\.\d+\.\d+/), 'the version');
  });

  it('refuses a resolver that is not an address, and says why', async () => {
    const page = await openSettings();
    await page.getByLabel('DNS resolver').fill('nonsense');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText(/"nonsense" is not a DNS server/), 'the validation message');
    expect(await page.getByLabel('DNS resolver').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Settings saved.').count()).toBe(0);

    // Nothing was stored.
    await page.reload();
    await expectVisible(page.getByLabel('DNS resolver'), 'the DNS resolver box after reload');
    expect(await page.getByLabel('DNS resolver').inputValue()).toBe(`127.0.0.1:${t.lab.dns.port}`);
  });

  it('keeps a saved resolver and timeout across a reload', async () => {
    const page = await openSettings();
    const resolver = `127.0.0.1:${t.lab.dns.port}, 192.0.2.53:5353`;
    await page.getByLabel('DNS resolver').fill(resolver);
    await page.getByLabel('DNS timeout (ms)').fill('1800');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText('Settings saved.'), 'the saved confirmation');

    await page.reload();
    await expectVisible(page.getByLabel('DNS resolver'), 'the DNS resolver box after reload');
    expect(await page.getByLabel('DNS resolver').inputValue()).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:${t.lab.dns.port},\\s*192\\.0\\.2\\.53:5353$`),
    );
    expect(await page.getByLabel('DNS timeout (ms)').inputValue()).toBe('1800');
  });

  it('keeps DKIM selectors that every audit then tries, and refuses one that is not a DNS label', async () => {
    const page = await openSettings();
    await page.getByLabel('DKIM selectors').fill('ed2026, not a label!');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText(/List DKIM selectors separated by commas/), 'the validation message');

    await page.getByLabel('DKIM selectors').fill('ed2026');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText('Settings saved.'), 'the saved confirmation');
    await page.reload();
    await expectVisible(page.getByLabel('DKIM selectors'), 'the DKIM selectors box after reload');
    expect(await page.getByLabel('DKIM selectors').inputValue()).toBe('ed2026');

    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await auditDomain(page, 'good.dkim.test');
    const dkim = checkPanel(await waitForResult(page, 'good.dkim.test'), 'DKIM');
    await expectVisible(dkim.getByRole('row').filter({ hasText: 'ed2026._domainkey' }), 'the key at the saved selector');
  });

  it('keeps the choice of storing analysed messages', async () => {
    const page = await openSettings();
    const toggle = page.getByRole('switch', { name: 'Keep a copy of analysed messages' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click({ force: true });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText('Settings saved.'), 'the saved confirmation');
    await page.reload();
    await expectVisible(page.getByRole('switch', { name: 'Keep a copy of analysed messages' }), 'the switch after reload');
    expect(await page.getByRole('switch', { name: 'Keep a copy of analysed messages' }).isChecked()).toBe(false);
  });

  it('keeps checking watches with the window closed only when turned on, and keeps that choice', async () => {
    const page = await openSettings();
    const name = 'Keep checking watches with the window closed';
    const toggle = page.getByRole('switch', { name });
    expect(await toggle.isChecked()).toBe(false);
    await toggle.click({ force: true });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expectVisible(page.getByText('Settings saved.'), 'the saved confirmation');
    await page.reload();
    await expectVisible(page.getByRole('switch', { name }), 'the switch after reload');
    expect(await page.getByRole('switch', { name }).isChecked()).toBe(true);
  });
});
