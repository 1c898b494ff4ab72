import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { testSeed } from '../../electron/core/placement/imap';
import { deleteProbes, watchSeed, type WatchOptions } from '../../electron/core/placement/watch';
import type { ImapErrorInfo, Seed } from '../../electron/core/placement/types';
import { startHostilePeer, type HostilePeer, type HostilePeerOptions } from '../lab/hostile-imap-peer';

// Broken and hostile IMAP servers (a loopback peer of our own): the watcher, the clean-up and
// "test connection" must stay bounded, trust no SEARCH blindly and never echo a secret. Budgets are
// small so that nothing here allocates more than a few MB.
const TOKEN = 'dl-0123456789abcdef';
const PASS = 'Hunter2-SECRET-"pw"';
const peers: HostilePeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) await p.close();
});

async function peer(opts: HostilePeerOptions): Promise<HostilePeer> {
  const p = await startHostilePeer(opts);
  peers.push(p);
  return p;
}
const seedAt = (port: number): Seed => ({ name: 'h', address: 'x@y.test', provider: 'other', host: '127.0.0.1', port, security: 'none', auth: { user: 'x@y.test' } });
const limits = { maxSessionBytes: 256 * 1024, maxResponseBytes: 64 * 1024 };
const watchOpts = (over: Partial<WatchOptions> = {}): WatchOptions => ({
  token: TOKEN,
  deadlineAt: Date.now() + 15_000,
  acceptedAt: () => undefined,
  pollMs: 300,
  timeoutMs: 3_000,
  maxReconnects: 2,
  limits,
  ...over,
});

describe('hostile server: unbounded answers', () => {
  it('a header literal past the response cap ends the seed with a protocol error, without reading it', async () => {
    const p = await peer({ mode: 'literal', literalBytes: 8 * 1024 * 1024 });
    // Only the protocol error can end it: the deadline is out of reach (how soon is judged by
    // `npm run bench -- placement`).
    const r = await watchSeed(seedAt(p.port), { password: 'p' }, watchOpts({ deadlineAt: Date.now() + 3_600_000 })).done;
    expect(r.detection).toBeUndefined();
    expect(r.error).toMatchObject({ kind: 'protocol', code: 'LiteralTooLarge' });
    expect(r.error?.explanation).toMatch(/sent more than the watcher accepts/);
    // No reconnect loop against a hostile server.
    expect(r.reconnects).toBe(0);
  });

  it('a LIST that never ends is cut at the session budget (watchSeed and testSeed)', async () => {
    const p = await peer({ mode: 'list' });
    const r = await watchSeed(seedAt(p.port), { password: 'p' }, watchOpts()).done;
    expect(r.error).toMatchObject({ kind: 'protocol', code: 'ETOOMUCHDATA' });
    expect(r.error?.explanation).toMatch(/sent more than (262144 bytes|50000 lines) in one exchange/);
    const t = await testSeed(seedAt(p.port), { password: 'p' }, { timeoutMs: 3_000, limits });
    expect(t.ok).toBe(false);
    expect(t.error).toMatchObject({ kind: 'protocol', code: 'ETOOMUCHDATA' });
    // The peer stopped soon after the budget: the client hung up instead of reading on.
    expect(p.sent()).toBeLessThan(40 * 1024 * 1024);
  });

  it('the default limits hold too: a LIST flood stops at 50 000 lines, a few MB', async () => {
    const p = await peer({ mode: 'list' });
    const t = await testSeed(seedAt(p.port), { password: 'p' }, { timeoutMs: 5_000 });
    expect(t.error).toMatchObject({ kind: 'protocol', code: 'ETOOMUCHDATA' });
    expect(t.error?.explanation).toMatch(/more than 50000 lines in one exchange/);
    expect(p.sent()).toBeLessThan(16 * 1024 * 1024);
  });

  it('a small line budget cuts a flood of short lines before the byte budget', async () => {
    const p = await peer({ mode: 'list' });
    const t = await testSeed(seedAt(p.port), { password: 'p' }, { timeoutMs: 3_000, limits: { ...limits, maxSessionLines: 1000 } });
    expect(t.error?.explanation).toMatch(/more than 1000 lines/);
  });

  it('a SEARCH answering 200 000 UIDs is a protocol error in words, not a stack overflow', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 30, searchUids: 200_000 });
    const r = await watchSeed(seedAt(p.port), { password: 'p' }, watchOpts({ limits: { maxSessionBytes: 4 * 1024 * 1024, maxResponseBytes: 2 * 1024 * 1024 } })).done;
    expect(r.detection).toBeUndefined();
    expect(r.error).toMatchObject({ kind: 'protocol', code: 'EUNRELIABLESEARCH' });
    expect(r.error?.explanation).toMatch(/SEARCH matched 200000 messages for a unique token in INBOX: its search is unreliable/);
    expect(r.error?.explanation).not.toMatch(/call stack/);
  });

  it('negative: a normal answer stays under the limits', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 3, token: TOKEN, probe: { folder: 'Junk', uid: 2 } });
    const r = await watchSeed(seedAt(p.port), { password: 'p' }, watchOpts()).done;
    expect(r.error).toBeUndefined();
    expect(r.detection).toMatchObject({ placement: 'spam', folder: 'Junk', uid: 2 });
  });
});

describe('hostile server: a SEARCH that matches everything', () => {
  it('detection checks the token header: only the true probe counts', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 30, token: TOKEN, probe: { folder: 'Clients/ACME', uid: 17 } });
    const r = await watchSeed(seedAt(p.port), { password: 'p' }, watchOpts()).done;
    expect(r.error).toBeUndefined();
    expect(r.detection).toMatchObject({ placement: 'folder:Clients/ACME', uid: 17 });
    // Header fields only, with PEEK: \Seen is left alone (RFC 3501 §6.4.5).
    expect(p.commands().some((c) => /UID FETCH .*BODY\.PEEK\[HEADER\.FIELDS \(X-Deliverlab-Token\)\]/i.test(c))).toBe(true);
  });

  it('no exact match anywhere: nothing is detected (the seed ends quietly at the deadline)', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 30, token: TOKEN });
    const w = watchSeed(seedAt(p.port), { password: 'p' }, watchOpts({ deadlineAt: Date.now() + 2_000 }));
    await w.ready;
    const r = await w.done;
    expect(r).toMatchObject({ reconnects: 0 });
    expect(r.detection).toBeUndefined();
    expect(r.error).toBeUndefined();
  });

  it('clean-up deletes only the true probe', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 30, token: TOKEN, probe: { folder: 'Junk', uid: 9 } });
    const r = await deleteProbes(seedAt(p.port), { password: 'p' }, TOKEN, { timeoutMs: 3_000, limits });
    expect(r).toBe('deleted');
    expect(p.deleted()).toEqual({ Junk: [9] });
  });

  it('clean-up refuses, in words, when SEARCH matches more than a unique token can (300 per folder)', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 300, token: TOKEN, probe: { folder: 'Junk', uid: 9 } });
    const errors: ImapErrorInfo[] = [];
    const r = await deleteProbes(seedAt(p.port), { password: 'p' }, TOKEN, { timeoutMs: 3_000, limits, onError: (e) => errors.push(e) });
    expect(r).toBe('failed');
    expect(p.deleted()).toEqual({});
    expect(errors[0]).toMatchObject({ kind: 'protocol', code: 'EUNRELIABLESEARCH' });
    expect(errors[0]?.explanation).toMatch(/matched 300 messages for a unique token in INBOX: its search is unreliable, nothing more was deleted/);
  });

  it('clean-up refuses a folder with more than 5 exact copies (not a run\'s probes)', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 8, token: TOKEN, probe: { folder: 'INBOX', uid: 1 } });
    const all = await startHostilePeerAllExact();
    peers.push(all);
    const errors: ImapErrorInfo[] = [];
    const r = await deleteProbes(seedAt(all.port), { password: 'p' }, TOKEN, { timeoutMs: 3_000, limits, onError: (e) => errors.push(e) });
    expect(r).toBe('failed');
    expect(all.deleted()).toEqual({});
    expect(errors[0]?.explanation).toMatch(/INBOX holds 8 messages carrying this run's token, more than a run puts there/);
    // The single-probe peer is still fine.
    expect(await deleteProbes(seedAt(p.port), { password: 'p' }, TOKEN, { timeoutMs: 3_000, limits })).toBe('deleted');
    expect(p.deleted()).toEqual({ INBOX: [1] });
  });
});

/** A peer whose 8 messages per folder all carry the exact token. */
async function startHostilePeerAllExact(): Promise<HostilePeer> {
  return startHostilePeer({ mode: 'search-all', messagesPerFolder: 8, token: TOKEN, allExact: true });
}

describe('a seed that never got to watching', () => {
  it('refused connections until the deadline: done carries the refusal, not a silent "missing"', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    // How soon after the deadline it ends is judged by `npm run bench -- placement`.
    const w = watchSeed(seedAt(port), { password: 'p' }, watchOpts({ deadlineAt: Date.now() + 2_000, maxReconnects: 50 }));
    const r = await w.done;
    expect(r.detection).toBeUndefined();
    expect(r.error).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
    expect(r.error?.explanation).toMatch(/deadline came before the watcher could reconnect/);
    expect(r.reconnects).toBeGreaterThan(0);
  });

  it('stop() while still connecting (a server that never greets): a timeout error in words', async () => {
    const socks: import('node:net').Socket[] = [];
    let connected: () => void = () => undefined;
    const greetingAwaited = new Promise<void>((resolve) => (connected = resolve));
    const hang = createServer((s) => {
      socks.push(s);
      connected();
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const port = (hang.address() as { port: number }).port;
    try {
      const w = watchSeed(seedAt(port), { password: 'p' }, watchOpts({ timeoutMs: 5_000 }));
      // Stopped while it waits for the greeting.
      await greetingAwaited;
      w.stop();
      const r = await w.done;
      expect(r.error).toMatchObject({ kind: 'timeout', code: 'ETIMEDOUT' });
      expect(r.error?.explanation).toMatch(/before the deadline, so the seed was not watched/);
    } finally {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => hang.close(() => r()));
    }
  });

  it('negative: stop() of a watcher that is watching ends quietly (the run then says missing)', async () => {
    const p = await peer({ mode: 'search-all', messagesPerFolder: 2, token: TOKEN });
    const w = watchSeed(seedAt(p.port), { password: 'p' }, watchOpts());
    await w.ready;
    w.stop();
    const r = await w.done;
    expect(r.error).toBeUndefined();
    expect(r.detection).toBeUndefined();
  });
});

describe('secrets in server replies', () => {
  const forms = (user: string) => [PASS, Buffer.from(`\0${user}\0${PASS}`).toString('base64'), 'Hunter2-SECRET'];
  it('a server that echoes LOGIN never puts the password into the explanation (testSeed, watchSeed)', async () => {
    const p = await peer({ mode: 'echo' });
    const t = await testSeed(seedAt(p.port), { password: PASS }, { timeoutMs: 3_000 });
    expect(t.error?.kind).toBe('auth');
    expect(t.error?.explanation).toMatch(/you sent: .*LOGIN .*\/\* secret \*\//);
    const w = await watchSeed(seedAt(p.port), { password: PASS }, watchOpts()).done;
    expect(w.error?.kind).toBe('auth');
    for (const f of forms('x@y.test')) {
      expect(JSON.stringify(t)).not.toContain(f);
      expect(JSON.stringify(w)).not.toContain(f);
    }
  });

  it('AUTHENTICATE PLAIN echoed: the base64 blob is scrubbed too', async () => {
    const p = await peer({ mode: 'echo', authPlain: true });
    const t = await testSeed(seedAt(p.port), { password: PASS }, { timeoutMs: 3_000 });
    expect(t.error?.kind).toBe('auth');
    expect(p.commands().some((c) => c.includes(Buffer.from(`\0x@y.test\0${PASS}`).toString('base64')))).toBe(true);
    for (const f of forms('x@y.test')) expect(JSON.stringify(t)).not.toContain(f);
    expect(t.error?.explanation).toContain('/* secret */');
  });
});
