/**
 * The scripted Gmail peer, driven by imapflow (the client the placement watcher uses).
 *
 * These tests prove the peer speaks enough of Gimap's dialect, the way Google documents it, for the
 * placement tests to rely on it: XOAUTH2 and its failure exchange, special-use LIST, IDLE pushes,
 * HEADER / UID / X-GM-RAW searches, X-GM-LABELS, Spam as a separate place, expunge, and drops.
 */
import { randomUUID } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGmailPeer, type GmailPeer } from '../lab/gmail-imap-peer';
import { until } from '../helpers/until';

const ALICE = { user: 'alice@gmail.test', password: 'app-pass-alice', accessToken: 'ya29.alice-token' };
const BOB = { user: 'bob@gmail.test', accessToken: 'ya29.bob-token' };
const TIMEOUT = 5_000;

let peer: GmailPeer;

/** An event awaited with a deadline: a hang detector far above how long the event takes, not a speed limit. */
async function event<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within 10 s`)), 10_000)));
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  peer = await startGmailPeer({ users: [ALICE, BOB] });
});

afterAll(async () => {
  await peer?.close();
});

function client(auth: ImapFlowOptions['auth'], over: Partial<ImapFlowOptions> = {}): ImapFlow {
  return new ImapFlow({
    host: peer.host,
    port: peer.port,
    secure: false,
    doSTARTTLS: false,
    auth,
    logger: false,
    connectionTimeout: TIMEOUT,
    greetingTimeout: TIMEOUT,
    socketTimeout: 10_000,
    ...over,
  });
}

function message(token: string, extra = ''): string {
  return [
    'From: "Deliverlab Probe" <probe@sender.test>',
    'To: alice@gmail.test',
    `Subject: probe ${token}`,
    'Date: Thu, 26 Nov 2026 10:00:00 +0000',
    `Message-ID: <${token}@sender.test>`,
    `X-Deliverlab-Token: ${token}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    extra,
    '',
    `Hello, this is probe ${token}.`,
    '',
  ]
    .filter((l, i) => l !== '' || i > 7)
    .join('\r\n');
}

async function withClient<T>(auth: ImapFlowOptions['auth'], fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = client(auth);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout().catch(() => undefined);
  }
}

const password = { user: ALICE.user, pass: ALICE.password };
const oauth = { user: ALICE.user, accessToken: ALICE.accessToken };

describe('authentication', () => {
  it('accepts the password over AUTHENTICATE PLAIN and over LOGIN', async () => {
    await withClient(password, async (c) => {
      expect(c.authenticated).toBeTruthy();
      expect(c.capabilities.has('X-GM-EXT-1')).toBe(true);
      expect(c.serverInfo?.name).toBe('GImap');
    });
    await withClient({ ...password, loginMethod: 'LOGIN' }, async (c) => expect(c.authenticated).toBeTruthy());
    const log = peer.transcript().join('\n');
    expect(log).toMatch(/AUTHENTICATE PLAIN/);
    expect(log).toMatch(/ LOGIN "?alice@gmail.test"? <password redacted>/);
    expect(log).not.toContain(ALICE.password);
  });

  it('accepts an OAuth access token over XOAUTH2 with SASL-IR, and keeps it out of the transcript', async () => {
    await withClient(oauth, async (c) => expect(c.authenticated).toBeTruthy());
    await withClient({ user: BOB.user, accessToken: BOB.accessToken }, async (c) => expect(c.authenticated).toBeTruthy());
    const log = peer.transcript().join('\n');
    expect(log).toMatch(/AUTHENTICATE XOAUTH2 <initial response redacted>/);
    expect(log).not.toContain(ALICE.accessToken);
    expect(log).not.toContain(Buffer.from(`user=${ALICE.user}\x01auth=Bearer ${ALICE.accessToken}\x01\x01`).toString('base64'));
  });

  it('refuses a wrong token the way Gmail words it: a base64 JSON challenge, then NO [AUTHENTICATIONFAILED]', async () => {
    const c = client({ user: ALICE.user, accessToken: 'ya29.expired' });
    const err = (await c.connect().then(
      () => null,
      (e: unknown) => e,
    )) as { authenticationFailed?: boolean; serverResponseCode?: string; response?: string; oauthError?: { status: string; schemes: string; scope: string } } | null;
    expect(err).not.toBeNull();
    expect(err?.authenticationFailed).toBe(true);
    expect(err?.serverResponseCode).toBe('AUTHENTICATIONFAILED');
    expect(err?.response).toMatch(/Invalid credentials \(Failure\)/);
    expect(err?.oauthError).toEqual({ status: '401', schemes: 'bearer mac', scope: 'https://mail.google.com/' });
    const log = peer.transcript().join('\n');
    expect(log).toMatch(/S: \+ eyJzdGF0dXMiOiI0MDEi/);
    expect(log).toMatch(/NO \[AUTHENTICATIONFAILED\] Invalid credentials \(Failure\)/);
  });

  it('refuses a wrong password and a token for another user', async () => {
    for (const auth of [{ user: ALICE.user, pass: 'nope' }, { user: ALICE.user, accessToken: BOB.accessToken }, { user: 'nobody@gmail.test', pass: 'x' }]) {
      const c = client(auth);
      const err = (await c.connect().then(
        () => null,
        (e: unknown) => e,
      )) as { authenticationFailed?: boolean; serverResponseCode?: string } | null;
      expect(err?.authenticationFailed).toBe(true);
      expect(err?.serverResponseCode).toBe('AUTHENTICATIONFAILED');
    }
  });

  it('XOAUTH2 is not PLAIN: a user with no password cannot log in with one', async () => {
    const c = client({ user: BOB.user, pass: BOB.accessToken });
    await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
  });
});

describe('mailboxes', () => {
  it('lists INBOX and the [Gmail] folders with their special-use flags', async () => {
    await withClient(oauth, async (c) => {
      const list = await c.list();
      const byPath = new Map(list.map((m) => [m.path, m]));
      expect([...byPath.keys()]).toEqual(
        expect.arrayContaining(['INBOX', '[Gmail]', '[Gmail]/All Mail', '[Gmail]/Drafts', '[Gmail]/Important', '[Gmail]/Sent Mail', '[Gmail]/Spam', '[Gmail]/Starred', '[Gmail]/Trash']),
      );
      expect(byPath.get('[Gmail]')?.flags.has('\\Noselect')).toBe(true);
      expect(byPath.get('[Gmail]')?.flags.has('\\HasChildren')).toBe(true);
      expect(byPath.get('[Gmail]/Spam')?.specialUse).toBe('\\Junk');
      expect(byPath.get('[Gmail]/All Mail')?.specialUse).toBe('\\All');
      expect(byPath.get('[Gmail]/Sent Mail')?.specialUse).toBe('\\Sent');
      expect(byPath.get('[Gmail]/Trash')?.specialUse).toBe('\\Trash');
      expect(byPath.get('[Gmail]/Drafts')?.specialUse).toBe('\\Drafts');
      expect(byPath.get('[Gmail]/Starred')?.specialUse).toBe('\\Flagged');
      expect(byPath.get('INBOX')?.specialUse).toBe('\\Inbox');
    });
  });

  it('answers SELECT of an unknown mailbox and of [Gmail] with NO [NONEXISTENT]', async () => {
    await withClient(oauth, async (c) => {
      await expect(c.mailboxOpen('Nope')).rejects.toMatchObject({ responseStatus: 'NO', mailboxMissing: true });
      await expect(c.mailboxOpen('[Gmail]')).rejects.toMatchObject({ responseStatus: 'NO' });
      const box = await c.mailboxOpen('[Gmail]/Spam');
      expect(box.path).toBe('[Gmail]/Spam');
      expect(box.uidValidity).toBeGreaterThan(0n);
    });
  });
});

describe('delivery, search and labels', () => {
  it('pushes * N EXISTS to a client idling on INBOX when a message is delivered', async () => {
    const c = client(oauth);
    await c.connect();
    try {
      await c.mailboxOpen('INBOX');
      const before = c.mailbox ? c.mailbox.exists : 0;
      const seen = new Promise<{ count: number }>((resolve) => c.on('exists', (data: { count: number }) => resolve({ count: data.count })));
      // Delivered once the peer has answered IDLE with its continuation, so the EXISTS is a push.
      const idling = peer.nextLine(/ S: \+ idling/);
      const idle = c.idle();
      await event(idling, 'IDLE continuation');
      const token = randomUUID();
      peer.deliver(ALICE.user, message(token));
      const got = await event(seen, 'EXISTS');
      expect(got.count).toBe(before + 1);
      await c.noop();
      await idle.catch(() => undefined);
    } finally {
      await c.logout().catch(() => undefined);
    }
    expect(peer.transcript().join('\n')).toMatch(/OK IDLE terminated \(Success\)/);
  });

  it('finds a copy by UID SEARCH HEADER X-Deliverlab-Token, case-insensitively, and only that copy', async () => {
    const token = `dl-${randomUUID()}`;
    const other = `dl-${randomUUID()}`;
    const { uid, mailbox } = peer.deliver(ALICE.user, message(token));
    peer.deliver(ALICE.user, message(other));
    expect(mailbox).toBe('INBOX');
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toEqual([uid]);
      expect(await c.search({ header: { 'X-DELIVERLAB-TOKEN': token.toUpperCase() } }, { uid: true })).toEqual([uid]);
      expect(await c.search({ header: { 'x-deliverlab-token': `nope-${token}` } }, { uid: true })).toEqual([]);
      expect(await c.search({ subject: token }, { uid: true })).toEqual([uid]);
      const all = (await c.search({ all: true }, { uid: true })) || [];
      expect(all).toContain(uid);
      expect(await c.search({ uid: String(uid) }, { uid: true })).toEqual([uid]);
    });
  });

  it('tells the Promotions tab apart with X-GM-RAW category:, and primary when no other tab matches', async () => {
    const promo = peer.deliver(ALICE.user, message(`promo-${randomUUID()}`), { category: 'promotions' });
    const plain = peer.deliver(ALICE.user, message(`plain-${randomUUID()}`));
    const social = peer.deliver(ALICE.user, message(`social-${randomUUID()}`), { category: 'social' });
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      const raw = async (uid: number, q: string) => c.search({ uid: String(uid), gmraw: q }, { uid: true });
      expect(await raw(promo.uid, 'category:promotions')).toEqual([promo.uid]);
      expect(await raw(plain.uid, 'category:promotions')).toEqual([]);
      expect(await raw(social.uid, 'category:promotions')).toEqual([]);
      expect(await raw(social.uid, 'category:social')).toEqual([social.uid]);
      expect(await raw(plain.uid, 'category:primary')).toEqual([plain.uid]);
      for (const tab of ['promotions', 'social', 'updates', 'forums']) expect(await raw(plain.uid, `category:${tab}`)).toEqual([]);
      expect(await raw(promo.uid, 'category:primary')).toEqual([]);
      // Negation and AND of several operators.
      expect(await raw(promo.uid, '-category:primary in:inbox')).toEqual([promo.uid]);
      expect(await raw(promo.uid, 'category:promotions in:spam')).toEqual([]);
    });
    expect(peer.transcript().join('\n')).toMatch(/UID SEARCH UID \d+ X-GM-RAW "?category:promotions"?/);
  });

  it('X-GM-RAW rfc822msgid: and label: find what they name', async () => {
    const token = `lbl-${randomUUID()}`;
    const d = peer.deliver(ALICE.user, message(token), { labels: ['Receipts', '\\Important'] });
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      expect(await c.search({ gmraw: `rfc822msgid:<${token}@sender.test>` }, { uid: true })).toEqual([d.uid]);
      expect(await c.search({ gmraw: `rfc822msgid:${token}@sender.test` }, { uid: true })).toEqual([d.uid]);
      expect(await c.search({ uid: String(d.uid), gmraw: 'label:receipts' }, { uid: true })).toEqual([d.uid]);
      expect(await c.search({ uid: String(d.uid), gmraw: 'label:invoices' }, { uid: true })).toEqual([]);
      expect(await c.search({ emailId: d.msgid }, { uid: true })).toEqual([d.uid]);
      const list = await c.list();
      expect(list.map((m) => m.path)).toContain('Receipts');
    });
  });

  it('fetches X-GM-LABELS, X-GM-MSGID, X-GM-THRID and selected header fields', async () => {
    const token = `fetch-${randomUUID()}`;
    const d = peer.deliver(ALICE.user, message(token), { labels: ['\\Important'] });
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      const m = await c.fetchOne(String(d.uid), { uid: true, labels: true, threadId: true, flags: true, headers: ['x-deliverlab-token'], envelope: true, size: true, internalDate: true }, { uid: true });
      if (!m) throw new Error('no message');
      expect(m.uid).toBe(d.uid);
      expect(m.emailId).toBe(d.msgid);
      expect(m.threadId).toBe(d.thrid);
      // Gimap leaves the selected mailbox's own label out: \Inbox is not listed while INBOX is open.
      expect([...(m.labels ?? [])]).toEqual(['\\Important']);
      expect(m.headers?.toString()).toBe(`X-Deliverlab-Token: ${token}\r\n\r\n`);
      expect(m.envelope?.subject).toBe(`probe ${token}`);
      expect(m.envelope?.from?.[0]).toMatchObject({ name: 'Deliverlab Probe', address: 'probe@sender.test' });
      expect(m.size).toBeGreaterThan(100);
      expect(m.flags?.size).toBe(0);

      await c.mailboxOpen('[Gmail]/All Mail');
      const [hit] = (await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })) || [];
      const inAll = await c.fetchOne(String(hit), { labels: true, source: true }, { uid: true });
      expect(new Set(inAll ? inAll.labels : [])).toEqual(new Set(['\\Inbox', '\\Important']));
      expect(inAll ? inAll.source?.toString() : '').toContain(`Hello, this is probe ${token}.`);
    });
  });

  it('files spam copies only in [Gmail]/Spam: not in INBOX, not in All Mail', async () => {
    const token = `spam-${randomUUID()}`;
    const d = peer.deliver(ALICE.user, message(token), { spam: true });
    expect(d.mailbox).toBe('[Gmail]/Spam');
    await withClient(oauth, async (c) => {
      for (const box of ['INBOX', '[Gmail]/All Mail']) {
        await c.mailboxOpen(box);
        expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toEqual([]);
      }
      await c.mailboxOpen('[Gmail]/Spam');
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toEqual([d.uid]);
      const m = await c.fetchOne(String(d.uid), { labels: true }, { uid: true });
      expect([...(m ? (m.labels ?? []) : [])]).toEqual([]);
      await c.mailboxOpen('[Gmail]/All Mail');
      expect(await c.search({ gmraw: `in:spam rfc822msgid:${token}@sender.test` }, { uid: true })).toEqual([]);
    });
  });

  it('store \\Deleted + expunge removes the copy (INBOX archives it to All Mail, Spam deletes it)', async () => {
    const token = `del-${randomUUID()}`;
    const inbox = peer.deliver(ALICE.user, message(token));
    const spam = peer.deliver(ALICE.user, message(`${token}-s`), { spam: true });
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      expect(await c.messageDelete(String(inbox.uid), { uid: true })).toBe(true);
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toEqual([]);
      await c.mailboxOpen('[Gmail]/All Mail');
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toHaveLength(1);
      await c.mailboxOpen('[Gmail]/Spam');
      await c.messageFlagsAdd(String(spam.uid), ['\\Deleted'], { uid: true });
      const flagged = await c.fetchOne(String(spam.uid), { flags: true }, { uid: true });
      expect(flagged ? [...(flagged.flags ?? [])] : []).toContain('\\Deleted');
      await c.mailboxClose();
      await c.mailboxOpen('[Gmail]/Spam');
      expect(await c.search({ header: { 'x-deliverlab-token': `${token}-s` } }, { uid: true })).toEqual([]);
    });
    const log = peer.transcript().join('\n');
    expect(log).toMatch(/UID STORE \d+ \+FLAGS \(\\Deleted\)/);
    expect(log).toMatch(/UID EXPUNGE \d+/);
  });

  it('adds and removes labels with STORE X-GM-LABELS', async () => {
    const d = peer.deliver(ALICE.user, message(`store-${randomUUID()}`));
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      await c.messageFlagsAdd(String(d.uid), ['Work', '\\Starred'], { uid: true, useLabels: true });
      let m = await c.fetchOne(String(d.uid), { labels: true }, { uid: true });
      expect(new Set(m ? m.labels : [])).toEqual(new Set(['Work', '\\Starred']));
      await c.messageFlagsRemove(String(d.uid), ['Work'], { uid: true, useLabels: true });
      m = await c.fetchOne(String(d.uid), { labels: true }, { uid: true });
      expect(new Set(m ? m.labels : [])).toEqual(new Set(['\\Starred']));
      const st = await c.status('[Gmail]/Starred', { messages: true });
      expect(st && st.messages).toBeGreaterThanOrEqual(1);
    });
  });
});

describe('misbehaving network', () => {
  it('dropAll ends the client connection: imapflow emits close', async () => {
    const c = client(oauth);
    await c.connect();
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.on('error', () => undefined);
    peer.dropAll();
    await event(closed, 'close event');
    expect(c.usable).toBe(false);
  });

  it('hang(true) stops answering (greeting included) until hang(false)', async () => {
    peer.hang(true);
    const c = client(oauth, { greetingTimeout: 400, connectionTimeout: 2_000 });
    c.on('error', () => undefined);
    try {
      await expect(c.connect()).rejects.toThrow();
    } finally {
      peer.hang(false);
    }
    await withClient(oauth, async (ok) => expect(ok.authenticated).toBeTruthy());
  });

  it('hang(true) also silences a session already logged in; hang(false) answers what was asked meanwhile', async () => {
    const r = await RawImap.open(peer.port);
    try {
      await r.cmd(`LOGIN ${ALICE.user} ${ALICE.password}`);
      peer.hang(true);
      r.write('h1 NOOP\r\n');
      await expect(r.next(300)).rejects.toThrow(/no line from the peer/);
      peer.hang(false);
      expect((await r.until('h1')).pop()).toBe('h1 OK Success');
    } finally {
      peer.hang(false);
      r.close();
    }
  });

  it('survives a client that vanishes in the middle of a literal or an AUTHENTICATE', async () => {
    const before = peer.connections();
    for (const opening of ['x1 LOGIN {20}\r\nabc', 'x2 AUTHENTICATE XOAUTH2\r\n', 'x3 SEARCH (HEADER "a']) {
      const sock = netConnect(peer.port, '127.0.0.1');
      sock.on('error', () => undefined);
      await new Promise<void>((r) => sock.once('data', () => r()));
      // Vanishes only once the peer has read what it sent.
      const read = peer.whenReceived(peer.received() + Buffer.byteLength(opening));
      sock.write(opening);
      await event(read, 'read of the opening');
      sock.destroy();
    }
    await until(() => peer.connections() <= before, "the peer's side of those connections to close");
    await withClient(oauth, async (c) => expect(c.authenticated).toBeTruthy());
  });

  it('deliver() to a user the peer does not have says so', () => {
    expect(() => peer.deliver('carol@gmail.test', message('x'))).toThrow(/no user carol@gmail\.test; users: alice@gmail\.test, bob@gmail\.test/);
  });

  it('answers BAD to an unknown command and refuses a line over 64 KB', async () => {
    const lines = await rawSession([
      ['a1 FROBNICATE', /^a1 /m],
      [`a2 NOOP ${'x'.repeat(70 * 1024)}`, /^\* BYE /m],
    ]);
    expect(lines).toContain('a1 BAD Unknown command');
    expect(lines.some((l) => /^\* BYE Line too long/.test(l))).toBe(true);
  });

  it('refuses a literal over 10 MB before reading it', async () => {
    const lines = await rawSession([[`a1 LOGIN {${11 * 1024 * 1024}}`, /^a1 /m]]);
    expect(lines.some((l) => /^a1 BAD Literal too large/.test(l))).toBe(true);
  });
});

describe('the wire, spoken raw', () => {
  it('advertises SASL before login and the session extensions after, never both', async () => {
    const r = await RawImap.open(peer.port);
    try {
      expect(r.greeting).toMatch(/^\* OK Gimap ready for requests from 127\.0\.0\.1 /);
      const pre = (await r.cmd('CAPABILITY')).join('\n');
      expect(pre).toMatch(/^\* CAPABILITY IMAP4rev1 .*X-GM-EXT-1.*SASL-IR AUTH=XOAUTH2 AUTH=PLAIN$/m);
      expect(pre).not.toMatch(/UIDPLUS|COMPRESS|CONDSTORE|QUOTA|OAUTHBEARER/);
      expect(await r.cmd('XYZZY')).toEqual(['* OK Nothing Happens.', expect.stringMatching(/ OK Success$/)]);
      expect((await r.cmd('SELECT INBOX')).pop()).toMatch(/ BAD Command not valid before authentication/);
      expect((await r.cmd(`LOGIN ${ALICE.user} "${ALICE.password}"`)).pop()).toMatch(/ OK alice@gmail\.test authenticated \(Success\)$/);
      const post = (await r.cmd('CAPABILITY')).join('\n');
      expect(post).toMatch(/UIDPLUS MOVE LIST-EXTENDED SPECIAL-USE/);
      expect(post).not.toMatch(/AUTH=/);
      expect((await r.cmd(`LOGIN ${ALICE.user} x`)).pop()).toMatch(/ BAD Command not valid in this state/);
    } finally {
      r.close();
    }
  });

  it('takes synchronizing literals ("+ go ahead") and XOAUTH2 without SASL-IR', async () => {
    const r = await RawImap.open(peer.port);
    try {
      r.write(`a1 LOGIN {${ALICE.user.length}}\r\n`);
      expect(await r.next()).toBe('+ go ahead');
      r.write(`${ALICE.user} {${ALICE.password.length}}\r\n`);
      expect(await r.next()).toBe('+ go ahead');
      r.write(`${ALICE.password}\r\n`);
      expect((await r.until('a1')).pop()).toMatch(/^a1 OK /);
    } finally {
      r.close();
    }
    const o = await RawImap.open(peer.port);
    try {
      o.write('b1 AUTHENTICATE XOAUTH2\r\n');
      expect(await o.next()).toBe('+ ');
      o.write(`${Buffer.from(`user=${BOB.user}\x01auth=Bearer ${BOB.accessToken}\x01\x01`).toString('base64')}\r\n`);
      expect((await o.until('b1')).pop()).toBe('b1 OK bob@gmail.test authenticated (Success)');
    } finally {
      o.close();
    }
  });

  it('aborts AUTHENTICATE on "*" and on a response that is not base64', async () => {
    const r = await RawImap.open(peer.port);
    try {
      r.write('c1 AUTHENTICATE PLAIN\r\n');
      expect(await r.next()).toBe('+ ');
      r.write('*\r\n');
      expect((await r.until('c1')).pop()).toMatch(/^c1 BAD Authentication aborted/);
      r.write('c2 AUTHENTICATE PLAIN\r\n');
      await r.next();
      r.write('not base64!\r\n');
      expect((await r.until('c2')).pop()).toMatch(/^c2 BAD Invalid SASL argument/);
      expect((await r.cmd('AUTHENTICATE CRAM-MD5')).pop()).toMatch(/ NO \[CANNOT\]/);
    } finally {
      r.close();
    }
  });

  it('answers malformed commands with BAD and keeps serving', async () => {
    const r = await RawImap.open(peer.port);
    try {
      await r.cmd(`LOGIN ${ALICE.user} ${ALICE.password}`);
      await r.cmd('SELECT INBOX');
      for (const bad of ['SEARCH (ALL', 'UID SEARCH FROBNICATE x', 'FETCH 1 (BODY[FOO])', 'FETCH x FLAGS', 'FETCH 1 BINARY[]', 'SEARCH SINCE 2026-11-01', 'STORE 1 +FOO (x)', 'SEARCH "unterminated', 'UID FROB 1', 'STATUS INBOX (BOGUS)', 'LIST "" "*" RETURN (FOO)']) {
        expect((await r.cmd(bad)).pop(), bad).toMatch(/ BAD /);
      }
      r.write('\x00\x01\x02\xff garbage\r\n');
      expect(await r.next()).toBe('* BAD Invalid tag');
      r.write('\r\n');
      expect(await r.next()).toBe('* BAD Invalid tag');
      expect((await r.cmd('NOOP')).pop()).toMatch(/ OK Success$/);
    } finally {
      r.close();
    }
  });

  it('EXAMINE is read-only: STORE is refused with NO [READ-ONLY]', async () => {
    const d = peer.deliver(ALICE.user, message(`ro-${randomUUID()}`));
    const r = await RawImap.open(peer.port);
    try {
      await r.cmd(`LOGIN ${ALICE.user} ${ALICE.password}`);
      expect((await r.cmd('EXAMINE INBOX')).pop()).toMatch(/OK \[READ-ONLY\] INBOX selected\. \(Success\)$/);
      expect((await r.cmd(`UID STORE ${d.uid} +FLAGS (\\Deleted)`)).pop()).toMatch(/ NO \[READ-ONLY\]/);
    } finally {
      r.close();
    }
  });

  it('STATUS, XLIST, LSUB and the LIST (SPECIAL-USE) selection', async () => {
    const r = await RawImap.open(peer.port);
    try {
      await r.cmd(`LOGIN ${ALICE.user} ${ALICE.password}`);
      const status = await r.cmd('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN RECENT)');
      expect(status[0]).toMatch(/^\* STATUS "INBOX" \(MESSAGES \d+ UIDNEXT \d+ UIDVALIDITY \d+ UNSEEN \d+ RECENT 0\)$/);
      expect((await r.cmd('STATUS Nope (MESSAGES)')).pop()).toMatch(/ NO \[NONEXISTENT\] Unknown Mailbox: Nope/);
      const xlist = await r.cmd('XLIST "" "*"');
      expect(xlist).toContain('* XLIST (\\HasNoChildren \\Inbox) "/" "INBOX"');
      expect(xlist).toContain('* XLIST (\\Junk \\HasNoChildren) "/" "[Gmail]/Spam"');
      const lsub = await r.cmd('LSUB "" "*"');
      expect(lsub.some((l) => l.includes('"[Gmail]"'))).toBe(false);
      expect(lsub).toContain('* LSUB (\\All \\HasNoChildren) "/" "[Gmail]/All Mail"');
      const special = await r.cmd('LIST (SPECIAL-USE) "" "*"');
      expect(special.some((l) => l.endsWith('"INBOX"'))).toBe(false);
      expect(special.filter((l) => l.startsWith('* LIST')).length).toBe(7);
      expect(await r.cmd('LIST "" "[Gmail]/%"')).toContain('* LIST (\\Trash \\HasNoChildren) "/" "[Gmail]/Trash"');
      expect(await r.cmd('LIST "" ""')).toContain('* LIST (\\Noselect) "/" ""');
    } finally {
      r.close();
    }
  });
});

describe('more of the dialect, through imapflow', () => {
  it('MOVE to [Gmail]/Spam and COPY to a label answer with COPYUID', async () => {
    const token = `mv-${randomUUID()}`;
    const d = peer.deliver(ALICE.user, message(token));
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      const copied = await c.messageCopy(String(d.uid), 'Archive-Test', { uid: true }).catch(() => false);
      expect(copied).toBe(false); // no such label: NO [TRYCREATE]
      await c.mailboxCreate('Archive-Test');
      const copy = await c.messageCopy(String(d.uid), 'Archive-Test', { uid: true });
      expect(copy && copy.uidMap?.size).toBe(1);
      const moved = await c.messageMove(String(d.uid), '[Gmail]/Spam', { uid: true });
      expect(moved && moved.uidMap?.get(d.uid)).toBeGreaterThan(0);
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toEqual([]);
      await c.mailboxOpen('[Gmail]/Spam');
      expect(await c.search({ header: { 'x-deliverlab-token': token } }, { uid: true })).toHaveLength(1);
    });
  });

  it('APPEND answers with APPENDUID and the message is searchable', async () => {
    const token = `app-${randomUUID()}`;
    await withClient(oauth, async (c) => {
      const res = await c.append('INBOX', message(token), ['\\Seen'], new Date('2026-11-20T08:00:00Z'));
      expect(res && res.uid).toBeGreaterThan(0);
      await c.mailboxOpen('INBOX');
      const uids = await c.search({ header: { 'x-deliverlab-token': token }, seen: true, on: new Date('2026-11-20T00:00:00Z') }, { uid: true });
      expect(uids).toEqual([res && res.uid]);
    });
  });

  it('serves BODYSTRUCTURE and numbered parts of a multipart message', async () => {
    const boundary = 'b-123';
    const raw = [
      'From: a@sender.test',
      'Subject: multi',
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'plain part',
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>html part</p>',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const d = peer.deliver(ALICE.user, raw);
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      const m = await c.fetchOne(String(d.uid), { bodyStructure: true, bodyParts: ['1', '2', '2.mime'] }, { uid: true });
      expect(m && m.bodyStructure?.type).toBe('multipart/alternative');
      expect(m && m.bodyStructure?.childNodes?.map((n) => n.type)).toEqual(['text/plain', 'text/html']);
      expect(m && m.bodyParts?.get('1')?.toString()).toBe('plain part');
      expect(m && m.bodyParts?.get('2')?.toString()).toBe('<p>html part</p>');
      expect(m && m.bodyParts?.get('2.mime')?.toString()).toMatch(/^Content-Type: text\/html/);
    });
  });

  it('threads a reply into its parent (X-GM-THRID) and BODY[] marks \\Seen', async () => {
    const token = `thr-${randomUUID()}`;
    const parent = peer.deliver(ALICE.user, message(token));
    const reply = peer.deliver(ALICE.user, message(`${token}-re`, `In-Reply-To: <${token}@sender.test>`));
    expect(reply.thrid).toBe(parent.thrid);
    expect(reply.msgid).not.toBe(parent.msgid);
    await withClient(oauth, async (c) => {
      await c.mailboxOpen('INBOX');
      expect(await c.search({ threadId: parent.thrid }, { uid: true })).toEqual([parent.uid, reply.uid]);
      expect(await c.search({ uid: String(parent.uid), gmraw: 'is:unread' }, { uid: true })).toEqual([parent.uid]);
      await c.fetchOne(String(parent.uid), { bodyParts: ['TEXT'] }, { uid: true });
      const exec = await c.search({ uid: String(parent.uid), seen: true }, { uid: true });
      expect(exec).toEqual([]); // bodyParts uses BODY.PEEK: still unseen
      const r = await RawImap.open(peer.port);
      try {
        await r.cmd(`LOGIN ${ALICE.user} ${ALICE.password}`);
        await r.cmd('SELECT INBOX');
        const lines = await r.cmd(`UID FETCH ${parent.uid} (BODY[TEXT])`);
        expect(lines.join('\n')).toMatch(/FLAGS \(\\Seen\)/);
      } finally {
        r.close();
      }
      expect(await c.search({ uid: String(parent.uid), gmraw: 'is:read' }, { uid: true })).toEqual([parent.uid]);
      expect(await c.search({ uid: `${parent.uid},${reply.uid}`, gmraw: `subject:${token}-re OR is:read` }, { uid: true })).toEqual([parent.uid, reply.uid]);
    });
  });

  it('tells an idling client about an expunge done on another connection', async () => {
    const d = peer.deliver(ALICE.user, message(`exp-${randomUUID()}`));
    const watcher = client(oauth);
    await watcher.connect();
    try {
      await watcher.mailboxOpen('INBOX');
      const gone = new Promise<number>((resolve) => watcher.on('expunge', (e: { seq: number }) => resolve(e.seq)));
      const idle = watcher.idle();
      await withClient(oauth, async (c) => {
        await c.mailboxOpen('INBOX');
        await c.messageDelete(String(d.uid), { uid: true });
      });
      const seq = await event(gone, 'EXPUNGE');
      expect(seq).toBeGreaterThan(0);
      await watcher.noop();
      await idle.catch(() => undefined);
    } finally {
      await watcher.logout().catch(() => undefined);
    }
  });
});

describe('TLS', () => {
  let tlsPeer: GmailPeer;
  beforeAll(async () => {
    tlsPeer = await startGmailPeer({ users: [ALICE], tls: true });
  });
  afterAll(async () => {
    await tlsPeer?.close();
  });

  it('speaks implicit TLS with a certificate from the test CA', async () => {
    expect(tlsPeer.ca).toMatch(/BEGIN CERTIFICATE/);
    const c = new ImapFlow({
      host: tlsPeer.host,
      port: tlsPeer.port,
      secure: true,
      tls: { ca: [tlsPeer.ca as string], servername: tlsPeer.servername, rejectUnauthorized: true },
      auth: oauth,
      logger: false,
      connectionTimeout: TIMEOUT,
    });
    await c.connect();
    try {
      expect(c.secureConnection).toBe(true);
      tlsPeer.deliver(ALICE.user, message(`tls-${randomUUID()}`), { category: 'updates' });
      const box = await c.mailboxOpen('INBOX');
      expect(box.exists).toBe(1);
      expect(await c.search({ gmraw: 'category:updates' }, { uid: true })).toEqual([1]);
    } finally {
      await c.logout().catch(() => undefined);
    }
  });

  it('is refused by a client that does not trust the test CA', async () => {
    const c = new ImapFlow({ host: tlsPeer.host, port: tlsPeer.port, secure: true, tls: { servername: tlsPeer.servername }, auth: oauth, logger: false, connectionTimeout: TIMEOUT });
    c.on('error', () => undefined);
    await expect(c.connect()).rejects.toThrow(/certificate/i);
  });
});

/** A line-oriented raw IMAP client for the exchanges imapflow would hide. */
class RawImap {
  private data = '';
  private wake: (() => void) | null = null;
  private n = 0;
  greeting = '';
  private constructor(private readonly sock: ReturnType<typeof netConnect>) {
    sock.on('data', (d: Buffer) => {
      this.data += d.toString('latin1');
      this.wake?.();
    });
    sock.on('error', () => undefined);
  }

  static async open(port: number): Promise<RawImap> {
    const sock = netConnect(port, '127.0.0.1');
    const r = new RawImap(sock);
    r.greeting = await r.next();
    return r;
  }

  write(text: string): void {
    this.sock.write(Buffer.from(text, 'latin1'));
  }

  /**
   * The next complete line: woken by the socket's data, and by the deadline, never by a timer in
   * between. The default deadline only detects a peer that hangs; a test that expects silence
   * passes a short one.
   */
  async next(ms = 10_000): Promise<string> {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      this.wake?.();
    }, ms);
    try {
      for (;;) {
        const nl = this.data.indexOf('\r\n');
        if (nl >= 0) {
          const line = this.data.slice(0, nl);
          this.data = this.data.slice(nl + 2);
          return line;
        }
        if (late) throw new Error(`no line from the peer in ${ms} ms (have: ${JSON.stringify(this.data.slice(0, 200))})`);
        await new Promise<void>((r) => (this.wake = r));
      }
    } finally {
      clearTimeout(timer);
      this.wake = null;
    }
  }

  /** Lines up to and including the tagged response for `tag`. */
  async until(tag: string): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const line = await this.next();
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
    throw new Error('too many lines');
  }

  async cmd(command: string): Promise<string[]> {
    const tag = `r${++this.n}`;
    this.write(`${tag} ${command}\r\n`);
    return this.until(tag);
  }

  close(): void {
    this.sock.destroy();
  }
}

/**
 * Speaks raw IMAP to the peer: sends each line, then waits for the answer that line must get (or for
 * the peer to close the connection), and returns every line that came back.
 */
async function rawSession(steps: [line: string, answer: RegExp][]): Promise<string[]> {
  const sock = netConnect(peer.port, '127.0.0.1');
  let data = '';
  let wake: () => void = () => undefined;
  let closed = false;
  sock.on('data', (d: Buffer) => {
    data += d.toString('latin1');
    wake();
  });
  sock.on('close', () => {
    closed = true;
    wake();
  });
  sock.on('error', () => undefined);
  await new Promise<void>((r) => sock.once('connect', () => r()));
  try {
    for (const [line, answer] of steps) {
      const from = data.length;
      const answered = new Promise<void>((resolve) => {
        wake = () => {
          if (closed || answer.test(data.slice(from))) resolve();
        };
      });
      sock.write(`${line}\r\n`);
      await event(answered, `answer to ${line.slice(0, 40)}`);
    }
  } finally {
    sock.destroy();
  }
  return data.split('\r\n');
}
