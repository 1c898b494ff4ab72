/**
 * A seed whose IMAP server hangs must not hold the send back for the others, and a seed that comes
 * up after the send must still find its copy. The hanging server is the mail lab's Dovecot behind
 * test/lab/tcp-proxy.ts, holding every byte. Seeds used: seed19 and seed20 (each copy carries the
 * run's own token, and is deleted afterwards).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPlacement } from '../../electron/core/placement/run';
import type { PlacementEvent } from '../../electron/core/placement/types';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';
import { startTcpProxy, type TcpProxy } from '../lab/tcp-proxy';

const lab = readMailLab();
const ca = [lab.caPem];
const u19 = lab.seeds[18] as MailLabUser;
const u20 = lab.seeds[19] as MailLabUser;
const proxies: TcpProxy[] = [];
afterAll(async () => {
  for (const p of proxies) await p.close();
});

const base = { profile: labProfile(), smtpSecrets: { password: lab.sender.password }, html: '<p>Ready probe.</p>', ca, cleanup: true, deadlineMs: 60_000, timeoutMs: 10_000 };

async function hangingProxy(): Promise<TcpProxy> {
  const proxy = await startTcpProxy({ target: { host: lab.host, port: lab.ports.imap } });
  proxies.push(proxy);
  proxy.hang(true);
  return proxy;
}

const indexOf = (events: PlacementEvent[], test: (e: PlacementEvent) => boolean) => events.findIndex(test);

describe('the send does not wait for a seed whose server hangs', () => {
  it('sends once the answering seeds watch; the hanging seed ends as an error after the send', async () => {
    const proxy = await hangingProxy();
    const events: PlacementEvent[] = [];
    let waitingAtSend = -1;
    const run = await runPlacement({
      ...base,
      subject: 'Hanging seed probe',
      seeds: [
        { seed: labSeed(u19), secrets: { password: u19.password } },
        { seed: labSeed(u20, { name: 'hanging', port: proxy.port }), secrets: { password: u20.password } },
      ],
      onEvent: (e) => {
        events.push(e);
        // Whether the hanging seed was still waiting for its server when the message went out.
        if (e.type === 'sent') waitingAtSend = proxy.open();
      },
    });
    expect(waitingAtSend).toBe(1);
    const sent = indexOf(events, (e) => e.type === 'sent');
    const hangingEnd = indexOf(events, (e) => e.type === 'seed' && e.outcome.seed === 'hanging' && e.outcome.state === 'error');
    expect(sent).toBeGreaterThan(-1);
    expect(hangingEnd).toBeGreaterThan(-1);
    // The message went out before the hanging seed gave up: nobody waited for it.
    expect(sent).toBeLessThan(hangingEnd);
    expect(run.send?.ok).toBe(true);
    expect(run.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox', state: 'found' });
    expect(run.seeds.find((s) => s.seed === 'hanging')).toMatchObject({ placement: 'error', state: 'error' });
  });

  it('a seed whose server comes back after the send searches back and finds its copy', async () => {
    const proxy = await hangingProxy();
    const events: PlacementEvent[] = [];
    const run = await runPlacement({
      ...base,
      subject: 'Late seed probe',
      seeds: [
        { seed: labSeed(u19), secrets: { password: u19.password } },
        { seed: labSeed(u20, { name: 'late', port: proxy.port }), secrets: { password: u20.password } },
      ],
      onEvent: (e) => {
        events.push(e);
        // The server answers again once the copies are in: seed19's copy found means the lab has
        // delivered the message (one delivery to both mailboxes), so the late seed's first search
        // after its login is what finds its copy, however busy the machine.
        if (e.type === 'seed' && e.outcome.seed === 'seed19' && e.outcome.state === 'found') proxy.hang(false);
      },
    });
    const sent = indexOf(events, (e) => e.type === 'sent');
    const lateWatching = indexOf(events, (e) => e.type === 'seed' && e.outcome.seed === 'late' && (e.outcome.state === 'watching' || e.outcome.state === 'found'));
    expect(sent).toBeGreaterThan(-1);
    expect(sent).toBeLessThan(lateWatching);
    expect(run.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox', state: 'found' });
    // Found by its first search after the login: the copy was already there.
    expect(run.seeds.find((s) => s.seed === 'late')).toMatchObject({ placement: 'inbox', state: 'found', detection: { via: 'initial', folder: 'INBOX' } });
  });
});
