/**
 * Generating a DKIM key in the browser: the record to publish, copy buttons, a private key kept nowhere.
 */
import { describe, expect, it } from 'vitest';
import { expectVisible, useLab, type LabPage } from './harness';

const t = useLab();

async function openDkim(): Promise<LabPage> {
  const page = await t.open('#/dkim');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.lab.origin });
  await expectVisible(page.getByRole('heading', { name: 'DKIM keys' }), 'the DKIM keys page');
  return page;
}

async function generate(page: LabPage, domain: string, selector: string, type: string): Promise<void> {
  await page.getByLabel('Domain', { exact: true }).fill(domain);
  await page.getByLabel('Selector', { exact: true }).fill(selector);
  await page.getByText(type, { exact: true }).click();
  await page.getByRole('button', { name: 'Generate key' }).click();
}

const clipboard = (page: LabPage) => page.evaluate(() => navigator.clipboard.readText());

describe('DKIM key page', () => {
  it('makes an Ed25519 key and copies its record and its private key', async () => {
    const page = await openDkim();
    await generate(page, 'Example.test', 'ed2026', 'Ed25519');
    const key = page.getByTestId('dkim-key');
    await expectVisible(key, 'the generated key');
    expect(await key.getByTestId('dkim-record-name').textContent()).toBe('ed2026._domainkey.example.test');
    const record = (await key.getByTestId('dkim-record').textContent()) ?? '';
    expect(record).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    expect(await key.getByTestId('dkim-zone-line').textContent()).toMatch(/^ed2026\._domainkey\.example\.test\.\s+(\d+\s+)?IN\s+TXT/);
    await expectVisible(key.getByText(/Deliverlab does not store this key/), 'the shown-once warning');
    const pem = (await key.getByTestId('dkim-private-key').textContent()) ?? '';
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----$/);

    await key.getByRole('button', { name: 'Copy TXT record' }).click();
    await expectVisible(key.getByRole('button', { name: 'TXT record copied' }), 'the copied state');
    expect(await clipboard(page)).toBe(record);
    await key.getByRole('button', { name: 'Copy private key' }).click();
    expect((await clipboard(page)).trimEnd()).toBe(pem);

    // Kept nowhere: not in storage, and gone after leaving the page.
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(pem.split('\n')[1]);
    await page.getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('link', { name: 'DKIM keys', exact: true }).click();
    await expectVisible(page.getByRole('button', { name: 'Generate key' }), 'the DKIM page again');
    expect(await page.getByTestId('dkim-key').count()).toBe(0);
  });

  it('makes an RSA key, with the record split for DNS, and copies the zone line', async () => {
    const page = await openDkim();
    await generate(page, 'example.test', 's1', 'RSA 2048');
    const key = page.getByTestId('dkim-key');
    await expectVisible(key, 'the generated key', 20_000);
    const record = (await key.getByTestId('dkim-record').textContent()) ?? '';
    expect(record).toMatch(/^v=DKIM1; k=rsa; p=MII/);
    expect(record.length).toBeGreaterThan(255);
    const zone = (await key.getByTestId('dkim-zone-line').textContent()) ?? '';
    // A 2048-bit key does not fit one 255-byte string: the zone line carries several.
    expect(zone.match(/"[^"]*"/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    await expectVisible(key.getByText('RSA 2048-bit key for s1._domainkey.example.test'), 'the key title');
    await key.getByRole('button', { name: 'Copy zone file line' }).click();
    expect(await clipboard(page)).toBe(zone);
  });

  it('says what is wrong with a bad selector', async () => {
    const page = await openDkim();
    await generate(page, 'example.test', 'bad selector!', 'Ed25519');
    await expectVisible(page.getByText(/A DKIM selector is a DNS label/), 'the selector error');
    expect(await page.getByTestId('dkim-key').count()).toBe(0);
  });
});
