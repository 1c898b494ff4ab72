/**
 * Bounces against the mail lab: a seed whose address Postfix accepts and Dovecot does not have.
 * Postfix takes the copy, Dovecot's LMTP refuses the recipient, and Postfix sends a delivery status
 * notification (RFC 3464) to the envelope sender, sender@lab.test, whose mailbox the run watches as
 * its bounce mailbox. Seeds used: seed19 (a copy that arrives) and seed20's mailbox (watched by the
 * bouncing seed, which never gets a copy there); every copy and report carries this file's tokens.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createApi } from '../../electron/api/handlers';
import { placementCommand, placementExitCode } from '../../electron/cli/placement';
import { HistoryStore } from '../../electron/core/history/store';
import { placementRecorder } from '../../electron/core/placement/record';
import { runPlacement } from '../../electron/core/placement/run';
import type { PlacementEvent, PlacementRun, Seed } from '../../electron/core/placement/types';
import { bouncingAddress, readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labImap } from '../lab/mail-lab/lab-imap';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const ca = [lab.caPem];
const gone = bouncingAddress(lab);
const u19 = lab.seeds[18] as MailLabUser;
const u20 = lab.seeds[19] as MailLabUser;
const dir = mkdtempSync(join(tmpdir(), 'deliverlab-bounce-'));
const tokens: string[] = [];
// Ten minutes: the bounce must end its seed long before.
const DEADLINE_MS = 600_000;

const profile = labProfile();
const smtpSecrets = { password: lab.sender.password };
const senderBox: Seed = labSeed(lab.sender, { name: 'sender' });
const goneSeed: Seed = labSeed(u20, { name: 'gone', address: gone });

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  // The reports in the sender's mailbox, and the copies, found by this file's tokens.
  for (const user of [lab.sender, u19]) {
    const client = labImap(user);
    await client.connect();
    try {
      for (const folder of ['INBOX', 'Junk']) {
        await client.mailboxOpen(folder);
        for (const token of tokens) {
          const uids = await client.search({ body: token }, { uid: true });
          if (uids && uids.length) await client.messageDelete(uids, { uid: true });
        }
      }
    } finally {
      await client.logout().catch(() => undefined);
    }
  }
});

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

describe('a copy that bounces', () => {
  it('ends its seed as bounced, with the status and diagnostic, long before the deadline', async () => {
    const store = HistoryStore.open(':memory:');
    const record = placementRecorder(store);
    const events: PlacementEvent[] = [];
    const run: PlacementRun = await runPlacement({
      profile,
      smtpSecrets,
      seeds: [
        { seed: labSeed(u19), secrets: { password: u19.password } },
        { seed: goneSeed, secrets: { password: u20.password } },
      ],
      bounceMailbox: { seed: senderBox, secrets: { password: lab.sender.password } },
      subject: 'Bounce probe',
      html: '<p>Bounce probe.</p>',
      deadlineMs: DEADLINE_MS,
      timeoutMs: 10_000,
      ca,
      onEvent: (e) => {
        if (e.type === 'started') tokens.push(e.token);
        events.push(e);
        record(e);
      },
    });
    expect(run.status).toBe('done');
    expect(run.bounceMailbox).toBe('sender');
    expect(run.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox', state: 'found' });
    const bounced = run.seeds.find((s) => s.seed === 'gone');
    expect(bounced).toMatchObject({
      placement: 'bounced',
      state: 'bounced',
      bounce: { status: '5.1.1', action: 'failed', finalRecipient: gone, matchedBy: 'token', mailbox: 'sender', folder: 'INBOX' },
    });
    expect(bounced?.bounce?.status).toMatch(/^5\.\d+\.\d+$/);
    expect(bounced?.bounce?.diagnostic).toMatch(/550 5\.1\.1 .*doesn't exist/);
    // The report arrived before the deadline (the run's own times say so).
    expect(Date.parse(bounced?.bounce?.detectedAt ?? '')).toBeLessThan(Date.parse(run.startedAt) + DEADLINE_MS);
    // The bounce was a live event, and the run ended on it.
    expect(events.some((e) => e.type === 'seed' && e.outcome.seed === 'gone' && e.outcome.placement === 'bounced')).toBe(true);
    expect(events.at(-1)?.type).toBe('done');
    expect(run.summary.counts).toEqual({ inbox: 1, bounced: 1 });
    expect(placementExitCode(run)).toBe(1);
    // Kept in history as it happened.
    expect(store.getPlacement(record.id() as number)?.seeds.find((s) => s.seed === 'gone')).toMatchObject({ placement: 'bounced', bounce: { status: '5.1.1' } });
    expect(store.listPlacements({ limit: 1, offset: 0 }).items[0]?.counts).toMatchObject({ bounced: 1 });
    store.close();
  });

  it('prints the bounce with its status and diagnostic, exits 1, and carries it in --json', async () => {
    writeFileSync(join(dir, 'smtp.json'), JSON.stringify({ ...profile, auth: { user: lab.sender.user, passwordEnv: 'LAB_SMTP_PASS' } }));
    writeFileSync(
      join(dir, 'seeds.json'),
      JSON.stringify([
        { ...goneSeed, auth: { user: u20.user, passwordEnv: 'LAB_SEED20_PASS' } },
        { ...senderBox, auth: { user: lab.sender.user, passwordEnv: 'LAB_SMTP_PASS' } },
      ]),
    );
    writeFileSync(join(dir, 'm.html'), '<p>CLI bounce</p>');
    writeFileSync(join(dir, 'ca.pem'), lab.caPem);
    const args = ['--profile', join(dir, 'smtp.json'), '--seeds', join(dir, 'seeds.json'), '--bounce-seed', 'sender', '--html', join(dir, 'm.html'), '--ca-file', join(dir, 'ca.pem'), '--deadline', '10m', '--no-history'];
    const env = { LAB_SMTP_PASS: lab.sender.password, LAB_SEED20_PASS: u20.password };

    const out = new Capture();
    expect(await placementCommand([...args, '--subject', 'CLI bounce'], { stdout: out, stderr: new Capture() }, env)).toBe(1);
    tokens.push(/Placement (dl-[0-9a-f]+)/.exec(out.text)?.[1] ?? '');
    // One seed only: the bounce mailbox gets no copy.
    expect(out.text).toMatch(/· 1 seed ·/);
    expect(out.text).toMatch(/^ {2}bounced +gone +gone@lab\.test +\d+\.\d s {2}5\.1\.1 smtp; 550 5\.1\.1 <gone@lab\.test> User doesn't exist: gone@lab\.test \(report in sender\/INBOX\)$/m);
    expect(out.text).toMatch(/^Summary: bounced 1 \(100 %\)/m);

    const json = new Capture();
    expect(await placementCommand([...args, '--subject', 'CLI bounce json', '--json'], { stdout: json, stderr: new Capture() }, env)).toBe(1);
    const run = JSON.parse(json.text) as PlacementRun;
    tokens.push(run.token);
    expect(run.seeds).toEqual([expect.objectContaining({ seed: 'gone', placement: 'bounced', bounce: expect.objectContaining({ status: '5.1.1', diagnostic: expect.stringMatching(/doesn't exist/) }) })]);
  });

  it('in the app: the bounce mailbox picked for the run is watched, and gets no copy', async () => {
    const api = createApi({
      dbPath: ':memory:',
      transport: 'http',
      version: 'test',
      ca,
      networkTimeoutMs: 10_000,
      env: { DELIVERLAB_B_SMTP: lab.sender.password, DELIVERLAB_B_SEED20: u20.password },
      emit: () => undefined,
    });
    try {
      await api.dispatch('smtp.save', { profile: { ...profile, auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_B_SMTP' } } });
      await api.dispatch('seeds.save', { seed: { ...goneSeed, auth: { user: u20.user, passwordEnv: 'DELIVERLAB_B_SEED20' } } });
      await api.dispatch('seeds.save', { seed: { ...senderBox, auth: { user: lab.sender.user, passwordEnv: 'DELIVERLAB_B_SMTP' } } });
      const run = (await api.dispatch('placement.run', { profile: 'lab', subject: 'API bounce', html: '<p>api bounce</p>', deadlineMs: DEADLINE_MS, bounceSeed: 'sender' })) as PlacementRun;
      tokens.push(run.token);
      expect(run.bounceMailbox).toBe('sender');
      expect(run.send?.recipients.map((r) => r.address)).toEqual([gone]);
      expect(run.seeds).toEqual([expect.objectContaining({ seed: 'gone', placement: 'bounced', bounce: expect.objectContaining({ status: '5.1.1', mailbox: 'sender' }) })]);
    } finally {
      api.close();
    }
  });
});
