/**
 * Placement runs end to end against the mail lab: submission with STARTTLS and AUTH through Postfix,
 * delivery over LMTP into Dovecot, seeds watched over IMAP. Seeds 11 to 14 belong to this file.
 */
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { placementCommand, placementExitCode } from '../../electron/cli/placement';
import { createApi } from '../../electron/api/handlers';
import type { EventName } from '../../electron/api/names';
import { HistoryStore } from '../../electron/core/history/store';
import { placementRecorder } from '../../electron/core/placement/record';
import { probeSubject, runPlacement } from '../../electron/core/placement/run';
import { summarize } from '../../electron/core/placement/summary';
import type { PlacementEvent, Seed } from '../../electron/core/placement/types';
import { startTcpProxy } from '../lab/tcp-proxy';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const ca = [lab.caPem];
const users = lab.seeds.slice(10, 14) as MailLabUser[];
const [u11, u12, u13, u14] = users as [MailLabUser, MailLabUser, MailLabUser, MailLabUser];
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-placement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const profile = labProfile();
const smtpSecrets = { password: lab.sender.password };
const entry = (u: MailLabUser, over: Partial<Seed> = {}, password = u.password) => ({ seed: labSeed(u, over), secrets: { password } });
const base = { profile, smtpSecrets, html: '<p>Hello from the placement test.</p>', timeoutMs: 10_000, pollMs: 500, ca, cleanup: true };

describe('placement runs against the mail lab', () => {
  it('finds a clean copy in INBOX and a spam-flagged one in Junk, with latency, auth results and spam headers', async () => {
    const events: PlacementEvent[] = [];
    const clean = await runPlacement({ ...base, seeds: [entry(u11), entry(u12)], subject: 'Clean probe', deadlineMs: 20_000, onEvent: (e) => events.push(e) });
    expect(clean.status).toBe('done');
    expect(clean.subject).toBe(probeSubject('Clean probe', clean.token));
    expect(clean.send?.ok).toBe(true);
    expect(clean.seeds.map((s) => [s.seed, s.placement, s.state])).toEqual([
      ['seed11', 'inbox', 'found'],
      ['seed12', 'inbox', 'found'],
    ]);
    for (const s of clean.seeds) {
      expect(s.detection?.folder).toBe('INBOX');
      // How long the latency may be is judged by `npm run bench -- placement`.
      expect(s.detection?.latencyMs).toBeGreaterThanOrEqual(0);
      // Dovecot's LMTP does not add Authentication-Results; the lab's Postfix does not either — so the
      // list may be empty, but it is always a list.
      expect(Array.isArray(s.detection?.authenticationResults)).toBe(true);
    }
    expect(clean.summary).toMatchObject({ total: 2, counts: { inbox: 2 }, share: { inbox: 1 } });
    expect(clean.summary.medianLatencyMs).not.toBeNull();
    expect(clean.cleanup).toEqual({ seed11: 'deleted', seed12: 'deleted' });
    // Live progress: started, sent, then each seed as it changed, then done.
    expect(events[0]?.type).toBe('started');
    expect(events.some((e) => e.type === 'sent')).toBe(true);
    expect(events.filter((e) => e.type === 'seed' && e.outcome.state === 'found')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('done');
    expect(placementExitCode(clean)).toBe(0);

    const spam = await runPlacement({ ...base, seeds: [entry(u11)], subject: 'Spam probe', headers: { 'X-Spam-Flag': 'YES' }, deadlineMs: 20_000 });
    expect(spam.seeds[0]).toMatchObject({ seed: 'seed11', placement: 'spam', state: 'found', detection: { folder: 'Junk' } });
    expect(spam.seeds[0]?.detection?.spamHeaders['x-spam-flag'] ?? spam.seeds[0]?.detection?.spamHeaders['X-Spam-Flag']).toEqual(['YES']);
    expect(placementExitCode(spam)).toBe(1);
  });

  it('ends a seed with a wrong password as an error without stalling the others', async () => {
    // Dovecot slows every later login from an address that failed one (its auth penalty): the bad
    // login comes from a loopback address of its own, so 127.0.0.1 stays fast for the other tests.
    const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imap }, localAddress: `127.${randomInt(1, 250)}.${randomInt(0, 250)}.${randomInt(1, 250)}` });
    // The deadline is out of reach: the run can only end because each seed settled (the good one
    // found, the bad one refused), never by waiting it out. How soon is judged by `npm run bench -- placement`.
    const run = await runPlacement({ ...base, seeds: [entry(u13), entry(u14, { port: proxy.port }, 'not-the-password')], subject: 'Wrong password probe', deadlineMs: 3_600_000 }).finally(() => proxy.close());
    const bad = run.seeds.find((s) => s.seed === 'seed14');
    expect(bad).toMatchObject({ placement: 'error', state: 'error', error: { kind: 'auth' } });
    expect(bad?.error?.explanation).toMatch(/password|login|credentials/i);
    expect(run.seeds.find((s) => s.seed === 'seed13')).toMatchObject({ placement: 'inbox', state: 'found' });
    expect(placementExitCode(run)).toBe(2);
  });

  it('ends a seed whose server goes away mid-run as an error, and the others still report', async () => {
    const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imap } });
    try {
      const events: PlacementEvent[] = [];
      const running = runPlacement({
        ...base,
        seeds: [entry(u13, { name: 'proxied', port: proxy.port }), entry(u12)],
        subject: 'Server gone probe',
        deadlineMs: 20_000,
        onEvent: (e) => {
          events.push(e);
          // Once the message is accepted, the proxied seed's server disappears.
          if (e.type === 'sent') void proxy.close();
        },
      });
      const run = await running;
      expect(run.seeds.find((s) => s.seed === 'seed12')).toMatchObject({ placement: 'inbox' });
      const gone = run.seeds.find((s) => s.seed === 'proxied');
      // Either the copy was seen before the server went, or the seed ends as an error — never a hang.
      expect(['inbox', 'error']).toContain(gone?.placement);
      if (gone?.placement === 'error') {
        expect(gone.error?.kind).toMatch(/dropped|refused|timeout/);
        // It tried to come back before giving up.
        expect(gone.reconnects).toBeGreaterThan(0);
        expect(gone.error?.explanation).toMatch(/reconnect/);
      }
    } finally {
      await proxy.close();
    }
  });

  it('ends a recipient the SMTP server refuses as an error for that seed', async () => {
    const run = await runPlacement({ ...base, seeds: [entry(u12), { seed: labSeed(u13, { name: 'nobody', address: 'nobody@unknown-domain.invalid' }), secrets: { password: u13.password } }], subject: 'Refused probe', deadlineMs: 20_000 });
    expect(run.seeds.find((s) => s.seed === 'nobody')).toMatchObject({ placement: 'error', error: { code: 'ERCPT' } });
    expect(run.seeds.find((s) => s.seed === 'seed12')).toMatchObject({ placement: 'inbox' });
  });

  it('stops a send that hangs when the run is cancelled, and says cancelled', async () => {
    // An SMTP server that accepts the connection and never says a word; the user cancels once the
    // send is hanging on it.
    const controller = new AbortController();
    const silent = createServer(() => controller.abort());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      // The send's own deadline (4 x timeoutMs) and the run's are out of reach: only the cancel can
      // end this run. How soon is judged by `npm run bench -- placement`.
      const run = await runPlacement({
        ...base,
        profile: { ...profile, port },
        seeds: [entry(u13)],
        subject: 'Cancelled send probe',
        timeoutMs: 600_000,
        deadlineMs: 3_600_000,
        signal: controller.signal,
      });
      expect(run.status).toBe('cancelled');
      expect(run.send?.error).toMatchObject({ code: 'ECANCELLED' });
      expect(run.seeds[0]).toMatchObject({ placement: 'error', error: { code: 'CANCELLED' } });
    } finally {
      silent.close();
    }
  });

  it('ends a seed that never logged in before the deadline as an error, not as missing', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const run = await runPlacement({ ...base, seeds: [entry(u12), entry(u13, { name: 'nowhere', port })], subject: 'Unreachable seed probe', deadlineMs: 3_000 });
    expect(run.seeds.find((s) => s.seed === 'seed12')).toMatchObject({ placement: 'inbox' });
    const nowhere = run.seeds.find((s) => s.seed === 'nowhere');
    expect(nowhere).toMatchObject({ placement: 'error', state: 'error', error: { kind: 'refused' } });
    expect(placementExitCode(run)).toBe(2);
  });

  it('counts a seed as missing when no copy arrives before the deadline', async () => {
    // The copy goes to seed12 only; seed11 watches for the same token and never sees it.
    const run = await runPlacement({ ...base, seeds: [entry(u11, { address: u12.user, name: 'elsewhere' })], subject: 'Missing probe', deadlineMs: 1_500 });
    // The message lands in seed12's mailbox, which 'elsewhere' (logged in as seed11) cannot see.
    expect(run.seeds[0]).toMatchObject({ seed: 'elsewhere', placement: 'missing', state: 'missing' });
    expect(placementExitCode(run)).toBe(1);
  });

  it('writes each seed to history as it settles, and reads the run back', () => {
    const store = HistoryStore.open(':memory:');
    const record = placementRecorder(store);
    return runPlacement({ ...base, seeds: [entry(u11)], subject: 'History probe', deadlineMs: 20_000, onEvent: record }).then((run) => {
      const id = record.id();
      expect(id).not.toBeNull();
      const back = store.getPlacement(id as number);
      expect(back?.token).toBe(run.token);
      expect(back?.status).toBe('done');
      expect(back?.seeds[0]).toMatchObject({ seed: 'seed11', placement: 'inbox' });
      expect(store.listPlacements({ limit: 10, offset: 0 }).items[0]).toMatchObject({ id, token: run.token });
      store.close();
    });
  });
});

describe('summaries', () => {
  it('shares and latencies', () => {
    const s = summarize([
      { seed: 'a', address: 'a@x', provider: 'other', placement: 'inbox', state: 'found', reconnects: 0, detection: { placement: 'inbox', folder: 'INBOX', uid: 1, detectedAt: '', latencyMs: 400, via: 'idle', authenticationResults: [], spamHeaders: {} } },
      { seed: 'b', address: 'b@x', provider: 'other', placement: 'spam', state: 'found', reconnects: 0, detection: { placement: 'spam', folder: 'Junk', uid: 1, detectedAt: '', latencyMs: 1000, via: 'poll', authenticationResults: [], spamHeaders: {} } },
      { seed: 'c', address: 'c@x', provider: 'other', placement: 'missing', state: 'missing', reconnects: 0 },
      { seed: 'd', address: 'd@x', provider: 'other', placement: 'inbox', state: 'found', reconnects: 0, detection: { placement: 'inbox', folder: 'INBOX', uid: 2, detectedAt: '', latencyMs: 600, via: 'idle', authenticationResults: [], spamHeaders: {} } },
    ]);
    expect(s).toEqual({ total: 4, counts: { inbox: 2, spam: 1, missing: 1 }, share: { inbox: 0.5, spam: 0.25, missing: 0.25 }, medianLatencyMs: 600, worstLatencyMs: 1000 });
  });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('deliverlab placement', () => {
  const files = () => {
    writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...profile, auth: { user: lab.sender.user, passwordEnv: 'LAB_SMTP_PASS' } }));
    writeFileSync(join(dir, 'seeds.json'), JSON.stringify([{ ...labSeed(u11), auth: { user: u11.user, passwordEnv: 'LAB_SEED11_PASS' } }]));
    writeFileSync(join(dir, 'm.html'), '<p>CLI placement</p>');
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    return ['--profile', join(dir, 'smtp.json'), '--seeds', join(dir, 'seeds.json'), '--html', join(dir, 'm.html'), '--ca-file', join(dir, 'ca.pem'), '--deadline', '20s', '--poll', '500', '--cleanup', '--db', join(dir, 'h.sqlite')];
  };
  const env = { LAB_SMTP_PASS: lab.sender.password, LAB_SEED11_PASS: u11.password };

  it('prints each seed and a summary, exits 0 for inbox and 1 for spam, and stores the run', async () => {
    const args = files();
    const out = new Capture();
    const err = new Capture();
    expect(await placementCommand([...args, '--subject', 'CLI clean'], { stdout: out, stderr: err }, env)).toBe(0);
    expect(out.text).toMatch(/^ {2}inbox +seed11 +seed11@lab\.test +\d+\.\d s {2}INBOX$/m);
    expect(out.text).toMatch(/^Summary: inbox 1 \(100 %\) · median \d+\.\d s/m);
    expect(out.text).toMatch(/Stored in history as placement #1\./);

    const json = new Capture();
    expect(await placementCommand([...args, '--subject', 'CLI spam', '--header', 'X-Spam-Flag: YES', '--json'], { stdout: json, stderr: new Capture() }, env)).toBe(1);
    const run = JSON.parse(json.text) as { seeds: { placement: string }[]; id: number };
    expect(run.seeds[0]?.placement).toBe('spam');
    expect(run.id).toBe(2);
  });

  it('refuses a bad DKIM key before any seed logs in', async () => {
    writeFileSync(join(dir, 'bad.pem'), '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
    const err = new Capture();
    const out = new Capture();
    const args = [...files(), '--subject', 'never', '--dkim-domain', 'lab.test', '--dkim-selector', 's1', '--dkim-key-file', join(dir, 'bad.pem')];
    expect(await placementCommand(args, { stdout: out, stderr: err }, env)).toBe(2);
    expect(err.text).toMatch(/deliverlab placement: .*key/i);
    expect(out.text).toBe('');
  });

  it('exits 2 naming the variable when a seed password is not set, before anything is sent', async () => {
    const err = new Capture();
    expect(await placementCommand([...files(), '--subject', 'never'], { stdout: new Capture(), stderr: err }, { LAB_SMTP_PASS: 'x' })).toBe(2);
    expect(err.text).toMatch(/LAB_SEED11_PASS/);
  });
});

describe('placement operations', () => {
  it('saves a profile and a seed, runs a placement with live events, and lists it', async () => {
    const events: { event: EventName; payload: unknown }[] = [];
    const api = createApi({
      dbPath: ':memory:',
      transport: 'http',
      version: 'test',
      ca,
      networkTimeoutMs: 5_000,
      env: { DELIVERLAB_LAB_SMTP_PASS: lab.sender.password, DELIVERLAB_LAB_SEED12_PASS: u12.password },
      emit: (event, payload) => events.push({ event, payload }),
    });
    try {
      const status = (await api.dispatch('secrets.status', {})) as { available: boolean; reason?: string };
      expect(status.available).toBe(false);
      expect(status.reason).toMatch(/environment variable/);
      // With no keychain a typed password is refused with the reason, and nothing is saved.
      await expect(api.dispatch('smtp.save', { profile: { ...profile, auth: { user: lab.sender.user } }, secret: 'x' })).rejects.toThrow(/not saved.*environment variable/s);
      await api.dispatch('smtp.save', { profile: { ...profile, auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_LAB_SMTP_PASS' } } });
      await api.dispatch('seeds.save', { seed: { ...labSeed(u12), auth: { user: u12.user, passwordEnv: 'DELIVERLAB_LAB_SEED12_PASS' } } });
      expect(await api.dispatch('smtp.list', {})).toMatchObject({ profiles: [{ profile: { name: 'lab' }, secret: 'env' }] });
      expect(await api.dispatch('seeds.list', {})).toMatchObject({ seeds: [{ seed: { name: 'seed12' }, secret: 'env' }] });
      expect(await api.dispatch('smtp.test', { name: 'lab' })).toMatchObject({ ok: true });
      expect(await api.dispatch('seeds.test', { name: 'seed12' })).toMatchObject({ ok: true, idle: true });

      const run = (await api.dispatch('placement.run', { profile: 'lab', subject: 'API probe', html: '<p>api</p>', deadlineMs: 20_000, cleanup: true, runId: 'r1' })) as { id: number; seeds: { placement: string }[] };
      expect(run.seeds[0]?.placement).toBe('inbox');
      const progress = events.filter((e) => e.event === 'placement.progress').map((e) => e.payload as PlacementEvent & { runId?: string });
      expect(progress[0]).toMatchObject({ type: 'started', runId: 'r1' });
      expect(progress.at(-1)).toMatchObject({ type: 'done', runId: 'r1' });
      expect(await api.dispatch('placement.list', {})).toMatchObject({ total: 1, items: [{ id: run.id }] });
      expect(await api.dispatch('placement.get', { id: run.id })).toMatchObject({ seeds: [{ seed: 'seed12', placement: 'inbox' }] });
      const trend = (await api.dispatch('placement.trend', { by: 'provider' })) as { series: { key: string; inboxShare: number }[] };
      expect(trend.series[0]).toMatchObject({ key: 'other', inboxShare: 1 });
    } finally {
      api.close();
    }
  });
});
