/**
 * MX check: the domain's mail exchangers, and RFC 7505 null MX.
 */
import { DnsError } from '../dns/session';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { failureOf, failuresText } from './lookup-failure';
import { nxdomainFinding } from './nxdomain';
import type { Finding, LookupFailure, MxHost } from './types';
import type { DnsSession } from '../dns/session';

export async function checkMx(ctx: AuditContext): Promise<CheckOutput<'mx'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  let hosts: MxHost[] = [];
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
  } else if (error === 'ENOTFOUND') {
    findings.push(nxdomainFinding(domain));
  } else if (hosts.length === 0 && (error === undefined || error === 'ENODATA')) {
    findings.push(
      finding('mx.missing', {
        title: 'No MX record',
        detail: `${domain} publishes no MX record. Mail to it falls back to its A/AAAA record (RFC 5321 §5.1) or bounces, so replies and bounces to your mail may be lost.`,
        fix: `Publish the servers that receive mail for ${domain}, for example "${domain}. MX 10 mx1.${domain}.", or a null MX ("MX 0 .", RFC 7505) if it never receives mail.`,
        refs: ['RFC 5321 §5.1', 'RFC 7505'],
      }),
    );
  }
  const hostFailures: LookupFailure[] = [];
  if (!nullMx && hosts.length > 0) {
    hostFailures.push(...(await Promise.all(hosts.map((h) => describeHost(h, dns)))).flat());
    findings.push(...hostFindings(domain, hosts));
  }
  const failed = hosts.length === 0 && error !== undefined && error !== 'ENODATA' && error !== 'ENOTFOUND';
  // A host whose lookups failed may have addresses (or IPv6) nobody could see: the check cannot pass.
  const status = failed || hostFailures.length > 0 ? 'error' : statusOf(findings);
  return {
    check: {
      status,
      hosts,
      nullMx,
      ...(hosts.length > 0 && !nullMx ? { ipv6: hosts.some((h) => h.addresses?.some((a) => a.includes(':'))) } : {}),
      ...(error ? { error } : hostFailures.length > 0 ? { error: `MX host lookups failed: ${failuresText(hostFailures)}` } : {}),
    },
    findings,
  };
}

/** Fills in the host's addresses and whether its name is an alias (all queries at once); returns the lookups that failed. */
async function describeHost(host: MxHost, dns: DnsSession): Promise<LookupFailure[]> {
  const [cname, a, aaaa] = await Promise.allSettled([
    dns.resolve(host.exchange, 'CNAME') as Promise<string[]>,
    dns.resolve(host.exchange, 'A') as Promise<string[]>,
    dns.resolve(host.exchange, 'AAAA') as Promise<string[]>,
  ]);
  host.addresses = [a, aaaa].flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  if (cname.status === 'fulfilled' && cname.value[0]) host.cname = cname.value[0].replace(/\.$/, '').toLowerCase();
  const failures = [cname, a, aaaa].flatMap((r) => (r.status === 'rejected' ? [failureOf(r.reason)] : [])).filter((f): f is LookupFailure => f !== null);
  if (failures.length > 0) host.error = failuresText(failures);
  return failures;
}

function hostFindings(domain: string, hosts: MxHost[]): Finding[] {
  const findings: Finding[] = [];
  for (const host of hosts.filter((h) => h.cname)) {
    findings.push(
      finding('mx.cname', {
        title: `MX host ${host.exchange} is an alias (CNAME)`,
        detail: `${host.exchange} is a CNAME for ${host.cname}. An MX must name a host with its own address records (RFC 2181 §10.3, RFC 5321 §5.1); most senders follow the alias anyway, some refuse or warn.`,
        fix: `Point the MX at the real name: "${domain}. MX ${host.priority} ${host.cname}."`,
        fixRecords: [{ name: domain, type: 'MX', value: `${host.priority} ${host.cname}` }],
        evidence: `${host.exchange} CNAME ${host.cname}`,
        refs: ['RFC 2181 §10.3', 'RFC 5321 §5.1'],
      }),
    );
  }
  // A host whose lookups failed is not known to be dead: it may have addresses nobody could see.
  const dead = hosts.filter((h) => h.addresses?.length === 0 && !h.error);
  for (const host of dead) {
    findings.push(
      finding('mx.no-address', {
        title: `MX host ${host.exchange} has no address`,
        detail: `${host.exchange} has no A or AAAA record, so senders cannot deliver to it${dead.length === hosts.length ? `: no MX host of ${domain} can receive mail` : ' and fall back to the other MX hosts'}.`,
        fix: `Publish the host's address ("${host.exchange}. A <IPv4 address>") or remove the MX record that names it.`,
        evidence: `${domain}. MX ${host.priority} ${host.exchange}.`,
        refs: ['RFC 5321 §5.1'],
        ...(dead.length < hosts.length ? { severity: 'warning' as const } : {}),
      }),
    );
  }
  const reachable = hosts.filter((h) => (h.addresses?.length ?? 0) > 0);
  // With a failed lookup an AAAA record may exist unseen: "no IPv6" would be a guess.
  if (reachable.length > 0 && !hosts.some((h) => h.error) && !reachable.some((h) => h.addresses?.some((a) => a.includes(':')))) {
    findings.push(
      finding('mx.no-ipv6', {
        title: 'No MX host has an IPv6 address',
        detail: `Senders on IPv6-only networks cannot reach ${domain}'s mail servers. Most mail still travels over IPv4, so this is information, not a fault.`,
        fix: 'If your mail provider offers IPv6, publish AAAA records for the MX hosts.',
        refs: ['RFC 3974'],
      }),
    );
  }
  return findings;
}
