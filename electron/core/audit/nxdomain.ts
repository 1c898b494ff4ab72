/**
 * A domain that does not exist: one finding that says so, and every check that needs the domain skipped.
 *
 * RFC 8020: NXDOMAIN at a name means nothing exists there or below it, so mail cannot be delivered
 * to it and receivers refuse mail from it (RFC 5321 §4.1.4 lets them check the sender's domain).
 * Grading it would report "Blocklists: pass" for a name that cannot send or receive anything.
 */
import { DnsError, type DnsSession } from '../dns/session';
import { finding } from './finding';
import type { AuditChecks, CheckId, Finding } from './types';

/** The grade of an audit of a domain that does not exist: there is nothing to grade. */
export const NOT_APPLICABLE_GRADE = 'N/A';

/**
 * The checks that still run: MX (it sees the NXDOMAIN and raises the finding) and DMARC, whose
 * np= tag (RFC 9989 §4.7) says what receivers do with mail claiming to come from a name that does
 * not exist, the one question left about it.
 */
export const NXDOMAIN_CHECKS: readonly CheckId[] = ['mx', 'dmarc'];

/** True when the resolver answered NXDOMAIN for the domain itself; any other answer or error is not proof. */
export async function apexMissing(domain: string, dns: DnsSession): Promise<boolean> {
  return dns.resolveMx(domain).then(
    () => false,
    (err: unknown) => err instanceof DnsError && err.code === 'ENOTFOUND',
  );
}

export function nxdomainFinding(domain: string): Finding {
  return finding('domain.nxdomain', {
    title: `${domain} does not exist`,
    detail: `The DNS answers NXDOMAIN for ${domain}: no record of any type exists at it, so it cannot receive mail, and receivers refuse mail that claims to come from it. The other checks were not run: there is nothing for them to check.`,
    fix: `Check the spelling of the domain. If it is yours and should exist, register it (or, for a subdomain, publish its records in the parent zone) and audit again.`,
    refs: ['RFC 8020', 'RFC 5321 §4.1.4'],
  });
}

/** The results of the checks an NXDOMAIN audit does not run: skipped, saying why, with nothing found. */
export function skippedChecks(domain: string): Omit<AuditChecks, 'mx' | 'spf' | 'dmarc'> & Pick<AuditChecks, 'spf'> {
  const skip = { status: 'skipped' as const, skipped: `${domain} does not exist (NXDOMAIN)` };
  return {
    spf: { ...skip, record: null, records: [], terms: [], lookups: 0, voidLookups: 0, all: null },
    dkim: { ...skip, selectors: [], tried: [] },
    mtasts: { ...skip, record: null, id: null, policyUrl: null, policy: null, mxMatch: [] },
    tlsrpt: { ...skip, record: null, rua: [] },
    bimi: { ...skip, record: null, logoUrl: null, authorityUrl: null, dmarcEnforced: false },
    dnssec: { ...skip, signed: null, validated: null, mx: [] },
    ptr: { ...skip, addresses: [] },
    dnsbl: { ...skip, results: [] },
    smtp: { ...skip, hosts: [] },
    providers: { ...skip, scorecards: [] },
  };
}
