/**
 * The app speaks its own language: where the command line's words name a flag (--ip, --resolver,
 * --ca-file, Node's --use-system-ca) or a command (deliverlab dkim-keygen), the app names its field, its page or what to
 * do instead; it shows no "undefined"; and a check that ran partly shows what it found under its
 * error. Real audits of the fixture zones, a real message analysis and a real TLS handshake.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorMessage } from '../../renderer/src/format';
import { makeSmtpCerts } from '../lab/smtp-certs';
import { startSmtpServer, type SmtpLabServer } from '../lab/smtp-server';
import { auditDomain, checkPanel, expectGone, expectNoInternals, expectVisible, finding, useLab, waitForResult } from './harness';

const t = useLab({ serveEnv: { DELIVERLAB_OWN_WORDS_PASSWORD: 'not used: the handshake fails first' } });

const FLAG = /(?<![\w-])--[a-z][a-z-]+/;
/** An api field path such as auth.passwordEnv. */
const API_PATH = /\bauth\.[a-z][A-Za-z0-9]*Env\b/;

/** Sent by a web form or a script: no Received header, no Return-Path; the receiver's verdict on top. */
const BARE = [
  'Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=good.test; dkim=none; dmarc=pass header.from=good.test',
  'From: News <news@good.test>',
  'To: reader@receiver.example',
  'Subject: Bare note',
  'Date: Mon, 7 Dec 2026 10:00:00 +0000',
  'Message-ID: <bare-1@good.test>',
  '',
  'Hello.',
  '',
].join('\r\n');

/** An RSA key receivers refuse (RFC 8301 §3.2: under 1024 bits). */
const SHORT_KEY = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const GOOD_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let smtp: SmtpLabServer | undefined;
/** Implicit TLS (IMAPS) with the same kind of certificate: the handshake fails before any IMAP. */
let imaps: { port: number; close(): Promise<void> } | undefined;

beforeAll(async () => {
  // A certificate no authority signed: the test connection fails at the TLS handshake.
  const certs = makeSmtpCerts(['mx.smtp.test']);
  smtp = await startSmtpServer({ mode: 'good', cert: certs.selfSigned });
  const server = createTlsServer({ key: certs.selfSigned.key, cert: certs.selfSigned.cert }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  imaps = { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
});

afterAll(async () => {
  await smtp?.close();
  await imaps?.close();
});

describe('the app speaks its own language', () => {
  it('a message without Received headers: the Authentication tab names the Connecting IP field and never shows undefined', async () => {
    const page = await t.open('#/messages');
    await page.getByLabel('Paste a message or its headers').fill(BARE);
    await page.getByRole('button', { name: 'Analyse' }).click();
    const result = page.getByTestId('message-result');
    await expectVisible(result, 'the analysis');

    const spf = result.getByRole('region', { name: 'SPF', exact: true });
    await expectVisible(spf.getByText('none: SPF was not evaluated (the connecting IP is unknown)'), 'why no domain was checked');
    await expectVisible(spf.getByText(/^Not evaluable: .*Enter it as Connecting IP \(under Envelope\) and analyse again/), 'what to do about it');
    const receiver = result.getByRole('table', { name: 'Receiver and our results' }).getByRole('row').filter({ hasText: /^spf/ });
    await expectVisible(receiver.getByText(/Enter it as Connecting IP \(under Envelope\) and analyse again to compare\./), 'the receiver note in the app’s words');
    expect(await result.innerText()).not.toMatch(FLAG);
    await expectNoInternals(page, 'the Authentication tab of a message without Received headers');
    // The providers' rules, with what the message cannot show unfolded: SPF needs the connecting IP.
    await result.getByRole('tab', { name: 'Provider rules' }).click();
    const show = result.getByRole('button', { name: /^Show \d+ not observable/ });
    for (let i = 0, n = await show.count(); i < n; i++) await show.first().click();
    await expectVisible(result.getByText(/Enter it as Connecting IP \(under Envelope\) to check it\./), 'the SPF rule in the app’s words');
    await expectNoInternals(page, 'the Provider rules tab of a message without Received headers');
    await result.getByRole('tab', { name: /^Authentication/ }).click();

    // The IP entered, but still no MAIL FROM and no HELO: there is still no domain to check.
    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    await page.getByLabel('Paste a message or its headers').fill(BARE);
    await page.getByRole('button', { name: 'Envelope' }).click();
    await page.getByLabel('Connecting IP').fill('192.0.2.9');
    await page.getByRole('button', { name: 'Analyse' }).click();
    await expectVisible(result.getByTestId('message-envelope').getByText(/IP 192\.0\.2\.9/), 'the analysis with the IP');
    await expectVisible(spf.getByText('none: no envelope sender (MAIL FROM) and no HELO name to check'), 'why no domain was checked');
    await expectNoInternals(page, 'the Authentication tab of a message with only a connecting IP');
  });

  it('an audit whose SPF include fails shows the error and, under it, the SPF tree with the failed include', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'provider.fail.test');
    const result = await waitForResult(page, 'provider.fail.test', 30_000);

    const spf = checkPanel(result, 'SPF');
    const error = spf.getByTestId('check-error');
    await expectVisible(error.getByText('Some lookups failed: this result is incomplete'), 'the partial-error title');
    await expectVisible(error.getByText('TXT servfail.spf.test: SERVFAIL'), 'the failed lookup');
    const tree = spf.getByTestId('spf-tree');
    await expectVisible(tree, 'the SPF tree under the error');
    const include = tree.locator('li[data-term="include:servfail.spf.test"]');
    await expectVisible(include.getByTestId('spf-branch-error').getByText(/^Branch not followed: .*SERVFAIL/), 'the include that failed');
    await expectVisible(finding(spf, 'spf.temperror'), 'the temperror finding');

    // The provider scorecards could judge some items: they show too, under their own error.
    const providers = checkPanel(result, 'Mailbox providers');
    await expectVisible(providers.getByTestId('check-error'), 'the providers error');
    await expectVisible(providers.getByTestId('provider-scorecard').first(), 'the scorecards under it');
    await expectNoInternals(page, 'an audit with an SPF include that failed');
  });

  it('a DMARC record whose walk above failed: the record under the error, and the error said once', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'own.oparent.fail.test');
    const dmarc = checkPanel(await waitForResult(page, 'own.oparent.fail.test', 30_000), 'DMARC');
    await expectVisible(dmarc.getByTestId('check-error').getByText(/the walk above the record failed: TXT _dmarc\.oparent\.fail\.test: SERVFAIL/), 'the error');
    await expectVisible(dmarc.getByText('v=DMARC1; p=reject; rua=mailto:dmarc@own.oparent.fail.test', { exact: true }), 'the record under it');
    expect(await dmarc.getByText(/the walk above the record failed/).count()).toBe(1);
  });

  it('reverse DNS with no MX address to look up points to the Sending IPs box, not --sending-ip', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'mxfail.fail.test');
    const ptr = checkPanel(await waitForResult(page, 'mxfail.fail.test', 30_000), 'Reverse DNS');
    const error = ptr.getByTestId('check-error');
    await expectVisible(error.getByText('This check could not run'), 'the error, with nothing under it');
    await expectVisible(error.getByText(/^the MX lookup failed \(ESERVFAIL\), and no sending IP was given: add the addresses this domain sends from in the Sending IPs box/), 'what to do in the app');
    await expectNoInternals(page, 'an audit whose MX lookup failed');
  });

  it('a domain without MX, audited with the SMTP probe off: the box is named, in the SMTP panel and in the providers’ rules', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'own.oparent.fail.test');
    const result = await waitForResult(page, 'own.oparent.fail.test', 30_000);
    expect(await checkPanel(result, 'SMTP').getByTestId('check-skipped').textContent()).toBe('Not checked: the SMTP probe was turned off for this audit (the “SMTP probe” box)');
    // What DNS cannot show is folded away: open it, so the internals check reads it too.
    const providers = checkPanel(result, 'Mailbox providers');
    const show = providers.getByRole('button', { name: /^Show \d+ not observable/ });
    const cards = await show.count();
    expect(cards).toBeGreaterThan(0);
    // Each click turns its button into "Hide": the first one left is the next card's.
    for (let i = 0; i < cards; i++) await show.first().click();
    await expectGone(show, 'the folded requirements');
    await expectVisible(providers.getByText(/The SMTP probe did not run: the SMTP probe was turned off for this audit \(the “SMTP probe” box\)\./), 'the TLS rule in the app’s words');
    await expectNoInternals(page, 'an audit of a domain without MX, the SMTP probe off');
  });

  it('blocklists that partly failed keep their table, and a rewriting resolver is pointed to Settings', async () => {
    const page = await t.open('#/audit');
    await auditDomain(page, 'refused.bl.test');
    const result = await waitForResult(page, 'refused.bl.test', 30_000);
    const blocklists = checkPanel(result, 'Blocklists');
    await expectVisible(blocklists.getByTestId('check-error').getByText(/UCEPROTECT Level 1: SERVFAIL/), 'the list that failed');
    await expectVisible(blocklists.getByRole('table', { name: 'Blocklist results' }), 'the lists that answered');
    const barracuda = blocklists.getByRole('listitem').filter({ hasText: 'Barracuda Reputation Block List did not answer' });
    await expectVisible(barracuda.getByTestId('finding-fix').getByText(/the DNS resolver under Settings/), 'the fix in the app’s words');
    expect(await blocklists.innerText()).not.toMatch(FLAG);
    await expectNoInternals(page, 'an audit whose blocklists partly failed');
  });

  it('an SMTP certificate no authority signed: says what to do without --ca-file', async () => {
    const page = await t.open('#/profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('region', { name: 'New profile' });
    await form.getByLabel('Profile name').fill('self-signed');
    await form.getByLabel('From', { exact: true }).fill('News <news@good.test>');
    await form.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(smtp?.port));
    await form.getByLabel('User', { exact: true }).fill('news@good.test');
    await form.getByLabel('Environment variable').fill('DELIVERLAB_OWN_WORDS_PASSWORD');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await expectVisible(page.getByRole('status').filter({ hasText: 'Profile self-signed saved.' }), 'the saved profile');

    await page.getByRole('button', { name: 'Test connection self-signed' }).click();
    const alert = page.getByRole('region', { name: 'Connection test for self-signed' }).getByTestId('send-error');
    await expectVisible(alert.getByText(/^The server's certificate is not signed by a certificate authority this machine trusts \(.*self[- ]signed.*\)\./), 'the TLS error', 20_000);
    await expectVisible(alert.getByText(/run deliverlab serve with the CA certificate file/), 'what to do in the app');
    expect(await alert.innerText()).not.toMatch(FLAG);
    await expectNoInternals(page, 'a connection test refused for its certificate');
  });

  it('a seed mailbox with a certificate no authority signed: the same words, without Node’s --use-system-ca', async () => {
    const page = await t.open('#/seeds');
    await page.getByRole('button', { name: 'New seed' }).click();
    const form = page.getByRole('region', { name: 'New seed' });
    await form.getByLabel('Seed name').fill('self-signed-seed');
    await form.getByLabel('Address', { exact: true }).fill('seed@good.test');
    await form.getByLabel('IMAP host').fill('127.0.0.1');
    await form.getByLabel('Security', { exact: true }).selectOption('tls');
    await form.getByLabel('Port', { exact: true }).fill(String(imaps?.port));
    await form.getByLabel('Environment variable').fill('DELIVERLAB_OWN_WORDS_PASSWORD');
    await form.getByRole('button', { name: 'Save seed' }).click();
    await expectVisible(page.getByRole('status').filter({ hasText: 'saved.' }), 'the saved seed');

    await page.getByRole('button', { name: 'Test connection self-signed-seed' }).click();
    const alert = page.getByRole('region', { name: 'Connection test for self-signed-seed' }).getByTestId('imap-error');
    await expectVisible(alert.getByText(/^The server's certificate is not signed by a certificate authority this machine trusts \(.*self[- ]signed.*\)\..*run deliverlab serve with the CA certificate file/), 'the TLS error', 20_000);
    expect(await alert.innerText()).not.toMatch(FLAG);
    await expectNoInternals(page, 'a seed test refused for its certificate');
  });

  it('a DKIM key too short to sign with: names the Generate key button and the DKIM keys page', async () => {
    const page = await t.open('#/send');
    await page.getByRole('checkbox', { name: 'Sign with DKIM' }).check();
    await page.getByLabel('Signing domain (d=)').fill('good.test');
    await page.getByLabel('Selector (s=)').fill('s2026');
    await page.getByLabel('Private key (PEM)').fill(SHORT_KEY);
    await page.getByRole('button', { name: 'Save key' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Key not saved' });
    await expectVisible(
      refused.getByText(/^The DKIM key is RSA with 512 bits: .*Make a 2048-bit key with Generate key \(under “Sign with DKIM”\) or the DKIM keys page, and publish its record\.$/),
      'the refusal in the app’s words',
    );
    expect(await refused.innerText()).not.toMatch(/dkim-keygen/);
  });

  it('serve keeps no secrets: the notice and a refused DKIM key name the form’s field, not auth.passwordEnv', async () => {
    const page = await t.open('#/profiles');
    const notice = page.getByTestId('secret-store-notice');
    await expectVisible(notice.getByText(/^This Deliverlab has no access to an operating-system keychain, so it stores no secrets: .*“Environment variable”/), 'the notice in the app’s words');
    expect(await notice.innerText()).not.toMatch(API_PATH);

    await page.getByRole('link', { name: 'Test send', exact: true }).click();
    await page.getByRole('checkbox', { name: 'Sign with DKIM' }).check();
    await page.getByLabel('Signing domain (d=)').fill('good.test');
    await page.getByLabel('Selector (s=)').fill('s2027');
    await page.getByLabel('Private key (PEM)').fill(GOOD_KEY);
    await page.getByRole('button', { name: 'Save key' }).click();
    const refused = page.getByRole('alert').filter({ hasText: 'Key not saved' });
    await expectVisible(refused.getByText('The secret was not saved. This Deliverlab has no access to an operating-system keychain, so it stores no secrets.'), 'why the key was not kept');
    expect(await refused.innerText()).not.toMatch(API_PATH);

    // A password sent with a profile anyway (the form offers no box for it here): refused with the
    // same cause, which the app words as it does above.
    const token = new URL(t.lab.url).searchParams.get('token') ?? '';
    const reply = await fetch(`${t.lab.origin}/api/smtp.save`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Deliverlab-Token': token },
      body: JSON.stringify({ profile: { name: 'typed', host: 'smtp.good.test', port: 587, security: 'starttls', from: 'news@good.test', auth: { user: 'news@good.test' } }, secret: 'hunter2-typed' }),
    });
    const body = (await reply.json()) as { ok: false; error: { reason?: string; params?: Record<string, string> } };
    expect(reply.status).toBe(400);
    expect(errorMessage(body.error)).toBe('The secret was not saved. This Deliverlab has no access to an operating-system keychain, so it stores no secrets.');
  });
});
