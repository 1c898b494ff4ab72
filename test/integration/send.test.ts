import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../electron/cli/send';
import { HistoryStore } from '../../electron/core/history/store';
import { htmlToText } from '../../electron/core/send/html-text';
import { parseProfileFile, ProfileError, secretsFromEnv, validateProfile } from '../../electron/core/send/profile';
import { parseQueueId, sendTest, testConnection } from '../../electron/core/send/send';
import { closedPort } from '../helpers/loopback';
import { sink } from '../helpers/text-sink';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { deleteByToken, waitForToken } from '../lab/mail-lab/lab-imap';
import { labProfile } from '../lab/mail-lab/lab-profile';

// The mail lab must be up (the integration global setup starts it when it can): missing lab = failure.
const lab = readMailLab();
const seed3 = lab.seeds[2] as MailLabUser;
const run = randomUUID().slice(0, 8);
const ca = [lab.caPem];
const sent: { user: MailLabUser; token: string }[] = [];
const TIMEOUT = 5_000;

const profile = labProfile;
const secrets = { password: lab.sender.password };

const HTML = `<html><head><title>t</title><style>p{color:red}</style></head><body>
<h1>Spring&nbsp;sale</h1><p>Hello &amp; welcome.<br>Second line</p>
<ul><li>One</li><li>Two</li></ul><p><a href="https://example.test/offer">See the offer</a></p></body></html>`;

afterAll(async () => {
  for (const user of new Set(sent.map((s) => s.user))) await deleteByToken(user, sent.filter((s) => s.user === user).map((s) => s.token));
});

describe('profiles and text (pure)', () => {
  it('validates profiles, refuses secrets in the file and warns on no encryption', () => {
    expect(() => validateProfile({ ...profile(), port: 70000 })).toThrow(/"port" must be a whole number from 1 to 65535/);
    expect(() => validateProfile({ ...profile(), security: 'ssl' })).toThrow(/"security" must be/);
    expect(() => validateProfile({ ...profile(), auth: { user: 'u', password: 'p' } })).toThrow(ProfileError);
    expect(validateProfile(profile()).warnings).toEqual([]);
    expect(validateProfile(profile({ security: 'none' })).warnings[0]).toMatch(/no encryption: the password and the message cross the network in clear text/);
    const two = JSON.stringify([profile({ name: 'a' }), profile({ name: 'b', port: 465, security: 'tls' })]);
    expect(() => parseProfileFile(two)).toThrow(/choose one with --profile-name/);
    expect(parseProfileFile(two, 'b').profile.port).toBe(465);
    expect(() => secretsFromEnv(profile(), {})).toThrow(/read from \$DELIVERLAB_SMTP_PASSWORD, which is not set/);
    expect(() => secretsFromEnv(profile({ auth: { user: 'u', passwordEnv: 'MY_PW' } }), {})).toThrow(/\$MY_PW/);
    expect(secretsFromEnv(profile({ auth: { user: 'u', oauth2TokenEnv: 'TOK' } }), { TOK: 't' })).toEqual({ oauth2Token: 't' });
  });

  it('generates a readable text part from HTML and parses the queue id', () => {
    expect(htmlToText(HTML)).toBe('Spring sale\n\nHello & welcome.\nSecond line\n\n- One\n- Two\n\nSee the offer (https://example.test/offer)\n');
    expect(parseQueueId('250 2.0.0 Ok: queued as 4dHk2x1mKzz3x')).toBe('4dHk2x1mKzz3x');
    expect(parseQueueId('250 OK')).toBeUndefined();
  });
});

describe('sendTest against the mail lab', () => {
  it('submits with STARTTLS + AUTH; the copy arrives with List-Unsubscribe and a generated text part', async () => {
    const token = `send-${run}`;
    sent.push({ user: seed3, token });
    const t0 = Date.now();
    const r = await sendTest({
      profile: profile(),
      secrets,
      to: [seed3.user],
      subject: `Lab ${token}`,
      html: HTML,
      headers: { 'List-Unsubscribe': '<https://example.test/u/1>, <mailto:unsub@lab.test?subject=u1>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      timeoutMs: TIMEOUT,
      ca,
    });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.recipients).toEqual([{ address: seed3.user, status: 'accepted', reply: expect.stringMatching(/^250 /), responseCode: 250 }]);
    expect(r.queueId).toMatch(/^[A-Za-z0-9]+$/);
    expect(r.messageId).toMatch(/^<.+@.+>$/);
    expect(r.timings.totalMs).toBeGreaterThan(0);
    const transcript = r.transcript.map((l) => `${l.dir}: ${l.text}`).join('\n');
    if (process.env.SEND_TEST_VERBOSE) console.log(transcript);
    expect(transcript).toMatch(/C: EHLO /);
    expect(transcript).toMatch(/C: STARTTLS/);
    expect(transcript).toMatch(/C: AUTH (PLAIN|LOGIN)/);
    expect(transcript).toMatch(/S: 235 /);
    expect(transcript).toMatch(/queued as/);
    const pw = lab.sender.password;
    for (const form of [pw, Buffer.from(pw).toString('base64'), Buffer.from(`\0${lab.sender.user}\0${pw}`).toString('base64')]) expect(transcript).not.toContain(form);

    const { source: raw, ms } = await waitForToken(seed3, token, { since: t0 });
    const source = raw.toString('utf8');
    console.log(`send → IMAP-visible: ${ms} ms (SMTP accept after ${r.timings.totalMs} ms)`);
    expect(source).toMatch(/^List-Unsubscribe: <https:\/\/example\.test\/u\/1>,\s+<mailto:unsub@lab\.test\?subject=u1>/m);
    expect(source).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(source).toContain(`Message-ID: ${r.messageId}`);
    expect(source).toMatch(/Content-Type: multipart\/alternative/i);
    expect(source).toMatch(/Content-Type: text\/plain/i);
    expect(source).toContain('See the offer (https://example.test/offer)');
  });

  it('submits over implicit TLS (submissions port)', async () => {
    const token = `tls-${run}`;
    sent.push({ user: seed3, token });
    const t0 = Date.now();
    const r = await sendTest({ profile: profile({ port: lab.ports.submissions, security: 'tls' }), secrets, to: [seed3.user], subject: `Lab ${token}`, html: '<p>tls</p>', text: 'tls\n', timeoutMs: TIMEOUT, ca });
    expect(r.ok).toBe(true);
    expect(r.queueId).toBeTruthy();
    expect(r.transcript.some((l) => l.dir === 'C' && l.text.startsWith('STARTTLS'))).toBe(false);
    await waitForToken(seed3, token, { since: t0 });
  });

  it('sends without encryption to the inbound port and carries the warning', async () => {
    const token = `none-${run}`;
    sent.push({ user: seed3, token });
    const { profile: p, warnings } = validateProfile(profile({ port: lab.ports.smtp, security: 'none', auth: undefined }));
    const t0 = Date.now();
    const r = await sendTest({ profile: p, secrets: {}, to: [seed3.user], subject: `Lab ${token}`, html: '<p>plain</p>', timeoutMs: TIMEOUT, warnings });
    expect(r.ok).toBe(true);
    expect(r.warnings).toEqual([expect.stringMatching(/no encryption/)]);
    expect(r.transcript.some((l) => l.text.startsWith('STARTTLS'))).toBe(false);
    await waitForToken(seed3, token, { since: t0 });
  });

  it('reports a recipient outside lab.test per recipient, next to an accepted one', async () => {
    const token = `outside-${run}`;
    sent.push({ user: seed3, token });
    const r = await sendTest({ profile: profile(), secrets, to: [seed3.user, 'someone@elsewhere.example'], subject: `Lab ${token}`, html: '<p>x</p>', timeoutMs: TIMEOUT, ca });
    // The lab's submission service refuses other domains at RCPT time (550 5.7.1, a restriction in
    // the lab's Postfix config), so nothing bounces later: the refusal is reported per recipient while
    // the lab.test copy is still accepted and queued.
    expect(r.ok).toBe(false);
    expect(r.error).toBeUndefined();
    expect(r.queueId).toBeTruthy();
    expect(r.recipients[0]).toMatchObject({ address: seed3.user, status: 'accepted', responseCode: 250 });
    expect(r.recipients[1]).toMatchObject({
      address: 'someone@elsewhere.example',
      status: 'rejected',
      responseCode: 550,
      reply: expect.stringMatching(/^550 5\.7\.1 .*Recipient address rejected/),
      explanation: expect.stringMatching(/permanently refused the recipient/),
    });
    // Every recipient refused: nodemailer throws EENVELOPE; still one result per recipient.
    const all = await sendTest({ profile: profile(), secrets, to: ['a@elsewhere.example'], subject: 'never', html: '<p>x</p>', timeoutMs: TIMEOUT, ca });
    expect(all.error).toMatchObject({ code: 'EENVELOPE', kind: 'rejected', responseCode: 550 });
    expect(all.recipients).toEqual([expect.objectContaining({ address: 'a@elsewhere.example', status: 'rejected', responseCode: 550 })]);
  });

  it('explains an untrusted certificate (no CA given) as a TLS failure', async () => {
    const r = await sendTest({ profile: profile(), secrets, to: [seed3.user], subject: 'never', html: '<p>x</p>', timeoutMs: TIMEOUT });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'ETLS', kind: 'tls' });
    expect(r.error?.explanation).toMatch(/not signed by a certificate authority this machine trusts.*--ca-file/);
    // No server refused the recipient: the send never got that far.
    expect(r.recipients[0]?.status).toBe('not-sent');
  });

  it('explains a closed port as connection refused', async () => {
    const port = await closedPort();
    const r = await sendTest({ profile: profile({ port }), secrets, to: [seed3.user], subject: 'never', html: '<p>x</p>', timeoutMs: TIMEOUT, ca });
    expect(r.error).toMatchObject({ code: 'ECONNECTION', kind: 'refused' });
    expect(r.error?.explanation).toMatch(/Nothing accepts connections on 127\.0\.0\.1:\d+/);
    const c = await testConnection(profile({ port }), secrets, { timeoutMs: TIMEOUT, ca });
    expect(c.error?.kind).toBe('refused');
  });

  it('explains a server that accepts the connection but never greets as a timeout', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as { port: number };
      // How soon the send gives up is judged by `npm run bench -- limits`.
      const r = await sendTest({ profile: profile({ port }), secrets, to: [seed3.user], subject: 'never', html: '<p>x</p>', timeoutMs: 500, ca });
      expect(r.error).toMatchObject({ code: 'ETIMEDOUT', kind: 'timeout' });
      expect(r.error?.explanation).toMatch(/did not answer in time/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('tests the connection: EHLO, STARTTLS, AUTH with a transcript', async () => {
    const c = await testConnection(profile(), secrets, { timeoutMs: TIMEOUT, ca });
    expect(c.ok).toBe(true);
    const t = c.transcript.map((l) => l.text).join('\n');
    expect(t).toMatch(/EHLO/);
    expect(t).toMatch(/STARTTLS/);
    expect(t).toMatch(/235 /);
    expect(t).not.toContain(lab.sender.password);
  });

  it('runs as the CLI: exit 0 and JSON; exit 2 when the password variable is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deliverlab-send-'));
    try {
      const token = `cli-${run}`;
      sent.push({ user: seed3, token });
      writeFileSync(join(dir, 'p.json'), JSON.stringify([profile(), profile({ name: 'other', auth: { user: lab.sender.user, passwordEnv: 'LAB_PW' } })]));
      writeFileSync(join(dir, 'm.html'), HTML);
      writeFileSync(join(dir, 'ca.pem'), lab.caPem);
      const base = ['--profile', join(dir, 'p.json'), '--ca-file', join(dir, 'ca.pem'), '--to', seed3.user, '--subject', `Lab ${token}`, '--html', join(dir, 'm.html')];
      const out = sink();
      const err = sink();
      const db = ['--db', join(dir, 'h.sqlite')];
      const code = await sendCommand([...base, ...db, '--profile-name', 'other', '--header', 'List-Unsubscribe: <https://example.test/u>', '--json'], { stdout: out.stream, stderr: err.stream }, { LAB_PW: lab.sender.password });
      expect(err.read()).toBe('');
      expect(code).toBe(0);
      const json = JSON.parse(out.read()) as { ok: boolean; queueId: string; id: number };
      expect(json).toMatchObject({ ok: true, queueId: expect.any(String), id: 1 });

      const out1 = sink();
      expect(await sendCommand([...base, ...db, '--profile-name', 'other', '--to', 'x@elsewhere.example'], { stdout: out1.stream, stderr: sink().stream }, { LAB_PW: lab.sender.password })).toBe(1);
      expect(out1.read()).toMatch(/^stored {5}test send #2 in history$/m);
      const store = HistoryStore.open(join(dir, 'h.sqlite'));
      expect(store.listSends({ limit: 10, offset: 0 })).toMatchObject({ total: 2, items: [{ id: 2, ok: false, subject: `Lab ${token}` }, { id: 1, ok: true }] });
      store.close();
      expect(out1.read()).toMatch(/^accepted {2}seed3@lab\.test {2}250 /m);
      expect(out1.read()).toMatch(/^REJECTED {2}x@elsewhere\.example {2}550 /m);
      expect(out1.read()).toMatch(/^queue id {3}\S+/m);

      const err2 = sink();
      expect(await sendCommand([...base, '--profile-name', 'other'], { stdout: sink().stream, stderr: err2.stream }, {})).toBe(2);
      expect(err2.read()).toMatch(/\$LAB_PW, which is not set/);
      const err3 = sink();
      expect(await sendCommand([...base], { stdout: sink().stream, stderr: err3.stream }, {})).toBe(2);
      expect(err3.read()).toMatch(/--profile-name/);
      const err4 = sink();
      expect(await sendCommand(['--profile', join(dir, 'p.json'), '--profile-name', 'lab', '--to', seed3.user, '--subject', 's', '--html', join(dir, 'm.html')], { stdout: sink().stream, stderr: err4.stream }, { DELIVERLAB_SMTP_PASSWORD: lab.sender.password })).toBe(2);
      expect(err4.read()).toMatch(/error ETLS: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Last: Dovecot's per-IP auth penalty delays the next logins from 127.0.0.1 after a failure.
  it('explains a wrong password (535) for a send and for test connection', async () => {
    const bad = { password: 'wrong-password' };
    const r = await sendTest({ profile: profile(), secrets: bad, to: [seed3.user], subject: 'never', html: '<p>x</p>', timeoutMs: TIMEOUT, ca });
    expect(r.error).toMatchObject({ code: 'EAUTH', kind: 'auth', responseCode: 535 });
    expect(r.error?.explanation).toMatch(/refused the login .*user name or password is wrong/);
    expect(r.transcript.map((l) => l.text).join('\n')).not.toContain(Buffer.from(`\0${lab.sender.user}\0wrong-password`).toString('base64'));
    const c = await testConnection(profile(), bad, { timeoutMs: TIMEOUT, ca });
    expect(c.ok).toBe(false);
    expect(c.error).toMatchObject({ code: 'EAUTH', kind: 'auth' });
  });
});
