/**
 * SPF check_host() for one connecting IP (RFC 7208 §4), evaluated by mailauth through the audit's DNS session.
 */
import { spf } from 'mailauth';
import type { DnsSession } from '../dns/session';
import type { SpfCheckOutput, SpfResult } from './types';

export interface SpfCheckInput {
  /** The connecting client's IP address. */
  ip: string;
  /** MAIL FROM; when empty, the HELO identity is checked (RFC 7208 §2.4). */
  mailFrom?: string;
  helo?: string;
  /** The receiving host's name, for the Received-SPF header. */
  receiver?: string;
}

type MailauthResolver = NonNullable<Parameters<typeof spf>[0]['resolver']>;

export async function spfCheckHost(input: SpfCheckInput, dns: DnsSession): Promise<SpfCheckOutput> {
  const helo = input.helo ?? '';
  const out = await spf({
    ip: input.ip,
    sender: input.mailFrom ?? '',
    helo,
    mta: input.receiver ?? 'deliverlab.invalid',
    resolver: dns.resolve as MailauthResolver,
    // RFC 7208 as written, not mailauth's lenient reading: this is a conformance tool.
    strict: true,
    maxElapsedTime: 20_000,
  } as Parameters<typeof spf>[0]);
  const { status, explanation } = out as { status: { result: string; comment?: string | false }; explanation?: string };
  // RFC 7208 §2.4: with no MAIL FROM, the HELO identity stands in as postmaster@<helo>.
  const mailFrom = input.mailFrom || `postmaster@${helo}`;
  return {
    result: status.result as SpfResult,
    comment: status.comment || '',
    identity: input.mailFrom ? 'mailfrom' : 'helo',
    domain: mailFrom.slice(mailFrom.lastIndexOf('@') + 1).toLowerCase(),
    mailFrom,
    helo,
    ip: input.ip,
    // mailauth gives it only on fail, and only when the record's own exp= applies (§6.2: not an include's).
    ...(explanation ? { explanation } : {}),
    header: ((out as { header?: string }).header ?? '').trim(),
    dns: dns.transcript,
  };
}
