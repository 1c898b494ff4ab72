/**
 * The placement part's speed bounds that used to be test assertions: how soon a watcher ends when it
 * is stopped, refused, cut off or at its deadline, how soon a run ends around a broken seed or a
 * cancel, and how soon a Gmail-style server's push arrives. The tests prove each ending and its
 * reason; the time is judged here. Needs the mail lab, as the rest of the placement part does.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { runPlacement } from '../../electron/core/placement/run';
import { TOKEN_HEADER, type Seed } from '../../electron/core/placement/types';
import { deleteProbes, watchSeed, type WatchOptions } from '../../electron/core/placement/watch';
import { closedPort, freshLoopback } from '../helpers/loopback';
import { startGmailPeer } from '../lab/gmail-imap-peer';
import { startHostilePeer } from '../lab/hostile-imap-peer';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';
import { startTcpProxy } from '../lab/tcp-proxy';
import { bound, judge, type Bounded } from './bound';

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench scenario went wrong: ${what}`);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as { port: number }).port;
}

export async function runPlacementBounds(): Promise<Bounded> {
  const out: Bounded = { rows: [], verdicts: [] };
  const lab = readMailLab();
  const ca = [lab.caPem];
  // Seeds the 20-seed bench shares; every probe carries a fresh token and is deleted afterwards.
  const user = (n: number) => lab.seeds[n - 1] as MailLabUser;
  const seedOf = (n: number, over: Partial<Seed> = {}) => labSeed(user(n), { name: `bound-seed${n}`, port: lab.ports.imaps, security: 'tls', ...over });
  const secretsOf = (n: number) => ({ password: user(n).password });
  const tokens: { n: number; token: string }[] = [];
  const newToken = (n: number) => {
    const token = `dl-bound-${randomBytes(6).toString('hex')}`;
    tokens.push({ n, token });
    return token;
  };
  const opts = (token: string, over: Partial<WatchOptions> = {}): WatchOptions => ({ token, deadlineAt: Date.now() + 20_000, acceptedAt: () => undefined, pollMs: 300, timeoutMs: 5_000, ca, servername: lab.hostname, ...over });

  try {
    // test/integration/placement-watch.test.ts
    await bound(out, 'watcher: "missing" at a 1.5 s deadline, start to end', 4000, 3, async () => {
      const r = await watchSeed(seedOf(8), secretsOf(8), opts(newToken(8), { deadlineAt: Date.now() + 1_500 })).done;
      expect(r.detection === undefined && r.error === undefined, 'the watcher ends as missing');
    });
    {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const w = watchSeed(seedOf(8), secretsOf(8), opts(newToken(8)));
        await w.ready;
        const t = performance.now();
        w.stop();
        await w.done;
        samples.push(performance.now() - t);
      }
      judge(out, 'watcher: stop() to end', 500, samples);
    }
    await bound(out, 'watcher: a wrong password ends the seed, and another seed is ready', 3000, 3, async () => {
      const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imaps }, localAddress: freshLoopback() });
      try {
        const bad = watchSeed(seedOf(8, { host: '127.0.0.1', port: proxy.port }), { password: 'wrong' }, opts(newToken(8)));
        const good = watchSeed(seedOf(9), secretsOf(9), opts(newToken(9)));
        const [r] = await Promise.all([bad.done, good.ready]);
        expect(r.error?.kind === 'auth', 'the bad seed ends with an auth error');
        good.stop();
        await good.done;
      } finally {
        await proxy.close();
      }
    });
    await bound(out, 'watcher: a server stopped mid-watch, given up after 2 reconnects', 6000, 3, async () => {
      const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imaps } });
      const w = watchSeed(seedOf(8, { port: proxy.port }), secretsOf(8), opts(newToken(8), { maxReconnects: 2 }));
      await w.ready;
      await proxy.close();
      expect((await w.done).error?.kind === 'refused', 'the seed ends as refused');
    });
    await bound(out, 'watcher: a server that stops answering, 1 s command deadline', 10_000, 3, async () => {
      const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imaps } });
      try {
        const w = watchSeed(seedOf(6, { port: proxy.port }), secretsOf(6), opts(newToken(6), { timeoutMs: 1_000, maxReconnects: 1 }));
        await w.ready;
        proxy.hang(true);
        expect((await w.done).error?.kind === 'timeout', 'the seed ends as a timeout');
      } finally {
        proxy.hang(false);
        await proxy.close();
      }
    });

    // test/integration/placement-hostile.test.ts
    const hostileSeed = (port: number): Seed => ({ name: 'h', address: 'x@y.test', provider: 'other', host: '127.0.0.1', port, security: 'none', auth: { user: 'x@y.test' } });
    const hostileOpts = (over: Partial<WatchOptions> = {}): WatchOptions => ({
      token: 'dl-0123456789abcdef',
      deadlineAt: Date.now() + 15_000,
      acceptedAt: () => undefined,
      pollMs: 300,
      timeoutMs: 3_000,
      maxReconnects: 2,
      limits: { maxSessionBytes: 256 * 1024, maxResponseBytes: 64 * 1024 },
      ...over,
    });
    await bound(out, 'watcher: an 8 MB header literal refused', 5000, 3, async () => {
      const p = await startHostilePeer({ mode: 'literal', literalBytes: 8 * 1024 * 1024 });
      try {
        expect((await watchSeed(hostileSeed(p.port), { password: 'p' }, hostileOpts()).done).error?.kind === 'protocol', 'a protocol error');
      } finally {
        await p.close();
      }
    });
    await bound(out, 'watcher: refused connections until a 2 s deadline', 4000, 3, async () => {
      const port = await closedPort();
      const r = await watchSeed(hostileSeed(port), { password: 'p' }, hostileOpts({ deadlineAt: Date.now() + 2_000, maxReconnects: 50 })).done;
      expect(r.error?.kind === 'refused', 'the seed ends as refused');
    });

    // test/integration/placement-gmail.test.ts: no category ever matches.
    const gmail = await startGmailPeer({ users: [{ user: 'seed@gmail.test', password: 'app-password-1' }], tls: true, indexDelayMs: 600_000 });
    try {
      const gmailSeed: Seed = { name: 'gmail-1', address: 'seed@gmail.test', provider: 'gmail', host: '127.0.0.1', port: gmail.port, security: 'tls', auth: { user: 'seed@gmail.test' } };
      await bound(out, 'Gmail: category never indexed, reported as plain inbox', 8000, 3, async () => {
        const token = `dl-gm-${randomBytes(5).toString('hex')}`;
        gmail.deliver('seed@gmail.test', `From: News <news@shop.test>\r\nTo: seed@gmail.test\r\nSubject: Probe ${token}\r\n${TOKEN_HEADER}: ${token}\r\n\r\nHello\r\n`, { category: 'social' });
        const r = await watchSeed(gmailSeed, { password: 'app-password-1' }, { ...opts(token), ca: gmail.ca ? [gmail.ca] : [], ...(gmail.servername ? { servername: gmail.servername } : {}) }).done;
        expect(r.detection?.placement === 'inbox', 'plain inbox');
      });
    } finally {
      await gmail.close();
    }

    // test/integration/gmail-peer.test.ts: IDLE push of a delivery.
    const peer = await startGmailPeer({ users: [{ user: 'alice@gmail.test', password: 'app-pass-alice' }] });
    const client = new ImapFlow({ host: '127.0.0.1', port: peer.port, secure: false, auth: { user: 'alice@gmail.test', pass: 'app-pass-alice' }, logger: false });
    try {
      await client.connect();
      await client.mailboxOpen('INBOX');
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) {
        const idling = peer.nextLine(/ S: \+ idling/);
        const seen = new Promise<void>((resolve) => client.once('exists', () => resolve()));
        const idle = client.idle();
        await idling;
        const t = performance.now();
        peer.deliver('alice@gmail.test', `From: a@b.test\r\nSubject: push ${i}\r\n\r\nhi\r\n`);
        await seen;
        samples.push(performance.now() - t);
        await client.noop();
        await idle.catch(() => undefined);
      }
      judge(out, 'Gmail peer: delivery to EXISTS pushed in IDLE', 1000, samples);
    } finally {
      await client.logout().catch(() => undefined);
      await peer.close();
    }

    // test/integration/placement-run.test.ts
    const profile = labProfile();
    const smtpSecrets = { password: lab.sender.password };
    const base = { profile, smtpSecrets, html: '<p>Placement bound.</p>', timeoutMs: 10_000, pollMs: 500, ca, cleanup: true };
    await bound(out, 'placement run: a wrong-password seed beside a good one, start to end', 15_000, 2, async () => {
      const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imap }, localAddress: freshLoopback() });
      try {
        const run = await runPlacement({
          ...base,
          seeds: [
            { seed: labSeed(user(13)), secrets: secretsOf(13) },
            { seed: labSeed(user(14), { port: proxy.port }), secrets: { password: 'not-the-password' } },
          ],
          subject: 'Wrong password bound',
          deadlineMs: 20_000,
        });
        expect(run.seeds.some((s) => s.placement === 'inbox') && run.seeds.some((s) => s.error?.kind === 'auth'), 'one found, one refused');
      } finally {
        await proxy.close();
      }
    });
    {
      const samples: number[] = [];
      for (let i = 0; i < 2; i++) {
        const controller = new AbortController();
        let cancelledAt = 0;
        const sockets: Socket[] = [];
        const silent = createServer((s) => {
          sockets.push(s);
          cancelledAt = performance.now();
          controller.abort();
        });
        const port = await listen(silent);
        try {
          const t = performance.now();
          const run = await runPlacement({ ...base, profile: { ...profile, port }, seeds: [{ seed: labSeed(user(13)), secrets: secretsOf(13) }], subject: 'Cancelled bound', deadlineMs: 20_000, signal: controller.signal });
          expect(run.status === 'cancelled', 'the run is cancelled');
          samples.push(performance.now() - t);
          expect(cancelledAt > 0, 'the send reached the silent server');
        } finally {
          for (const s of sockets) s.destroy();
          silent.close();
        }
      }
      judge(out, 'placement run: cancelled while the send hangs, start to end', 8000, samples);
    }
  } finally {
    for (const { n, token } of tokens) await deleteProbes(seedOf(n), secretsOf(n), token, { timeoutMs: 10_000, ca }).catch(() => undefined);
  }
  return out;
}
