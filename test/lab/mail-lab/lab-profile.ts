/**
 * The mail lab as the app sees it: the SMTP profile that submits as the lab's sender (submission
 * port, STARTTLS, login), and a seed mailbox for one of the lab's users (IMAP, STARTTLS).
 */
import type { Seed } from '../../../electron/core/placement/types';
import type { SmtpProfile } from '../../../electron/core/send/types';
import { readMailLab, type MailLabUser } from './lab-info';

export function labProfile(over: Partial<SmtpProfile> = {}): SmtpProfile {
  const lab = readMailLab();
  return {
    name: 'lab',
    host: lab.host,
    port: lab.ports.submission,
    security: 'starttls',
    auth: { user: lab.sender.user },
    from: `Lab Sender <${lab.sender.user}>`,
    ...over,
  };
}

/** A seed for one lab user, named after its local part unless `over` names it. */
export function labSeed(user: MailLabUser, over: Partial<Seed> = {}): Seed {
  const lab = readMailLab();
  return {
    name: user.user.split('@')[0] as string,
    address: user.user,
    provider: 'other',
    host: lab.host,
    port: lab.ports.imap,
    security: 'starttls',
    auth: { user: user.user },
    ...over,
  };
}
