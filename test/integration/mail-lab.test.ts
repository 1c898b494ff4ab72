import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForArrival } from '../lab/mail-lab/lab-imap';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';

// The mail lab (Postfix + Dovecot on loopback) must be up: started by .ci/run or by hand with
// `sudo bash test/lab/mail-lab/lab.sh start`. Missing lab = failure, never a skip.
const lab = readMailLab();
const seed1 = lab.seeds[0] as MailLabUser;
const seed2 = lab.seeds[1] as MailLabUser;
const tls = { ca: [lab.caPem], servername: lab.hostname, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const };
const run = randomUUID().slice(0, 8);
const sentTokens: { user: MailLabUser; token: string }[] = [];

function submission(port: number, secure: boolean, auth: MailLabUser) {
  return nodemailer.createTransport({
    host: lab.host,
    port,
    secure,
    requireTLS: !secure,
    auth: { user: auth.user, pass: auth.password },
    tls,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
}

function imap(user: MailLabUser, secure = true): ImapFlow {
  return new ImapFlow({
    host: lab.host,
    port: secure ? lab.ports.imaps : lab.ports.imap,
    secure,
    doSTARTTLS: secure ? undefined : true,
    auth: { user: user.user, pass: user.password },
    tls,
    logger: false,
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
  });
}

/** Waits in a folder for a message whose subject carries the token (IDLE, not a polling loop). */
async function findBySubject(user: MailLabUser, folder: string, token: string): Promise<void> {
  const client = imap(user);
  await client.connect();
  try {
    await waitForArrival(client, folder, { subject: token });
  } finally {
    await client.logout().catch(() => undefined);
  }
}

async function send(port: number, secure: boolean, to: MailLabUser, subject: string, headers: Record<string, string> = {}) {
  const transport = submission(port, secure, lab.sender);
  try {
    return await transport.sendMail({ from: lab.sender.user, to: to.user, subject, text: `mail lab test ${subject}\n`, headers });
  } finally {
    transport.close();
  }
}

beforeAll(() => {
  expect(lab.seeds.length).toBeGreaterThanOrEqual(2);
});

afterAll(async () => {
  // Remove this run's messages from every folder so the seeds stay small across runs.
  for (const { user, token } of sentTokens) {
    const client = imap(user);
    try {
      await client.connect();
      for (const folder of ['INBOX', 'Junk']) {
        const lock = await client.getMailboxLock(folder);
        try {
          const uids = await client.search({ subject: token }, { uid: true });
          if (uids && uids.length > 0) await client.messageDelete(uids, { uid: true });
        } finally {
          lock.release();
        }
      }
    } finally {
      await client.logout().catch(() => undefined);
    }
  }
});

describe('mail lab (Postfix + Dovecot on loopback)', () => {
  it('delivers a clean message to INBOX and an X-Spam-Flag message to Junk (submission, STARTTLS + AUTH)', async () => {
    const clean = `clean-${run}`;
    const spam = `spam-${run}`;
    sentTokens.push({ user: seed1, token: clean }, { user: seed2, token: spam });
    const a = await send(lab.ports.submission, false, seed1, `Lab ${clean}`);
    const b = await send(lab.ports.submission, false, seed2, `Lab ${spam}`, { 'X-Spam-Flag': 'YES' });
    expect(a.accepted).toEqual([seed1.user]);
    expect(b.accepted).toEqual([seed2.user]);
    await findBySubject(seed1, 'INBOX', clean);
    await findBySubject(seed2, 'Junk', spam);
    // The spam copy must not also be in INBOX.
    const c = imap(seed2);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX', { readOnly: true });
      expect(await c.search({ subject: spam })).toEqual([]);
    } finally {
      await c.logout();
    }
  });

  it('files mail from the inbound port into Junk when the lab\'s Authentication-Results say dmarc=fail', async () => {
    const token = `dmarc-${run}`;
    sentTokens.push({ user: seed2, token });
    // Port 25 style: no AUTH, as a message from the internet arrives.
    const transport = nodemailer.createTransport({ host: lab.host, port: lab.ports.smtp, secure: false, tls, connectionTimeout: 5_000 });
    try {
      await transport.sendMail({
        from: 'news@sender.example',
        to: seed2.user,
        subject: `Lab ${token}`,
        text: 'dmarc fail\n',
        headers: { 'Authentication-Results': `${lab.hostname}; spf=fail smtp.mailfrom=sender.example; dmarc=fail header.from=sender.example` },
      });
    } finally {
      transport.close();
    }
    await findBySubject(seed2, 'Junk', token);
  });

  it('refuses relaying from the inbound port', async () => {
    const transport = nodemailer.createTransport({ host: lab.host, port: lab.ports.smtp, secure: false, tls, connectionTimeout: 5_000 });
    try {
      await expect(transport.sendMail({ from: 'a@sender.example', to: 'someone@elsewhere.example', subject: 'relay', text: 'x' })).rejects.toMatchObject({
        responseCode: 554,
      });
    } finally {
      transport.close();
    }
  });

  it('accepts submission over implicit TLS', async () => {
    const token = `implicit-${run}`;
    sentTokens.push({ user: seed1, token });
    const info = await send(lab.ports.submissions, true, seed1, `Lab ${token}`);
    expect(info.accepted).toEqual([seed1.user]);
    await findBySubject(seed1, 'INBOX', token);
  });

  it('serves IMAP over implicit TLS and STARTTLS with the SPECIAL-USE folders', async () => {
    for (const secure of [true, false]) {
      const client = imap(seed1, secure);
      await client.connect();
      try {
        const uses = (await client.list()).map((f) => f.specialUse).filter(Boolean).sort();
        expect(uses).toEqual(expect.arrayContaining(['\\Archive', '\\Inbox', '\\Junk', '\\Sent', '\\Trash']));
      } finally {
        await client.logout();
      }
    }
  });

  it('listens on loopback only', () => {
    const ss = execFileSync('ss', ['-Hltn'], { encoding: 'utf8' });
    const ports = Object.values(lab.ports);
    const ours = ss
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3] ?? '')
      .filter((local) => ports.includes(Number(local.slice(local.lastIndexOf(':') + 1))));
    expect(ours.length).toBe(ports.length);
    for (const local of ours) expect(local).toMatch(/^127\.0\.0\.1:\d+$/);
  });
  // Last: Dovecot's per-IP auth penalty (anvil) delays the next logins from 127.0.0.1 by a few seconds.
  it('refuses a wrong password with an authentication error', async () => {
    const transport = submission(lab.ports.submission, false, { user: lab.sender.user, password: 'wrong' });
    try {
      await expect(transport.verify()).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    } finally {
      transport.close();
    }
  });
});
