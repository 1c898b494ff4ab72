/**
 * The SMTP profile that submits to the mail lab as its sender (submission port, STARTTLS, login).
 */
import type { SmtpProfile } from '../../../electron/core/send/profile';
import { readMailLab } from './lab-info';

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
