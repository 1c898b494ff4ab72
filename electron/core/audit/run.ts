/**
 * Runs every registered check for one domain and assembles the audit result.
 */
import { DnsSession, type DnsSessionOptions } from '../dns/session';
import { checkDmarc } from './dmarc';
import { checkMx } from './mx';
import { scoreFindings } from './score';
import { checkSpf } from './spf';
import type { AuditChecks, AuditProgress, AuditResult, Finding } from './types';

type CheckFn<K extends keyof AuditChecks> = (domain: string, dns: DnsSession) => Promise<{ check: AuditChecks[K]; findings: Finding[] }>;

/** The registry of checks, in the order their panels appear. Adding a check starts here. */
export const CHECKS: { [K in keyof AuditChecks]: CheckFn<K> } = {
  mx: checkMx,
  spf: checkSpf,
  dmarc: checkDmarc,
};

export const CHECK_IDS = Object.keys(CHECKS) as (keyof AuditChecks)[];

/** No DNS server answered a single query: the audit says nothing about the domain. */
export class ResolverUnreachableError extends Error {
  constructor(readonly resolver: string) {
    super(
      resolver === 'system'
        ? 'The system DNS resolver did not answer: check the network connection, or pick a resolver with --resolver.'
        : `The DNS resolver ${resolver} did not answer: check the address and port, or pick another with --resolver.`,
    );
    this.name = 'ResolverUnreachableError';
  }
}

export interface AuditOptions {
  dns: DnsSessionOptions;
  onProgress?: (progress: AuditProgress) => void;
  clock?: () => Date;
}

export async function runAudit(domain: string, options: AuditOptions): Promise<AuditResult> {
  const clock = options.clock ?? (() => new Date());
  const dns = new DnsSession(options.dns);
  const started = clock();
  const t0 = performance.now();
  const total = CHECK_IDS.length;
  let done = 0;
  const entries = await Promise.all(
    CHECK_IDS.map(async (id) => {
      options.onProgress?.({ domain, check: id, state: 'running', done, total });
      const out = await (CHECKS[id] as CheckFn<typeof id>)(domain, dns);
      done++;
      options.onProgress?.({ domain, check: id, state: 'done', done, total });
      return [id, out] as const;
    }),
  );
  if (dns.unreachable()) throw new ResolverUnreachableError(dns.resolverLabel);

  const checks = Object.fromEntries(entries.map(([id, out]) => [id, out.check])) as unknown as AuditChecks;
  const findings = entries.flatMap(([, out]) => out.findings);
  const { score, grade } = scoreFindings(findings);
  return {
    domain,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    score,
    grade,
    checks,
    findings,
    dns: dns.transcript,
    resolver: dns.resolverLabel,
  };
}
