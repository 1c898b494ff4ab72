/**
 * Forms say what is wrong beside each field, all at once, in the words of the screen (no api field
 * paths, no CLI flags), as the user types once a field has been left; and nothing is sent meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { expectVisible, fieldError, useLab, type LabPage } from './harness';

const t = useLab();

/** The error text beside a field, or null when it shows none. */
async function shownError(page: LabPage, label: string): Promise<string | null> {
  const field = page.getByLabel(label, { exact: true });
  if ((await field.getAttribute('aria-invalid')) !== 'true') return null;
  return fieldError(field, label);
}

const INTERNAL = /\b(to|profile|dkim|raw|domain)\.\w|"\w+" must|--[a-z]|undefined|\[object Object\]/;

/** What the one domain rule says of a name without a dot, beside every domain field. */
const NODOT = 'Not a valid domain name: a domain name needs at least two labels, like example.com';

describe('forms check as the user types', () => {
  it('audit: every bad field at once, beside it, and no audit runs', async () => {
    const page = await t.open('#/audit');
    await page.getByRole('button', { name: 'DKIM selectors and sending IPs' }).click();
    await page.getByLabel('Domain', { exact: true }).fill('nodot');
    await page.getByLabel('DKIM selectors').fill('s1, bad!');
    await page.getByLabel('Sending IPs').fill('192.0.2.1, nope');
    await page.getByRole('button', { name: 'Run audit' }).click();
    expect(await fieldError(page.getByLabel('Domain', { exact: true }), 'Domain')).toBe(NODOT);
    expect(await fieldError(page.getByLabel('DKIM selectors'), 'DKIM selectors')).toMatch(/^List DKIM selectors separated by commas.*\(not a selector: bad!\)$/);
    expect(await fieldError(page.getByLabel('Sending IPs'), 'Sending IPs')).toBe('Not an IP address: nope');
    expect(await page.getByTestId('audit-progress').count()).toBe(0);

    // Fixing a field clears its message as it is typed, without submitting.
    await page.getByLabel('Sending IPs').fill('192.0.2.1');
    await expect.poll(() => shownError(page, 'Sending IPs'), { timeout: 5_000 }).toBeNull();
    expect(await shownError(page, 'Domain')).toBe(NODOT);
  });

  it('messages: a connecting IP that is not one is refused beside the field', async () => {
    const page = await t.open('#/messages');
    await page.getByRole('button', { name: 'Envelope' }).click();
    const ip = page.getByLabel('Connecting IP');
    await ip.fill('192.0.2.300');
    // Shown once the field is left, before any submit.
    await ip.blur();
    expect(await fieldError(ip, 'Connecting IP')).toBe('Not an IPv4 or IPv6 address');
    await page.getByLabel('Paste a message or its headers').fill('From: a@good.test\r\nSubject: x\r\n\r\nHi\r\n');
    await page.getByRole('button', { name: 'Analyse' }).click();
    expect(await page.getByTestId('message-result').count()).toBe(0);
    expect(await page.getByTestId('message-error').count()).toBe(0);
  });

  it('test send: the recipients named, every empty field marked, nothing sent', async () => {
    const page = await t.open('#/send');
    await page.getByLabel('Recipients').fill('bob, ann@good.test, carol@');
    await page.getByRole('button', { name: 'Send test' }).click();
    expect(await fieldError(page.getByLabel('Recipients'), 'Recipients')).toMatch(/^Not addresses: bob, carol@/);
    expect(await fieldError(page.getByLabel('Subject'), 'Subject')).toBe('Enter a subject');
    expect(await fieldError(page.getByRole('textbox', { name: 'HTML', exact: true }), 'HTML')).toBe('Paste or open the HTML to send');
    expect(await fieldError(page.getByLabel('SMTP profile'), 'SMTP profile')).toMatch(/^Choose an SMTP profile/);
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Nothing was sent: 4 fields need attention above.' }), 'the refusal');
    expect(await page.getByText(INTERNAL).count()).toBe(0);
    expect(await page.getByText('No test sends yet.').count()).toBe(1);
  });

  it('profiles and seeds: every missing field at once, and a variable the app may not read', async () => {
    const page = await t.open('#/profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('region', { name: 'New profile' });
    await form.getByLabel('Environment variable').fill('AWS_SECRET_ACCESS_KEY');
    await form.getByLabel('Envelope from (optional)').fill('bounces');
    await form.getByRole('button', { name: 'Save profile' }).click();
    expect(await fieldError(form.getByLabel('Profile name'), 'Profile name')).toBe('Enter a name for the profile');
    expect(await fieldError(form.getByLabel('From', { exact: true }), 'From')).toBe('Enter the From address');
    expect(await fieldError(form.getByLabel('Host', { exact: true }), 'Host')).toBe('Enter the server’s host name');
    expect(await fieldError(form.getByLabel('User', { exact: true }), 'User')).toBe('Enter the user name the server expects');
    expect(await fieldError(form.getByLabel('Envelope from (optional)'), 'Envelope from')).toBe('An address looks like name@example.com');
    expect(await fieldError(form.getByLabel('Environment variable'), 'Environment variable')).toMatch(/start with DELIVERLAB_/);
    expect(await form.getByText(INTERNAL).count()).toBe(0);
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await page.getByRole('table', { name: 'SMTP profiles' }).count()).toBe(0);

    await page.getByRole('link', { name: 'Seeds', exact: true }).click();
    await page.getByRole('button', { name: 'New seed' }).click();
    const seed = page.getByRole('region', { name: 'New seed' });
    await seed.getByLabel('Address', { exact: true }).fill('seed@nodot');
    await seed.getByLabel('Port', { exact: true }).fill('');
    await seed.getByRole('button', { name: 'Save seed' }).click();
    expect(await fieldError(seed.getByLabel('Seed name'), 'Seed name')).toBe('Enter a name for the seed');
    expect(await fieldError(seed.getByLabel('Address', { exact: true }), 'Address')).toBe('An address looks like name@example.com');
    expect(await fieldError(seed.getByLabel('Port', { exact: true }), 'Port')).toBe('Enter a port');
    expect(await fieldError(seed.getByLabel('Environment variable'), 'Environment variable')).toBe('Name the environment variable that holds the secret');
  });

  it('settings and DKIM keys: refused beside the field, nothing saved or made', async () => {
    const page = await t.open('#/settings');
    await expectVisible(page.getByLabel('DNS timeout (ms)'), 'the settings form');
    await page.getByLabel('DNS timeout (ms)').fill('');
    await page.getByLabel('DKIM selectors').fill('ok, not ok!');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    expect(await fieldError(page.getByLabel('DNS timeout (ms)'), 'DNS timeout')).toBe('A whole number of milliseconds from 200 to 30000');
    expect(await fieldError(page.getByLabel('DKIM selectors'), 'DKIM selectors')).toMatch(/^List DKIM selectors separated by commas.*\(not a selector: ok!\)$/);
    expect(await page.getByText('Settings saved.').count()).toBe(0);

    await page.getByRole('link', { name: 'DKIM keys', exact: true }).click();
    await expectVisible(page.getByRole('heading', { level: 1, name: 'DKIM keys' }), 'the DKIM keys page');
    await page.getByLabel('Domain', { exact: true }).fill('nodot');
    await page.getByLabel('Selector', { exact: true }).fill('bad selector!');
    await page.getByRole('button', { name: 'Generate key' }).click();
    expect(await fieldError(page.getByLabel('Domain', { exact: true }), 'Domain')).toBe(NODOT);
    expect(await fieldError(page.getByLabel('Selector', { exact: true }), 'Selector')).toBe('A DKIM selector is a DNS label like "s1" or "google"');
    expect(await page.getByTestId('dkim-key').count()).toBe(0);
  });

  // Last: the profile it saves would show in the profiles test's empty table.
  it('placement: the composer’s problems are refused beside their fields, and no run starts', async () => {
    const page = await t.open('#/profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('region', { name: 'New profile' });
    await form.getByLabel('Profile name').fill('placement-forms');
    await form.getByLabel('From', { exact: true }).fill('News <news@good.test>');
    await form.getByLabel('Host', { exact: true }).fill('smtp.good.test');
    await form.getByLabel('User', { exact: true }).fill('news@good.test');
    await form.getByLabel('Environment variable').fill('DELIVERLAB_FORMS_PASSWORD');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await expectVisible(page.getByRole('status').filter({ hasText: 'Profile placement-forms saved.' }), 'the saved profile');

    await page.getByRole('link', { name: 'Placement', exact: true }).click();
    await page.getByLabel('Subject').fill('Autumn sale');
    await page.getByRole('textbox', { name: 'HTML', exact: true }).fill('<p>Hello</p>');
    await page.getByRole('checkbox', { name: 'Sign with DKIM' }).check();
    await page.getByLabel('Signing domain (d=)').fill('nodot');
    await page.getByLabel('Selector (s=)').fill('bad selector!');
    await page.getByRole('button', { name: 'Start placement test' }).click();
    expect(await fieldError(page.getByLabel('Signing domain (d=)'), 'Signing domain')).toBe(NODOT);
    expect(await fieldError(page.getByLabel('Selector (s=)'), 'Selector')).toBe('A DKIM selector is a DNS label like "s1" or "google"');
    expect(await page.getByTestId('placement-board').count()).toBe(0);
  });
});
