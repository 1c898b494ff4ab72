/**
 * A sending IP's check: its reverse DNS, forward-confirmed, and the IP blocklists.
 *
 * The audit's own PTR and blocklist checks, run for the one address as a sending IP, with no
 * domain (so no domain blocklist and no MX): the same lookups, findings and words as in an audit.
 */
import { checkDnsbl } from '../audit/dnsbl';
import type { AuditContext } from '../audit/context';
import { checkPtr } from '../audit/ptr';
import { ResolverUnreachableError } from '../audit/run';
import type { AuditChecks, CheckId, MxCheck } from '../audit/types';
import { DnsSession, type DnsSessionOptions } from '../dns/session';
import type { IpCheckResult } from './types';

export interface IpCheckOptions {
  dns: DnsSessionOptions | DnsSession;
  spamhausDqsKey?: string;
  clock?: () => Date;
}

/** What the checks see when they ask for the MX check: an address has none. */
const NO_MX: MxCheck = { status: 'skipped', skipped: 'a sending IP is checked on its own, without a domain', hosts: [], nullMx: true };

export async function checkIp(ip: string, options: IpCheckOptions): Promise<IpCheckResult> {
  const clock = options.clock ?? (() => new Date());
  const owns = !(options.dns instanceof DnsSession);
  const dns = options.dns instanceof DnsSession ? options.dns : new DnsSession(options.dns);
  const started = clock();
  const t0 = performance.now();
  const ctx: AuditContext = {
    domain: '',
    dns,
    options: { sendingIps: [ip], ...(options.spamhausDqsKey ? { spamhausDqsKey: options.spamhausDqsKey } : {}) },
    skipped: () => false,
    need: <K extends CheckId>(id: K) => {
      if (id !== 'mx') throw new Error(`a sending IP's check has no ${id} check`);
      return Promise.resolve(NO_MX as unknown as NonNullable<AuditChecks[K]>);
    },
  };
  let ptr: Awaited<ReturnType<typeof checkPtr>>;
  let dnsbl: Awaited<ReturnType<typeof checkDnsbl>>;
  try {
    [ptr, dnsbl] = await Promise.all([checkPtr(ctx), checkDnsbl(ctx)]);
  } finally {
    if (owns) dns.cancel();
  }
  if (dns.unreachable()) throw new ResolverUnreachableError(dns.resolverLabel, dns.failureDetail());
  const address = ptr.check.addresses[0] ?? null;
  return {
    ip,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    resolver: dns.resolverLabel,
    ptr: address,
    ...(ptr.check.status === 'error' && ptr.check.error ? { ptrError: ptr.check.error } : {}),
    dnsbl: dnsbl.check.results,
    ...(dnsbl.check.status === 'error' && dnsbl.check.error ? { dnsblError: dnsbl.check.error } : {}),
    findings: [...ptr.findings, ...dnsbl.findings],
    dns: dns.transcript,
  };
}
