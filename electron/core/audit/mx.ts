/**
 * MX check: the domain's mail exchangers, and RFC 7505 null MX.
 */
import { DnsError } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import type { Finding } from './types';

export async function checkMx(ctx: AuditContext): Promise<CheckOutput<'mx'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  let hosts: { exchange: string; priority: number }[] = [];
  let error: string | undefined;
  try {
    hosts = (await dns.resolveMx(domain)).map((h) => ({ exchange: h.exchange.replace(/\.$/, '').toLowerCase(), priority: h.priority }));
    hosts.sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    error = err.code;
  }

  // RFC 7505 §3: a null MX is a single record with preference 0 and the root as exchange.
  const nullMx = hosts.length === 1 && hosts[0]?.exchange === '' && hosts[0].priority === 0;
  if (nullMx) {
    findings.push(
      finding('mx.null', {
        title: 'Null MX: this domain accepts no mail',
        detail: `${domain} publishes "MX 0 ." (RFC 7505), telling senders that it receives no mail. Mail sent from it cannot get replies or bounces, and some receivers distrust senders whose domain takes no mail.`,
        fix: `If ${domain} should receive mail, replace the null MX with your mail servers, for example "${domain}. MX 10 mx1.${domain}."`,
        evidence: 'MX 0 .',
        refs: ['RFC 7505 §3'],
      }),
    );
  } else if (hosts.length === 0 && (error === undefined || error === 'ENODATA' || error === 'ENOTFOUND')) {
    findings.push(
      finding('mx.missing', {
        title: 'No MX record',
        detail:
          error === 'ENOTFOUND'
            ? `${domain} does not exist in DNS (NXDOMAIN), so it has no MX either. Receivers reject mail from a domain that does not exist.`
            : `${domain} publishes no MX record. Mail to it falls back to its A/AAAA record (RFC 5321 §5.1) or bounces, so replies and bounces to your mail may be lost.`,
        fix: `Publish the servers that receive mail for ${domain}, for example "${domain}. MX 10 mx1.${domain}.", or a null MX ("MX 0 .", RFC 7505) if it never receives mail.`,
        refs: ['RFC 5321 §5.1', 'RFC 7505'],
        ...(error === 'ENOTFOUND' ? { severity: 'critical' as const } : {}),
      }),
    );
  }
  const failed = hosts.length === 0 && error !== undefined && error !== 'ENODATA' && error !== 'ENOTFOUND';
  return {
    check: {
      status: failed ? 'error' : statusOf(findings),
      hosts,
      nullMx,
      ...(error ? { error } : {}),
    },
    findings,
  };
}
