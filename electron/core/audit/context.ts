/**
 * What a check receives: the domain, the audit's DNS session, the options, and the other checks.
 *
 * Checks ask for each other's results through need(): each check runs once, and checks that do not
 * depend on each other run at the same time, so an audit takes as long as its longest chain of
 * dependent queries.
 */
import type { DnsSession } from '../dns/session';
import type { AuditChecks, CheckId, Finding } from './types';

/** Parts of the audit that go beyond DNS, which `--skip` can turn off. */
export type SkipArea = 'smtp' | 'http' | 'dnsbl';
export const SKIP_AREAS: readonly SkipArea[] = ['smtp', 'http', 'dnsbl'];

export interface NetworkOptions {
  /** The SMTP probe's port (25 unless a lab says otherwise). */
  smtpPort?: number;
  /** The HTTPS port for MTA-STS and BIMI fetches (443 unless a lab says otherwise). */
  httpsPort?: number;
  /** Extra certificate authorities to trust (PEM), for labs with a test CA. */
  ca?: string[];
  /** Deadline for one connection or fetch, in milliseconds. */
  timeoutMs?: number;
}

export interface CheckOptions {
  skip?: readonly SkipArea[];
  /** DKIM selectors the user named (`--selectors`, the setting). */
  selectors?: readonly string[];
  /** DKIM selectors seen in analysed messages for this domain. */
  seenSelectors?: readonly string[];
  /** Sending IPs to check for PTR and blocklists (`--sending-ip`). */
  sendingIps?: readonly string[];
  /** Spamhaus Data Query Service key: queries go to <key>.zen.dq.spamhaus.net. */
  spamhausDqsKey?: string;
  network?: NetworkOptions;
  now?: () => Date;
}

export interface AuditContext {
  domain: string;
  dns: DnsSession;
  options: CheckOptions;
  /** Another check's result, running it if it has not started. */
  need<K extends CheckId>(id: K): Promise<NonNullable<AuditChecks[K]>>;
  /** True when `--skip` turned this area off. */
  skipped(area: SkipArea): boolean;
}

export interface CheckOutput<K extends CheckId> {
  check: NonNullable<AuditChecks[K]>;
  findings: Finding[];
}

export type CheckRunner<K extends CheckId> = (ctx: AuditContext) => Promise<CheckOutput<K>>;
