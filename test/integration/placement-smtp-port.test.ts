/**
 * A seed pointed at an SMTP port: the mail lab's Postfix greets with "220 mx.lab.test ESMTP ...".
 * Over clear text the greeting is not "* OK"; over TLS the handshake fails on that clear-text line.
 * Either way the seed is told at once that the port speaks SMTP, not after an IMAP greeting timeout:
 * the step deadline here is far longer than the test may take.
 */
import { describe, expect, it } from 'vitest';
import { testSeed } from '../../electron/core/placement/imap';
import { runPlacement } from '../../electron/core/placement/run';
import type { ImapSecurity } from '../../electron/core/placement/types';
import { readMailLab, type MailLabUser } from '../lab/mail-lab/lab-info';
import { labProfile, labSeed } from '../lab/mail-lab/lab-profile';

const lab = readMailLab();
const ca = [lab.caPem];
const u19 = lab.seeds[18] as MailLabUser;
// A greeting timeout this long would outlast the test's own timeout below.
const LONG_STEP_MS = 60_000;
const SMTP_PORT_WORDS = /greeted with "220 mx\.lab\.test ESMTP[^"]*": this port answers SMTP, not IMAP: use the IMAP port \(993 for TLS, 143 for STARTTLS\)/;

describe('a seed on an SMTP port', () => {
  for (const [security, port] of [['starttls', lab.ports.smtp], ['none', lab.ports.submission], ['tls', lab.ports.smtp]] as [ImapSecurity, number][]) {
    it(`is told the port answers SMTP (security ${security})`, { timeout: 15_000 }, async () => {
      const r = await testSeed(labSeed(u19, { port, security }), { password: u19.password }, { timeoutMs: LONG_STEP_MS, ca, servername: lab.hostname });
      expect(r.ok).toBe(false);
      expect(r.error).toMatchObject({ kind: 'protocol', code: 'ESMTPPORT' });
      expect(r.error?.explanation).toMatch(SMTP_PORT_WORDS);
      expect(r.error?.explanation).not.toMatch(/implicit TLS/);
    });
  }

  it('ends that seed as an error in a run, without reconnecting, while the others report', { timeout: 30_000 }, async () => {
    const run = await runPlacement({
      profile: labProfile(),
      smtpSecrets: { password: lab.sender.password },
      seeds: [
        { seed: labSeed(u19), secrets: { password: u19.password } },
        { seed: labSeed(u19, { name: 'smtp-port', port: lab.ports.smtp }), secrets: { password: u19.password } },
      ],
      subject: 'SMTP port probe',
      html: '<p>SMTP port probe.</p>',
      deadlineMs: 20_000,
      timeoutMs: 20_000,
      cleanup: true,
      ca,
    });
    expect(run.seeds.find((s) => s.seed === 'seed19')).toMatchObject({ placement: 'inbox' });
    const wrong = run.seeds.find((s) => s.seed === 'smtp-port');
    expect(wrong).toMatchObject({ placement: 'error', reconnects: 0, error: { code: 'ESMTPPORT' } });
    expect(wrong?.error?.explanation).toMatch(SMTP_PORT_WORDS);
  });
});
