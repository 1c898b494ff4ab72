/**
 * Placement copies analysed where they landed, against the mail lab: a run to two seeds, each copy
 * fetched back over IMAP and analysed, stored and listed with the run; a copy deleted before its
 * analysis is a clear error. DNS goes to the fixture server. Every copy carries its run's own token,
 * so other files' mail in seeds 16 and 17 is never read, and only this file's copies are deleted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { placementCommand } from '../../electron/cli/placement';
import { HistoryStore } from '../../electron/core/history/store';
import type { CopyAnalysis, PlacementRun } from '../../electron/core/placement/types';
import { deleteProbes } from '../../electron/core/placement/watch';
import { loadZoneFixtures, startDnsServer, type DnsServer } from '../lab/dns-server';
import { labFilters, readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const ca = [lab.caPem];
const u16 = lab.seeds[15] as MailLabUser;
const u17 = lab.seeds[16] as MailLabUser;
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-copies-'));
const unique = `${process.pid}-${Date.now().toString(36)}`;
let dns: DnsServer;

beforeAll(async () => {
  dns = await startDnsServer({ zone: loadZoneFixtures() });
});
afterAll(() => {
  dns?.close();
  rmSync(dir, { recursive: true, force: true });
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

const env = { DELIVERLAB_COPIES_SMTP_PASS: lab.sender.password, DELIVERLAB_COPIES_SEED16_PASS: u16.password, DELIVERLAB_COPIES_SEED17_PASS: u17.password };
const seedWithEnv = (u: MailLabUser, variable: string) => ({ ...labSeed(u), auth: { user: u.user, passwordEnv: variable } });

describe('analysing the copies of a placement run', () => {
  it('fetches each detected copy from its seed, analyses it, stores it with the run, and says a vanished copy is gone', async () => {
    const store = HistoryStore.open(join(dir, 'api.sqlite'));
    const api = createApi({ store, dbPath: null, transport: 'http', version: 'test', ca, networkTimeoutMs: 10_000, resolverDefault: `127.0.0.1:${dns.port}`, env, emit: () => {} });
    try {
      await api.dispatch('smtp.save', { profile: { ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_COPIES_SMTP_PASS' } } });
      await api.dispatch('seeds.save', { seed: seedWithEnv(u16, 'DELIVERLAB_COPIES_SEED16_PASS') });
      await api.dispatch('seeds.save', { seed: seedWithEnv(u17, 'DELIVERLAB_COPIES_SEED17_PASS') });
      const run = (await api.dispatch('placement.run', {
        profile: 'lab',
        subject: `Copies probe ${unique}`,
        html: '<p>Hello from the copy analysis test. <a href="https://clean.bl.test/offer">Our offer</a></p>',
        headers: { 'X-Spam-Status': 'No, score=1.2 required=5.0 tests=HTML_MESSAGE,MIME_HTML_ONLY autolearn=no version=3.4.6' },
        seeds: ['seed16', 'seed17'],
        deadlineMs: 30_000,
      })) as PlacementRun & { id: number };
      expect(run.seeds.map((s) => [s.seed, s.placement])).toEqual([
        ['seed16', 'inbox'],
        ['seed17', 'inbox'],
      ]);

      const copy = (await api.dispatch('placement.analyse-copy', { id: run.id, seed: 'seed16' })) as CopyAnalysis;
      expect(copy).toMatchObject({ placementId: run.id, seed: 'seed16', token: run.token, placement: 'inbox', folder: 'INBOX' });
      expect(copy.moved).toBeUndefined();
      expect(copy.historyError).toBeUndefined();
      // The copy as the seed holds it: the run's token, the subject sent, the lab's delivery path.
      expect(copy.analysis.summary.subject).toBe(run.subject);
      expect(copy.analysis.summary.from).toContain(lab.sender.user);
      expect(copy.analysis.hops.length).toBeGreaterThan(0);
      expect(copy.analysis.hops.some((h) => /LMTP/i.test(h.with ?? '') || /lab/i.test(h.by ?? ''))).toBe(true);
      expect(copy.analysis.content?.links.map((l) => l.domain)).toContain('clean.bl.test');
      // The lab's Postfix and Dovecot add no Authentication-Results: the receiving server recorded none.
      expect(copy.recorded.authenticationResults).toEqual([]);
      expect(copy.recorded.authServId).toBeNull();
      expect(copy.analysis.receiver.results).toEqual([]);
      // The SpamAssassin header the copy carries, read into its verdict, score, threshold and rules.
      expect(copy.recorded.spamVerdicts).toEqual([
        expect.objectContaining({ filter: 'spamassassin', header: 'X-Spam-Status', verdict: 'ham', score: 1.2, threshold: 5, rules: [{ name: 'HTML_MESSAGE' }, { name: 'MIME_HTML_ONLY' }] }),
      ]);
      // No local filter is configured: none asked (an empty list, which readiness counts as not run, never a pass).
      expect(copy.analysis.spam).toEqual([]);

      // With the lab's spamd and rspamd set in Settings, the copy gets both filters' own verdicts too.
      const filters = labFilters(lab);
      await api.dispatch('settings.set', { spamd: `${filters.spamd.host}:${filters.spamd.port}`, rspamd: filters.rspamd.url });
      const second = (await api.dispatch('placement.analyse-copy', { id: run.id, seed: 'seed17' })) as CopyAnalysis;
      expect(second).toMatchObject({ seed: 'seed17', folder: 'INBOX' });
      expect(second.analysis.spam?.map((r) => [r.filter, r.verdict])).toEqual([
        ['spamassassin', 'ham'],
        ['rspamd', 'ham'],
      ]);

      // Stored and listed with the run, in the order of its seeds, and read back whole.
      const stored = (await api.dispatch('placement.get', { id: run.id })) as PlacementRun;
      expect(stored.copies?.map((c) => [c.seed, c.folder, c.receiverVerdict])).toEqual([
        ['seed16', 'INBOX', 'ham'],
        ['seed17', 'INBOX', 'ham'],
      ]);
      const back = (await api.dispatch('placement.copy', { id: run.id, seed: 'seed16' })) as CopyAnalysis;
      expect(back.analysis.sha256).toBe(copy.analysis.sha256);
      expect(back.recorded).toEqual(copy.recorded);

      // The copy in seed17 is deleted (this run's token only) before it is analysed again.
      expect(await deleteProbes(labSeed(u17), { password: u17.password }, run.token, { timeoutMs: 10_000, ca })).toBe('deleted');
      const gone = api.dispatch('placement.analyse-copy', { id: run.id, seed: 'seed17' });
      await expect(gone).rejects.toMatchObject({ code: 'not-found' });
      await expect(gone).rejects.toThrow(`The copy is no longer in seed17: no message carrying the run's token ${run.token} is in any of its folders`);
      // The earlier analysis stays.
      expect(((await api.dispatch('placement.get', { id: run.id })) as PlacementRun).copies).toHaveLength(2);

      await expect(api.dispatch('placement.copy', { id: run.id, seed: 'nobody' })).rejects.toMatchObject({ code: 'not-found' });
      await expect(api.dispatch('placement.analyse-copy', { id: run.id, seed: 'nobody' })).rejects.toThrow('Seed "nobody" is not part of placement run');
      expect(await deleteProbes(labSeed(u16), { password: u16.password }, run.token, { timeoutMs: 10_000, ca })).toBe('deleted');
    } finally {
      api.close();
      store.close();
    }
  });

  it('deliverlab placement --analyse analyses every detected copy after the run, and --run ID a stored run again', async () => {
    writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...labProfile(), auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_COPIES_SMTP_PASS' } }));
    writeFileSync(join(dir, 'seeds.json'), JSON.stringify([seedWithEnv(u16, 'DELIVERLAB_COPIES_SEED16_PASS'), seedWithEnv(u17, 'DELIVERLAB_COPIES_SEED17_PASS')]));
    writeFileSync(join(dir, 'm.html'), '<p>CLI copy analysis</p>');
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    const db = join(dir, 'cli.sqlite');
    const common = ['--seeds', join(dir, 'seeds.json'), '--ca-file', join(dir, 'ca.pem'), '--resolver', `127.0.0.1:${dns.port}`, '--db', db];
    const out = new Capture();
    const err = new Capture();
    const code = await placementCommand(
      ['--profile', join(dir, 'smtp.json'), '--html', join(dir, 'm.html'), '--subject', `CLI copies ${unique}`, '--deadline', '30s', '--poll', '500', '--analyse', ...common],
      { stdout: out, stderr: err },
      env,
    );
    expect(err.text).toBe('');
    expect(code).toBe(0);
    expect(out.text).toMatch(/^Analysing the copies where they landed:$/m);
    expect(out.text).toMatch(/^ {2}analysed seed16 +INBOX: SPF \w+ · DKIM \w+ · DMARC \w+ · \d+ critical, \d+ warnings?$/m);
    expect(out.text).toMatch(/^ {2}analysed seed17 +INBOX: /m);
    expect(out.text).toMatch(/^ {6}the receiving server recorded no authentication; no spam filter headers$/m);

    const store = HistoryStore.open(db);
    const id = store.listPlacements({ limit: 1 }).items[0]?.id as number;
    const token = store.getPlacement(id)?.token as string;
    expect(store.getPlacement(id)?.copies?.map((c) => c.seed)).toEqual(['seed16', 'seed17']);
    store.close();

    // The stored run's copies again, nothing sent: JSON with one analysis per copy.
    const json = new Capture();
    expect(await placementCommand(['--analyse', '--run', String(id), '--seed', 'seed16', '--json', ...common], { stdout: json, stderr: new Capture() }, env)).toBe(0);
    const again = JSON.parse(json.text) as { id: number; copyAnalyses: { seed: string; analysis?: CopyAnalysis }[] };
    expect(again.copyAnalyses.map((c) => [c.seed, c.analysis?.folder])).toEqual([['seed16', 'INBOX']]);

    // Once the copies are deleted, each analysis fails in words and the command exits 2.
    for (const u of [u16, u17]) expect(await deleteProbes(labSeed(u), { password: u.password }, token, { timeoutMs: 10_000, ca })).toBe('deleted');
    const late = new Capture();
    expect(await placementCommand(['--analyse', '--run', String(id), ...common], { stdout: late, stderr: new Capture() }, env)).toBe(2);
    expect(late.text).toMatch(/^ {2}analysis FAILED seed16 +The copy is no longer in seed16/m);

    const usage = new Capture();
    expect(await placementCommand(['--run', String(id), ...common], { stdout: new Capture(), stderr: usage }, env)).toBe(2);
    expect(usage.text).toMatch(/--run names a stored run whose copies --analyse analyses/);
  });
});
