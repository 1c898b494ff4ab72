/**
 * SMTP profiles, seeds, a test send and a live placement run, driven in Chromium against
 * `deliverlab serve` with the mail lab (Postfix + Dovecot on 127.0.0.1) behind it.
 *
 * serve has no keychain, so every secret comes from an environment variable set here before serve
 * starts (it inherits this process's environment), and the lab's CA is trusted through
 * NODE_EXTRA_CA_CERTS. Seeds used: seed15 (test-send recipient), seed16 and seed17 (placement),
 * seed18 (a refused login, and a mailbox watched for copies sent to seed15, which never arrive there);
 * every probe is deleted afterwards or carries this run's unique token.
 */
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { confirmDelete, expectGone, expectVisible, fieldError, screenshot, useLab, type LabPage } from './harness';

// The mail lab must be up: a missing lab is a failure that names the start command, never a skip.
const lab = readMailLab();
const seed = (n: number): MailLabUser => {
  const user = lab.seeds[n - 1];
  if (!user) throw new Error(`the mail lab has no seed${n}`);
  return user;
};
const run = randomUUID().slice(0, 8);
const SEND_SUBJECT = `Deliverlab e2e send ${run}`;
const PLACEMENT_SUBJECT = `Deliverlab e2e placement ${run}`;

// Read by serve when it starts (useLab's beforeAll spawns it with this process's environment).
process.env.NODE_EXTRA_CA_CERTS = lab.caPath;
process.env.DELIVERLAB_E2E_SMTP_PASSWORD = lab.sender.password;
process.env.DELIVERLAB_E2E_SMTP_WRONG = 'not-the-password';
process.env.DELIVERLAB_E2E_SEED16_PASSWORD = seed(16).password;
process.env.DELIVERLAB_E2E_SEED17_PASSWORD = seed(17).password;
process.env.DELIVERLAB_E2E_SEED18_WRONG = 'not-the-password';
process.env.DELIVERLAB_E2E_SEED18_PASSWORD = seed(18).password;
delete process.env.DELIVERLAB_E2E_UNSET_VARIABLE;

const t = useLab();

afterAll(async () => {
  // The test send to seed15: delete it by its unique subject.
  const client = new ImapFlow({
    host: lab.host,
    port: lab.ports.imaps,
    secure: true,
    auth: { user: seed(15).user, pass: seed(15).password },
    tls: { ca: [lab.caPem], servername: lab.hostname },
    logger: false,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
  });
  try {
    await client.connect();
    for (const folder of ['INBOX', 'Junk']) {
      await client.mailboxOpen(folder);
      const uids = await client.search({ subject: run }, { uid: true });
      if (uids && uids.length > 0) await client.messageDelete(uids, { uid: true });
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
}, 20_000);

async function open(hash: string, colorScheme: 'light' | 'dark' = 'light'): Promise<LabPage> {
  const page = await t.open(hash, { colorScheme });
  await expectVisible(page.getByRole('heading', { level: 1 }), 'the page heading');
  return page;
}

async function saveProfile(page: LabPage, p: { name: string; user: string; variable: string; port?: number; security?: string }): Promise<void> {
  await page.getByRole('button', { name: 'New profile' }).click();
  const form = page.getByRole('region', { name: 'New profile' });
  await form.getByLabel('Profile name').fill(p.name);
  await form.getByLabel('From', { exact: true }).fill(`Lab Sender <${lab.sender.user}>`);
  await form.getByLabel('Host', { exact: true }).fill(lab.host);
  if (p.security) await form.getByLabel('Security', { exact: true }).selectOption(p.security);
  await form.getByLabel('Port', { exact: true }).fill(String(p.port ?? lab.ports.submission));
  await form.getByLabel('User', { exact: true }).fill(p.user);
  await form.getByLabel('Environment variable').fill(p.variable);
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: `Profile ${p.name} saved.` }), `the saved confirmation for ${p.name}`);
}

function profileRow(page: LabPage, name: string) {
  return page.getByRole('table', { name: 'SMTP profiles' }).getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

async function saveSeed(page: LabPage, n: number, variable: string): Promise<void> {
  await page.getByRole('button', { name: 'New seed' }).click();
  const form = page.getByRole('region', { name: 'New seed' });
  await form.getByLabel('Seed name').fill(`seed${n}`);
  await form.getByLabel('Address', { exact: true }).fill(seed(n).user);
  await form.getByLabel('Provider', { exact: true }).selectOption('other');
  await form.getByLabel('IMAP host').fill(lab.host);
  await form.getByLabel('Security', { exact: true }).selectOption('tls');
  await form.getByLabel('Port', { exact: true }).fill(String(lab.ports.imaps));
  await form.getByLabel('Environment variable').fill(variable);
  await form.getByRole('button', { name: 'Save seed' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: `Seed seed${n} saved.` }), `the saved confirmation for seed${n}`);
}

function seedRow(page: LabPage, name: string) {
  return page.getByRole('table', { name: 'Seed mailboxes' }).getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
}

/** The composer's fields, on the send or the placement page. */
async function compose(page: LabPage, subject: string): Promise<void> {
  await page.getByLabel('SMTP profile').selectOption('lab-submission');
  await page.getByLabel('Subject').fill(subject);
  await page.getByRole('textbox', { name: 'HTML', exact: true }).fill(`<html><body><h1>Spring sale</h1><p>Hello from run ${run}.</p><img src="https://images.example.test/pixel.png" alt="pixel"></body></html>`);
}

describe('SMTP profiles', () => {
  it('says why serve cannot store passwords, and saves profiles that read an environment variable', async () => {
    const page = await open('#/profiles');
    const notice = page.getByTestId('secret-store-notice');
    await expectVisible(notice.getByText('Passwords cannot be stored here'), 'the secret store notice');
    await expectVisible(notice.getByText(/no access to an operating-system keychain/), 'the reason from secrets.status');

    // No password box is offered: only the variable's name, with the reason next to it.
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('region', { name: 'New profile' });
    expect(await form.getByLabel('Password or app password').count()).toBe(0);
    await expectVisible(form.getByText(/keychain is unavailable here/), 'why only a variable can be named');
    // Security "none" shows its warning before anything is saved.
    expect(await form.getByTestId('no-encryption-warning').count()).toBe(0);
    await form.getByLabel('Security', { exact: true }).selectOption('none');
    await expectVisible(form.getByTestId('no-encryption-warning').getByText(/clear text/), 'the no-encryption warning');
    // Saving without naming the variable is refused at the field.
    await form.getByLabel('Profile name').fill('incomplete');
    await form.getByRole('button', { name: 'Save profile' }).click();
    await expectVisible(form.getByText('Name the environment variable that holds the secret'), 'the missing-variable message');
    await form.getByRole('button', { name: 'Cancel' }).click();

    await saveProfile(page, { name: 'lab-submission', user: lab.sender.user, variable: 'DELIVERLAB_E2E_SMTP_PASSWORD' });
    await saveProfile(page, { name: 'lab-wrong-password', user: lab.sender.user, variable: 'DELIVERLAB_E2E_SMTP_WRONG' });
    await saveProfile(page, { name: 'lab-unset-variable', user: lab.sender.user, variable: 'DELIVERLAB_E2E_UNSET_VARIABLE' });

    await expectVisible(profileRow(page, 'lab-submission').getByText('from $DELIVERLAB_E2E_SMTP_PASSWORD'), 'the "from $VAR" badge');
    await expectVisible(profileRow(page, 'lab-unset-variable').getByText('missing $DELIVERLAB_E2E_UNSET_VARIABLE'), 'the "missing" badge');
    expect(await profileRow(page, 'incomplete').count()).toBe(0);
  });

  it('refuses an invalid profile, and says beside each field what is wrong', async () => {
    const page = await open('#/profiles');
    await page.getByRole('button', { name: 'New profile' }).click();
    const form = page.getByRole('region', { name: 'New profile' });
    await form.getByLabel('Profile name').fill('bad-from');
    await form.getByLabel('From', { exact: true }).fill('no address here');
    await form.getByLabel('Host', { exact: true }).fill(lab.host);
    await form.getByLabel('User', { exact: true }).fill(lab.sender.user);
    await form.getByLabel('Environment variable').fill('DELIVERLAB_E2E_SMTP_PASSWORD');
    await form.getByRole('button', { name: 'Save profile' }).click();
    expect(await fieldError(form.getByLabel('From', { exact: true }), 'the From box')).toMatch(/An address, or Name <address>/);
    // Nothing reached the api, so no message names its fields.
    expect(await form.getByText(/"from"|profile "/).count()).toBe(0);
    await form.getByRole('button', { name: 'Cancel' }).click();
    expect(await profileRow(page, 'bad-from').count()).toBe(0);
  });

  it('tests a connection: STARTTLS and AUTH with a readable transcript, the password never shown', async () => {
    const page = await open('#/profiles');
    await page.getByRole('button', { name: 'Test connection lab-submission' }).click();
    const report = page.getByRole('region', { name: 'Connection test for lab-submission' });
    await expectVisible(report.getByText('connected and logged in'), 'the successful test', 20_000);
    const transcript = report.getByRole('log', { name: 'SMTP transcript' });
    await expectVisible(transcript, 'the transcript');
    const text = await transcript.innerText();
    expect(text).toMatch(/^\s*\d+ ms {2}S: 220 /m);
    expect(text).toMatch(/\d+ ms {2}C: EHLO /);
    expect(text).toMatch(/C: STARTTLS/);
    expect(text).toMatch(/C: AUTH PLAIN \/\* secret \*\//);
    expect(text).toMatch(/S: 235 /);
    expect(text).not.toContain(lab.sender.password);
    await screenshot(page, 'profiles-light');
  });

  it('explains a refused login and a variable that is not set', async () => {
    const page = await open('#/profiles');
    await page.getByRole('button', { name: 'Test connection lab-wrong-password' }).click();
    const report = page.getByRole('region', { name: 'Connection test for lab-wrong-password' });
    await expectVisible(report.getByText('The server refused the login'), 'the auth error title', 20_000);
    await expectVisible(report.getByText(/user name or password is wrong/), 'the explanation');
    await expectVisible(report.getByText(/EAUTH/), 'the error code');

    await page.getByRole('button', { name: 'Test connection lab-unset-variable' }).click();
    await expectVisible(
      page.getByRole('alert').filter({ hasText: /DELIVERLAB_E2E_UNSET_VARIABLE, which is not set/ }),
      'the unset-variable explanation',
    );
  });
});

describe('seed mailboxes', () => {
  it('saves seeds, tests one (capabilities, IDLE, folders and roles) and keeps a role override', async () => {
    const page = await open('#/seeds');
    await expectVisible(page.getByTestId('secret-store-notice').getByText('Passwords cannot be stored here'), 'the secret store notice');
    await saveSeed(page, 16, 'DELIVERLAB_E2E_SEED16_PASSWORD');
    await saveSeed(page, 17, 'DELIVERLAB_E2E_SEED17_PASSWORD');
    await saveSeed(page, 18, 'DELIVERLAB_E2E_SEED18_WRONG');
    await expectVisible(seedRow(page, 'seed16').getByText('from $DELIVERLAB_E2E_SEED16_PASSWORD'), 'the seed secret badge');

    await page.getByRole('button', { name: 'Test connection seed16' }).click();
    const report = page.getByRole('region', { name: 'Connection test for seed16' });
    await expectVisible(report.getByText('logged in', { exact: true }), 'the successful seed test', 20_000);
    await expectVisible(report.getByTestId('capabilities').getByText('IDLE', { exact: true }), 'the IDLE capability');
    const idle = report.getByText('IDLE (instant notice of new mail)').locator('..');
    await expectVisible(idle.getByText('yes', { exact: true }), 'IDLE: yes');
    const gmail = report.getByText('Gmail extensions (labels, categories)').locator('..');
    await expectVisible(gmail.getByText('no', { exact: true }), 'Gmail: no');
    const junkRow = report.getByRole('table', { name: 'Folders' }).getByRole('row').filter({ has: page.getByRole('cell', { name: 'Junk', exact: true }) });
    await expectVisible(junkRow.getByText('junk', { exact: true }), 'the Junk folder with its detected role');
    await expectVisible(junkRow.getByText('SPECIAL-USE flag'), 'where the role came from');

    // Override: name the Junk folder by hand; the list then says one role was chosen.
    const roles = report.getByRole('region', { name: 'Folder roles' });
    await roles.getByLabel('Junk / spam').selectOption('Junk');
    await roles.getByRole('button', { name: 'Save folder roles' }).click();
    await expectVisible(roles.getByText('Folder roles saved.'), 'the saved roles');
    await expectVisible(seedRow(page, 'seed16').getByText('1 chosen'), 'the override in the seed list');
    await screenshot(page, 'seeds-light');
  });

  it('explains a refused IMAP login, and deletes the seed', async () => {
    const page = await open('#/seeds');
    await page.getByRole('button', { name: 'Test connection seed18' }).click();
    const report = page.getByRole('region', { name: 'Connection test for seed18' });
    await expectVisible(report.getByText('failed', { exact: true }), 'the failed seed test', 20_000);
    await expectVisible(report.getByTestId('imap-error').getByText('The mailbox refused the login'), 'the IMAP auth error');

    await page.getByRole('button', { name: 'Delete seed18' }).click();
    await confirmDelete(page, 'Delete seed seed18?');
    await expectVisible(seedRow(page, 'seed17'), 'the remaining seeds');
    await expectGone(seedRow(page, 'seed18'), 'the deleted seed18 row');
  });
});

describe('test send', () => {
  it('sends through the lab: accepted, with the queue id, headers added in one click, and the transcript', async () => {
    const page = await open('#/send');
    // Any request towards a non-loopback address is recorded and aborted: the preview must make none.
    const outbound: string[] = [];
    await page.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        outbound.push(route.request().url());
        return route.abort();
      },
    );
    await page.getByLabel('Recipients').fill(seed(15).user);
    await compose(page, SEND_SUBJECT);
    await page.getByRole('button', { name: 'Add List-Unsubscribe + One-Click' }).click();
    await expect.poll(() => page.getByLabel('Header 1 name').inputValue()).toBe('List-Unsubscribe');
    expect(await page.getByLabel('Header 1 value').inputValue()).toBe(`<mailto:unsubscribe@${lab.domain}?subject=unsubscribe>, <https://${lab.domain}/unsubscribe?id=TEST>`);
    expect(await page.getByLabel('Header 2 name').inputValue()).toBe('List-Unsubscribe-Post');
    expect(await page.getByLabel('Header 2 value').inputValue()).toBe('List-Unsubscribe=One-Click');

    // The preview: a sandboxed frame with remote images blocked by its own policy.
    await page.getByText('Preview', { exact: true }).click();
    const frame = page.getByTestId('compose-preview');
    await expectVisible(frame, 'the preview frame');
    expect(await frame.getAttribute('sandbox')).toBe('');
    const srcdoc = (await frame.getAttribute('srcdoc')) ?? '';
    expect(srcdoc).toContain('img-src data:"');
    await expectVisible(page.frameLocator('[data-testid="compose-preview"]').getByRole('heading', { name: 'Spring sale' }), 'the preview content');
    // The remote image was refused by the frame's policy before any request left (Chromium logs the refusal).
    await expect.poll(() => page.problems.some((p) => /Content Security Policy/.test(p) && /images\.example\.test/.test(p))).toBe(true);
    for (const report of page.problems.filter((p) => /Content Security Policy/.test(p) && /images\.example\.test/.test(p))) page.problems.splice(page.problems.indexOf(report), 1);
    expect(outbound).toEqual([]);

    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByRole('region', { name: 'Test send', exact: true });
    await expectVisible(result.getByText('accepted', { exact: true }).first(), 'the accepted send', 20_000);
    const queueId = (await result.getByTestId('queue-id').innerText()).trim();
    expect(queueId).toMatch(/^[A-Za-z0-9]+$/);
    const recipient = result.getByRole('table', { name: 'Recipients' }).getByRole('row').filter({ hasText: seed(15).user });
    await expectVisible(recipient.getByText('accepted'), 'the recipient accepted');
    await expectVisible(recipient.getByText(/^250 /), 'the RCPT reply');
    await result.getByRole('button', { name: /Show the SMTP transcript/ }).click();
    const transcript = await result.getByRole('log', { name: 'SMTP transcript' }).innerText();
    expect(transcript).toMatch(/C: DATA/);
    expect(transcript).toContain(`queued as ${queueId}`);
    await screenshot(page, 'send-light');

    // Kept in history: listed below and openable.
    const past = page.getByRole('table', { name: 'Past test sends' }).getByRole('row').filter({ hasText: SEND_SUBJECT });
    await expectVisible(past, 'the send in the history list');
    await expectVisible(past.getByText(queueId), 'its queue id in the list');
  });

  it('explains a refused login in words, with the server reply', async () => {
    const page = await open('#/send');
    await page.getByLabel('Recipients').fill(seed(15).user);
    await compose(page, `${SEND_SUBJECT} refused`);
    await page.getByLabel('SMTP profile').selectOption('lab-wrong-password');
    await page.getByRole('button', { name: 'Send test' }).click();
    const result = page.getByRole('region', { name: 'Test send', exact: true });
    await expectVisible(result.getByText('not sent'), 'the failed send', 20_000);
    await expectVisible(result.getByTestId('send-error').getByText('The server refused the login'), 'the explanation title');
    await expectVisible(result.getByTestId('send-error').getByText(/535/), 'the server reply');
    expect(await result.getByTestId('queue-id').innerText()).toBe('—');
  });
});

describe('DKIM for test sends', () => {
  it('says why serve cannot keep a DKIM key, and refuses to send signed without one', async () => {
    const page = await open('#/send');
    await page.getByLabel('Recipients').fill(seed(15).user);
    await compose(page, `${SEND_SUBJECT} dkim`);
    // An HTML file opened from disk replaces the pasted HTML (read in the page, nothing uploaded elsewhere).
    await page.locator('input[type="file"]').setInputFiles({ name: 'design.html', mimeType: 'text/html', buffer: Buffer.from('<html><body><h2>From a file</h2></body></html>') });
    await expectVisible(page.getByRole('status').filter({ hasText: 'Opened design.html.' }), 'the opened file');
    expect(await page.getByRole('textbox', { name: 'HTML', exact: true }).inputValue()).toBe('<html><body><h2>From a file</h2></body></html>');
    await page.getByLabel('Sign with DKIM').check();
    expect(await page.getByLabel('Signing domain (d=)').inputValue()).toBe(lab.domain);
    await page.getByLabel('Selector (s=)').fill('e2e');
    await page.getByRole('button', { name: 'Generate key' }).click();
    await expectVisible(
      page.getByRole('alert').filter({ hasText: 'No key was generated and saved' }).getByText(/no access to an operating-system keychain/),
      'why the key was not kept',
    );
    await page.getByRole('button', { name: 'Send test' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Nothing was sent' }).getByText(/No DKIM key is saved for e2e\._domainkey\.lab\.test/), 'the missing-key explanation');
    expect(await page.getByRole('region', { name: 'Test send', exact: true }).count()).toBe(0);
  });
});

/** A seed watching seed18's mailbox for copies sent to seed15: they never arrive where it looks. */
async function saveElsewhereSeed(page: LabPage): Promise<void> {
  await page.goto(`${t.lab.url}#/seeds`);
  if ((await seedRow(page, 'elsewhere').count()) > 0) return;
  await page.getByRole('button', { name: 'New seed' }).click();
  const form = page.getByRole('region', { name: 'New seed' });
  await form.getByLabel('Seed name').fill('elsewhere');
  await form.getByLabel('Address', { exact: true }).fill(seed(15).user);
  await form.getByLabel('IMAP host').fill(lab.host);
  await form.getByLabel('Port', { exact: true }).fill(String(lab.ports.imaps));
  await form.getByLabel('User', { exact: true }).fill(seed(18).user);
  await form.getByLabel('Environment variable').fill('DELIVERLAB_E2E_SEED18_PASSWORD');
  await form.getByRole('button', { name: 'Save seed' }).click();
  await expectVisible(page.getByRole('status').filter({ hasText: 'Seed elsewhere saved.' }), 'the saved seed');
}

/** On the placement page: only the named seeds checked. */
async function chooseOnly(page: LabPage, names: string[]): Promise<void> {
  const group = page.getByRole('group', { name: 'Seeds' });
  await expectVisible(group.getByText('seed16 (other)'), 'the seed choice');
  for (const box of await group.getByRole('checkbox').all()) {
    const label = (await box.getAttribute('value')) ?? '';
    await box.setChecked(names.includes(label), { force: true });
  }
}

describe('inbox placement', () => {
  it('fills the board in live: both seeds switch to inbox with a latency; the run opens from history', async () => {
    const page = await open('#/placement');
    await compose(page, PLACEMENT_SUBJECT);
    // A verdict header of our own (not X-Spam-Flag: YES, which the lab files as Junk), to read back on the board.
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header 1 name').fill('X-Spam-Status');
    await page.getByLabel('Header 1 value').fill(`No, score=0.1 run=${run}`);
    const seeds = page.getByRole('group', { name: 'Seeds' });
    await expectVisible(seeds.getByLabel('seed16 (other)'), 'the seed choice');
    expect(await seeds.getByLabel('seed16 (other)').isChecked()).toBe(true);
    expect(await seeds.getByLabel('seed17 (other)').isChecked()).toBe(true);
    expect(await page.getByLabel('Deadline (minutes)').inputValue()).toBe('10');
    await page.getByLabel('Deadline (minutes)').fill('1');
    await page.getByLabel('Delete the probe copies afterwards').check();

    // Record every state the rows pass through, to tell a live board from one drawn at the end.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const record = () => {
        const board = document.querySelector('[data-testid="placement-board"]');
        if (!board) return;
        const status = board.getAttribute('data-status');
        for (const row of board.querySelectorAll('tr[data-seed]')) {
          const entry = `${status}|${row.getAttribute('data-seed')}|${row.getAttribute('data-placement')}`;
          if (seen[seen.length - 1] !== entry && !seen.includes(entry)) seen.push(entry);
        }
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByRole('button', { name: 'Start placement test' }).click();
    const board = page.getByTestId('placement-board');
    await expectVisible(board, 'the board');
    const row = (name: string) => board.getByRole('table', { name: 'Placement per seed' }).locator(`tr[data-seed="${name}"]`);
    await expectVisible(row('seed16').getByText('inbox', { exact: true }), 'seed16 in the inbox', 30_000);
    await expectVisible(row('seed17').getByText('inbox', { exact: true }), 'seed17 in the inbox', 30_000);
    await expectVisible(board.getByText('finished', { exact: true }), 'the finished run', 30_000);

    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    // Live: each row was seen waiting while the run was running, and one reached inbox before the end.
    expect(seen).toContain('running|seed16|pending');
    expect(seen).toContain('running|seed17|pending');
    expect(seen.some((e) => /^running\|seed1[67]\|inbox$/.test(e))).toBe(true);

    for (const name of ['seed16', 'seed17']) {
      expect(await row(name).getByTestId('latency').innerText()).toMatch(/^\d+(\.\d+)? (ms|s)$/);
      await expectVisible(row(name).getByText('INBOX', { exact: true }), `${name}'s folder`);
    }
    const summary = board.getByTestId('placement-summary');
    await expectVisible(summary.getByText('100%'), 'the inbox share');
    expect(await summary.getByTestId('median-latency').innerText()).toMatch(/^\d+(\.\d+)? (ms|s)$/);
    await expectVisible(board.getByText('seed16: deleted'), 'the clean-up of seed16');
    await expectVisible(board.getByText('seed17: deleted'), 'the clean-up of seed17');

    await board.getByRole('button', { name: 'Details for seed16' }).click();
    // The lab's Postfix writes no Authentication-Results on authenticated submissions: the section
    // says so; the spam headers show the delivered copy's X-Spam-Status.
    await expectVisible(board.getByText(/^Found (by IDLE push|by a search|already there)/), 'how and when the copy was found');
    await expectVisible(board.getByText('Authentication-Results', { exact: true }), 'the Authentication-Results section');
    await expectVisible(board.getByText(`X-Spam-Status: No, score=0.1 run=${run}`), "the copy's spam header");
    await screenshot(page, 'placement-light');

    // From history: the list, then the run itself.
    await board.getByRole('link', { name: 'Open in history' }).click();
    const stored = page.getByTestId('placement-run');
    await expectVisible(stored.getByRole('heading', { name: /^Placement run #\d+$/ }), 'the stored run');
    await expectVisible(stored.getByText(new RegExp(PLACEMENT_SUBJECT)), 'its subject');
    for (const name of ['seed16', 'seed17']) {
      await expectVisible(stored.locator(`tr[data-seed="${name}"]`).getByText('inbox', { exact: true }), `${name} in the stored run`);
    }
    await page.getByRole('link', { name: '← Inbox placement' }).click();
    const past = page.getByRole('table', { name: 'Past placement runs' }).getByRole('row').filter({ hasText: PLACEMENT_SUBJECT });
    await expectVisible(past.getByText('inbox 2'), 'the run in the list with its counts');
    const trend = page.getByRole('table', { name: 'Placement over time per seed' });
    await expectVisible(trend.getByRole('row').filter({ hasText: 'seed16' }).getByText('100%'), 'the per-seed trend');
    await page.getByText('Per provider', { exact: true }).click();
    await expectVisible(page.getByRole('table', { name: 'Placement over time per provider' }).getByRole('row').filter({ hasText: 'other' }), 'the per-provider trend');
  });

  it('calls a copy that never arrives missing once the deadline passes', async () => {
    const page = await open('#/seeds');
    await saveElsewhereSeed(page);
    await page.goto(`${t.lab.url}#/placement`);
    await compose(page, `${PLACEMENT_SUBJECT} missing`);
    await chooseOnly(page, ['elsewhere']);
    await page.getByLabel('Deadline (minutes)').fill('0.1');
    await page.getByRole('button', { name: 'Start placement test' }).click();
    const board = page.getByTestId('placement-board');
    const row = board.locator('tr[data-seed="elsewhere"]');
    await expectVisible(row.getByText('watching', { exact: true }), 'the seed being watched', 15_000);
    await expectVisible(row.locator('[data-placement="missing"]'), 'the seed called missing', 30_000);
    await expectVisible(board.getByText('finished', { exact: true }), 'the finished run', 15_000);
    expect(await row.getByTestId('latency').innerText()).toBe('—');
    const summary = board.getByTestId('placement-summary');
    await expectVisible(summary.locator('[data-share="missing"]').getByText('100%'), 'the missing share');
    expect(await summary.getByTestId('median-latency').innerText()).toBe('—');
    await board.getByRole('button', { name: 'Details for elsewhere' }).click();
    await expectVisible(board.getByText('No copy was found in any folder before the deadline.'), 'what missing means');
  });

  it('keeps a running board across pages, and Cancel stops it with the seeds marked cancelled', async () => {
    const page = await open('#/seeds');
    await saveElsewhereSeed(page);
    await page.goto(`${t.lab.url}#/placement`);
    await compose(page, `${PLACEMENT_SUBJECT} cancel`);
    await chooseOnly(page, ['elsewhere']);
    await page.getByRole('button', { name: 'Start placement test' }).click();
    const board = page.getByTestId('placement-board');
    const row = board.locator('tr[data-seed="elsewhere"]');
    await expectVisible(row.getByText('watching', { exact: true }), 'the seed being watched', 15_000);

    // Away and back: the run goes on, and the board shows it as it is.
    await page.getByRole('link', { name: 'SMTP profiles', exact: true }).click();
    await expectVisible(page.getByRole('table', { name: 'SMTP profiles' }), 'another page');
    await page.getByRole('link', { name: 'Placement', exact: true }).click();
    await expectVisible(row.getByText('watching', { exact: true }), 'the same run, still watching');

    await board.getByRole('button', { name: 'Cancel' }).click();
    await expectVisible(board.getByText('cancelled', { exact: true }), 'the cancelled run', 15_000);
    await expectVisible(row.locator('[data-placement="error"]'), 'the seed ended as error');
    await board.getByRole('button', { name: 'Details for elsewhere' }).click();
    await expectVisible(board.getByTestId('imap-error').getByText(/cancelled/), 'the cancellation explained');
    await expectVisible(board.getByTestId('imap-error').getByText('CANCELLED'), 'the code');
  });

  it('captures the stored run and the profiles in the dark scheme', async () => {
    const page = await open('#/placement', 'dark');
    const past = page.getByRole('table', { name: 'Past placement runs' }).getByRole('link').first();
    await expectVisible(past, 'a past run');
    await past.click();
    await expectVisible(page.getByTestId('placement-run'), 'the stored run');
    await screenshot(page, 'placement-run-dark');
    await page.getByRole('link', { name: 'SMTP profiles', exact: true }).click();
    await expectVisible(page.getByRole('table', { name: 'SMTP profiles' }), 'the profiles');
    await screenshot(page, 'profiles-dark');
  });
});
