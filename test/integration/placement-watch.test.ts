import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { testSeed } from '../../electron/core/placement/imap';
import { deleteProbes, watchSeed, type WatchOptions } from '../../electron/core/placement/watch';
import { TOKEN_HEADER, type Seed } from '../../electron/core/placement/types';
import { freshLoopback } from '../helpers/loopback';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labSeed } from '../lab/mail-lab/lab-profile';
import { startTcpProxy, type TcpProxy } from '../lab/tcp-proxy';
import { until } from '../helpers/until';

// The mail lab must be up (the integration global setup starts it when it can): missing lab = failure.
// This suite uses only seed4..seed9 and deletes every copy it delivers (each carries a fresh token).
const lab = readMailLab();
const user = (n: number) => lab.seeds[n - 1] as MailLabUser;
const ca = [lab.caPem];
const conn = { ca, servername: lab.hostname, timeoutMs: 5_000 };
const used: { n: number; token: string }[] = [];
const proxies: TcpProxy[] = [];

const seedOf = (n: number, over: Partial<Seed> = {}): Seed => labSeed(user(n), { name: `seed${n}`, port: lab.ports.imaps, security: 'tls', ...over });
const secretsOf = (n: number) => ({ password: user(n).password });

const newToken = (n: number) => {
  const token = `dl-test-${randomBytes(6).toString('hex')}`;
  used.push({ n, token });
  return token;
};

async function proxyTo(port: number, localAddress?: string): Promise<TcpProxy> {
  const p = await startTcpProxy({ target: { host: lab.host, port }, ...(localAddress ? { localAddress } : {}) });
  proxies.push(p);
  return p;
}

/** Delivers straight into Dovecot's LMTP: its final reply comes after the copy is saved (RFC 2033 §4.2). */
async function deliver(n: number, token: string, headers: Record<string, string> = {}): Promise<number> {
  const lmtp = nodemailer.createTransport({ host: lab.host, port: lab.ports.lmtp, lmtp: true, ignoreTLS: true, connectionTimeout: 5_000, socketTimeout: 10_000 });
  try {
    await lmtp.sendMail({ from: lab.sender.user, to: user(n).user, subject: `Placement test ${token}`, text: 'placement watcher test\n', headers: { [TOKEN_HEADER]: token, ...headers } });
    return Date.now();
  } finally {
    lmtp.close();
  }
}

async function imap(n: number): Promise<ImapFlow> {
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: user(n).user, pass: user(n).password }, tls: { ca, servername: lab.hostname }, logger: false, connectionTimeout: 5_000 });
  await client.connect();
  return client;
}

const watchOpts = (token: string, over: Partial<WatchOptions> = {}): WatchOptions => ({
  token,
  deadlineAt: Date.now() + 20_000,
  acceptedAt: () => undefined,
  pollMs: 300,
  timeoutMs: 5_000,
  ca,
  servername: lab.hostname,
  ...over,
});

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSSocketWrap' || r === 'TCPWrap').length;

/** A deadline no test reaches: the watcher must end by what the test does to it, or the test times out. */
const farAway = () => Date.now() + 3_600_000;

/**
 * A clear-text route to the lab's IMAP that says when a connection enters IDLE: Dovecot's "+ idling"
 * continuation (RFC 2177 §3), seen on the way down.
 */
async function idleRoute(): Promise<{ port: number; idling: Promise<void> }> {
  let entered: () => void = () => undefined;
  const idling = new Promise<void>((resolve) => (entered = resolve));
  const proxy = await startTcpProxy({
    target: { host: lab.host, port: lab.ports.imap },
    rewriteDown: (b) => {
      if (/^\+ idling/m.test(b.toString('latin1'))) entered();
      return b;
    },
  });
  proxies.push(proxy);
  return { port: proxy.port, idling };
}

afterAll(async () => {
  for (const p of proxies) await p.close();
  for (const { n, token } of used) await deleteProbes(seedOf(n), secretsOf(n), token, conn);
  const client = await imap(7);
  try {
    if ((await client.list()).some((f) => f.path === 'Promotions')) await client.mailboxDelete('Promotions');
  } finally {
    await client.logout().catch(() => undefined);
  }
});

describe('testSeed ("test connection")', () => {
  it('logs in, reads capabilities and finds the SPECIAL-USE roles', async () => {
    const r = await testSeed(seedOf(4), secretsOf(4), conn);
    expect(r.ok, r.error?.explanation).toBe(true);
    expect(r.idle).toBe(true);
    expect(r.gmail).toBe(false);
    expect(r.capabilities).toContain('IDLE');
    expect(r.roles).toMatchObject({ inbox: 'INBOX', junk: 'Junk', trash: 'Trash', sent: 'Sent', archive: 'Archive', drafts: 'Drafts' });
    expect(r.folders.find((f) => f.path === 'Junk')).toMatchObject({ role: 'junk', roleSource: 'special-use' });
    expect(r.warnings).toEqual([]);
  });

  it('honours a folders override, and warns about an override folder the server lacks', async () => {
    const r = await testSeed(seedOf(4, { folders: { junk: 'Archive', trash: 'Bin' } }), secretsOf(4), conn);
    expect(r.ok).toBe(true);
    expect(r.roles.junk).toBe('Archive');
    expect(r.roles.trash).toBe('Trash');
    expect(r.folders.find((f) => f.path === 'Archive')).toMatchObject({ role: 'junk', roleSource: 'override' });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/"trash" \("Bin"\) is not on the server/);
    expect(r.warnings.some((w) => /no Junk folder/.test(w))).toBe(false);
  });

  it('warns when no folder can be the Junk folder', async () => {
    // Clear text through a proxy that hides the \Junk flag and renames the folder in LIST answers.
    const proxy = await startTcpProxy({
      target: { host: lab.host, port: lab.ports.imap },
      rewriteDown: (b) => Buffer.from(b.toString('latin1').replace(/ \\Junk\)/g, ')').replace(/"\/" Junk\r\n/g, '"/" Quarantine\r\n'), 'latin1'),
    });
    proxies.push(proxy);
    const r = await testSeed(seedOf(4, { port: proxy.port, security: 'none' }), secretsOf(4), conn);
    expect(r.ok, r.error?.explanation).toBe(true);
    expect(r.folders.map((f) => f.path)).toContain('Quarantine');
    expect(r.roles.junk).toBeUndefined();
    expect(r.warnings.some((w) => /no Junk folder was found/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /not encrypted/.test(w))).toBe(true);
  });

  it('over STARTTLS on the plain port too', async () => {
    const r = await testSeed(seedOf(4, { port: lab.ports.imap, security: 'starttls' }), secretsOf(4), conn);
    expect(r.ok, r.error?.explanation).toBe(true);
  });

  it('explains a wrong password as an auth error', async () => {
    const proxy = await proxyTo(lab.ports.imaps, freshLoopback());
    const r = await testSeed(seedOf(5, { host: '127.0.0.1', port: proxy.port }), { password: 'not-the-password' }, conn);
    expect(r.ok).toBe(false);
    expect(r.error?.kind).toBe('auth');
    expect(r.error?.code).toBe('AUTHENTICATIONFAILED');
    expect(r.error?.explanation).toMatch(/refused the login for seed5@lab\.test/);
  });

  it('explains a closed port, a TLS mode mismatch and an untrusted certificate', async () => {
    const closed = await proxyTo(lab.ports.imaps);
    const port = closed.port;
    await closed.close();
    const refused = await testSeed(seedOf(5, { port }), secretsOf(5), conn);
    expect(refused.error?.kind).toBe('refused');
    expect(refused.error?.explanation).toMatch(/Nothing accepts connections/);

    const tlsOnPlain = await testSeed(seedOf(5, { port: lab.ports.imap, security: 'tls' }), secretsOf(5), conn);
    expect(tlsOnPlain.error?.kind).toBe('tls');
    expect(tlsOnPlain.error?.explanation).toMatch(/did not answer with TLS|STARTTLS/);

    const startOnTls = await testSeed(seedOf(5, { port: lab.ports.imaps, security: 'starttls' }), secretsOf(5), { ...conn, timeoutMs: 1_000 });
    expect(startOnTls.error?.kind).toBe('tls');
    expect(startOnTls.error?.explanation).toMatch(/implicit TLS/);

    const untrusted = await testSeed(seedOf(5), secretsOf(5), { timeoutMs: 5_000, servername: lab.hostname });
    expect(untrusted.error?.kind).toBe('tls');
    expect(untrusted.error?.explanation).toMatch(/not signed by a certificate authority/);
  });

  it('refuses an address beyond loopback in tests, in words', async () => {
    const r = await testSeed(seedOf(5, { host: '192.0.2.10' }), secretsOf(5), conn);
    expect(r.error?.kind).toBe('blocked');
  });
});

describe('watchSeed', () => {
  // The latency from delivery to detection is judged by `npm run bench -- placement` (median under 2 s).
  it('finds a clean copy in INBOX through IDLE push, with its verdict headers', async () => {
    const token = newToken(5);
    const accepted: { at?: number } = {};
    const route = await idleRoute();
    const w = watchSeed(seedOf(5, { port: route.port, security: 'none' }), secretsOf(5), watchOpts(token, { acceptedAt: () => accepted.at, pollMs: 60_000 }));
    await w.ready;
    // Delivered once the watcher sits in IDLE, so the push, not a search, finds the copy.
    await route.idling;
    accepted.at = await deliver(5, token, { 'Authentication-Results': 'mx.lab.test; spf=pass smtp.mailfrom=lab.test; dmarc=pass header.from=lab.test', 'X-Spam-Score': '0.1' });
    const r = await w.done;
    expect(r.error).toBeUndefined();
    expect(r.detection).toMatchObject({ placement: 'inbox', folder: 'INBOX', via: 'idle' });
    expect(r.detection?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.detection?.authenticationResults).toEqual(['mx.lab.test; spf=pass smtp.mailfrom=lab.test; dmarc=pass header.from=lab.test']);
    expect(r.detection?.spamHeaders).toEqual({ 'x-spam-score': ['0.1'] });
    expect(r.reconnects).toBe(0);
  });

  it('finds a spam-flagged copy in Junk as "spam"', async () => {
    const token = newToken(6);
    const w = watchSeed(seedOf(6), secretsOf(6), watchOpts(token));
    await w.ready;
    await deliver(6, token, { 'X-Spam-Flag': 'YES', 'X-Spam-Status': 'Yes, score=9.1' });
    const r = await w.done;
    // Junk is watched by IDLE between the searches: the copy is pushed, or found by the next search.
    expect(r.detection).toMatchObject({ placement: 'spam', folder: 'Junk', via: expect.stringMatching(/^(idle|poll)$/) });
    expect(r.detection?.spamHeaders['x-spam-flag']).toEqual(['YES']);
    expect(r.detection?.spamHeaders['x-spam-status']).toEqual(['Yes, score=9.1']);
  });

  it('finds a copy that was there before the watch started ("initial")', async () => {
    const token = newToken(7);
    await deliver(7, token);
    const w = watchSeed(seedOf(7), secretsOf(7), watchOpts(token));
    const r = await w.done;
    expect(r.detection).toMatchObject({ placement: 'inbox', via: 'initial' });
    await expect(w.ready).resolves.toBeUndefined();
  });

  it('finds a copy moved to another folder as folder:<path>, and a later one there by polling', async () => {
    const client = await imap(7);
    const moved = newToken(7);
    try {
      if (!(await client.list()).some((f) => f.path === 'Promotions')) await client.mailboxCreate('Promotions');
      await deliver(7, moved);
      const lock = await client.getMailboxLock('INBOX');
      try {
        const uids = await client.search({ header: { [TOKEN_HEADER]: moved } }, { uid: true });
        expect(uids).toHaveLength(1);
        await client.messageMove((uids as number[]).join(','), 'Promotions', { uid: true });
      } finally {
        lock.release();
      }
      const first = await watchSeed(seedOf(7), secretsOf(7), watchOpts(moved)).done;
      expect(first.detection).toMatchObject({ placement: 'folder:Promotions', folder: 'Promotions', via: 'initial' });

      const later = newToken(7);
      const w = watchSeed(seedOf(7), secretsOf(7), watchOpts(later));
      await w.ready;
      await client.append('Promotions', `From: ${lab.sender.user}\r\nTo: ${user(7).user}\r\nSubject: appended ${later}\r\n${TOKEN_HEADER}: ${later}\r\n\r\nbody\r\n`);
      const second = await w.done;
      expect(second.detection).toMatchObject({ placement: 'folder:Promotions', via: 'poll' });
    } finally {
      await client.logout().catch(() => undefined);
    }
  });

  // How soon after its deadline it ends is judged by `npm run bench -- placement`.
  it('ends without detection or error at the deadline ("missing"), and leaves no socket open', async () => {
    const before = tcpHandles();
    const deadlineAt = Date.now() + 1_500;
    const w = watchSeed(seedOf(8), secretsOf(8), watchOpts(newToken(8), { deadlineAt }));
    await w.ready;
    const r = await w.done;
    expect(r).toEqual({ reconnects: 0 });
    // Not before its deadline (timers and the wall clock may disagree by a few ms).
    expect(Date.now()).toBeGreaterThanOrEqual(deadlineAt - 50);
    await until(() => tcpHandles() <= before, "the watcher's sockets to close");
  });

  // How soon it ends is judged by `npm run bench -- placement`.
  it('stop() ends a watcher and closes its connections', async () => {
    const before = tcpHandles();
    const w = watchSeed(seedOf(8), secretsOf(8), watchOpts(newToken(8), { deadlineAt: farAway() }));
    await w.ready;
    w.stop();
    const r = await w.done;
    expect(r.detection).toBeUndefined();
    await until(() => tcpHandles() <= before, "the watcher's sockets to close");
    // An aborted signal before start ends it too, and ready rejects (nobody waits for it in vain).
    const ac = new AbortController();
    ac.abort();
    const aborted = watchSeed(seedOf(8), secretsOf(8), watchOpts(newToken(8), { signal: ac.signal }));
    await expect(aborted.ready).rejects.toThrow();
    expect(await aborted.done).toEqual({ reconnects: 0 });
  });

  it('a wrong password ends that seed with an auth error, without retrying, while another seed goes on', async () => {
    const proxy = await proxyTo(lab.ports.imaps, freshLoopback());
    const bad = newToken(8);
    const good = newToken(9);
    const states: string[] = [];
    // Only the refusal can end the bad seed: its deadline is out of reach (how soon it ends, and that
    // the good seed is not slowed, is judged by `npm run bench -- placement`).
    const wBad = watchSeed(seedOf(8, { host: '127.0.0.1', port: proxy.port }), { password: 'wrong' }, watchOpts(bad, { deadlineAt: farAway(), onState: (s) => states.push(s) }));
    const wGood = watchSeed(seedOf(9), secretsOf(9), watchOpts(good));
    await expect(wBad.ready).rejects.toThrow(/refused the login/);
    const rBad = await wBad.done;
    expect(rBad.error?.kind).toBe('auth');
    expect(rBad.reconnects).toBe(0);
    expect(states).toEqual(['connecting']);
    await wGood.ready;
    await deliver(9, good);
    const rGood = await wGood.done;
    expect(rGood.detection?.placement).toBe('inbox');
  });

  it('reconnects after the connection drops and finds a copy delivered during the gap', async () => {
    const proxy = await proxyTo(lab.ports.imaps);
    const token = newToken(9);
    const states: string[] = [];
    const w = watchSeed(seedOf(9, { port: proxy.port }), secretsOf(9), watchOpts(token, { onState: (s, e) => states.push(e ? `${s}:${e.kind}` : s) }));
    await w.ready;
    proxy.dropAll();
    await deliver(9, token);
    const r = await w.done;
    expect(r.error).toBeUndefined();
    expect(r.detection?.placement).toBe('inbox');
    expect(r.reconnects).toBeGreaterThanOrEqual(1);
    expect(states).toContain('reconnecting:dropped');
  });

  it('counts reconnects in a row: a server that drops often but always comes back is not given up on', async () => {
    const proxy = await proxyTo(lab.ports.imaps);
    const token = newToken(9);
    let watching = 0;
    let back: () => void = () => undefined;
    const w = watchSeed(
      seedOf(9, { port: proxy.port }),
      secretsOf(9),
      watchOpts(token, {
        maxReconnects: 1,
        onState: (s) => {
          if (s !== 'watching') return;
          watching++;
          back();
        },
      }),
    );
    await w.ready;
    for (let i = 1; i <= 3; i++) {
      const watchingAgain = new Promise<void>((resolve) => (back = resolve));
      proxy.dropAll();
      await watchingAgain;
      expect(watching).toBe(i + 1);
    }
    await deliver(9, token);
    const r = await w.done;
    expect(r.error).toBeUndefined();
    expect(r.detection?.placement).toBe('inbox');
    expect(r.reconnects).toBe(3);
  });

  it('a server stopped mid-run ends that seed as an error after its retries, while another seed goes on', async () => {
    const proxy = await proxyTo(lab.ports.imaps);
    const other = newToken(9);
    // Only giving up can end it: its deadline is out of reach (how soon, backoff 0.5 s + 1 s, is
    // judged by `npm run bench -- placement`).
    const w = watchSeed(seedOf(8, { port: proxy.port }), secretsOf(8), watchOpts(newToken(8), { maxReconnects: 2, deadlineAt: farAway() }));
    const wOther = watchSeed(seedOf(9), secretsOf(9), watchOpts(other));
    await Promise.all([w.ready, wOther.ready]);
    await proxy.close();
    const r = await w.done;
    expect(r.error?.kind).toBe('refused');
    expect(r.error?.explanation).toMatch(/Gave up after 2 reconnects in a row/);
    expect(r.reconnects).toBe(2);
    await deliver(9, other);
    expect((await wOther.done).detection?.placement).toBe('inbox');
  });

  it('a server that stops answering is noticed by the command deadline and ends as a timeout', async () => {
    const proxy = await proxyTo(lab.ports.imaps);
    // Only the command deadline can end it (how soon is judged by `npm run bench -- placement`).
    const w = watchSeed(seedOf(6, { port: proxy.port }), secretsOf(6), watchOpts(newToken(6), { timeoutMs: 1_000, maxReconnects: 1, deadlineAt: farAway() }));
    await w.ready;
    proxy.hang(true);
    const r = await w.done;
    expect(r.error?.kind).toBe('timeout');
    expect(r.reconnects).toBe(1);
    proxy.hang(false);
  });

  it('polls INBOX when the server does not offer IDLE', async () => {
    // Clear-text IMAP through a proxy that hides IDLE from the capability lists.
    const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imap }, rewriteDown: (b) => Buffer.from(b.toString('latin1').replace(/ IDLE\b/g, ''), 'latin1') });
    proxies.push(proxy);
    const plain = seedOf(6, { port: proxy.port, security: 'none' });
    const test = await testSeed(plain, secretsOf(6), conn);
    expect(test.idle).toBe(false);
    expect(test.warnings.some((w) => /does not offer IDLE/.test(w))).toBe(true);
    const token = newToken(6);
    const w = watchSeed(plain, secretsOf(6), watchOpts(token));
    await w.ready;
    await deliver(6, token);
    const r = await w.done;
    expect(r.detection).toMatchObject({ placement: 'inbox', via: 'poll' });
  });

  // The median latency from delivery (under 2 s) is judged by `npm run bench -- placement`, 20 seeds at once.
  it('watches six seeds at once and finds every copy, with its latency from delivery', async () => {
    const seeds = [4, 5, 6, 7, 8, 9];
    const token = newToken(4);
    for (const n of seeds.slice(1)) used.push({ n, token });
    const delivered = new Map<number, number>();
    const watchers = seeds.map((n) => watchSeed(seedOf(n), secretsOf(n), watchOpts(token, { acceptedAt: () => delivered.get(n) })));
    await Promise.all(watchers.map((w) => w.ready));
    await Promise.all(seeds.map(async (n) => delivered.set(n, await deliver(n, token))));
    const results = await Promise.all(watchers.map((w) => w.done));
    expect(results.every((r) => r.detection?.placement === 'inbox')).toBe(true);
    expect(results.every((r) => (r.detection?.latencyMs ?? -1) >= 0)).toBe(true);
  });

  it('deletes the probe copies afterwards, and says when there are none', async () => {
    const token = newToken(4);
    await deliver(4, token);
    await deliver(4, token, { 'X-Spam-Flag': 'YES' });
    expect(await deleteProbes(seedOf(4), secretsOf(4), token, conn)).toBe('deleted');
    expect(await deleteProbes(seedOf(4), secretsOf(4), token, conn)).toBe('not-found');
    const proxy = await proxyTo(lab.ports.imaps, freshLoopback());
    expect(await deleteProbes(seedOf(4, { port: proxy.port }), { password: 'wrong' }, token, conn)).toBe('failed');
  });
});
