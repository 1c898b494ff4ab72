/**
 * Runs every registered check for one domain and assembles the audit result.
 */
import { DnsSession, type DnsSessionOptions } from '../dns/session';
import type { AuditContext, CheckOptions, CheckOutput, CheckRunner } from './context';
import { checkBimi } from './bimi';
import { checkDkim } from './dkim';
import { checkDmarc } from './dmarc';
import { checkDnssec } from './dnssec';
import { checkDnsbl } from './dnsbl';
import { checkMtaSts } from './mtasts';
import { checkMx } from './mx';
import { checkProviders } from './providers';
import { checkPtr } from './ptr';
import { NOT_APPLICABLE_GRADE, NXDOMAIN_CHECKS, apexMissing, skippedChecks } from './nxdomain';
import { scoreFindings } from './score';
import { checkSmtp } from './smtp';
import { checkSpf } from './spf';
import { checkTlsRpt } from './tlsrpt';
import type { AuditChecks, AuditProgress, AuditResult, CheckId } from './types';

/** The registry of checks, in the order their panels appear. Adding a check starts here. */
export const CHECKS: { [K in CheckId]?: CheckRunner<K> } = {
  mx: checkMx,
  spf: checkSpf,
  dmarc: checkDmarc,
  dkim: checkDkim,
  mtasts: checkMtaSts,
  tlsrpt: checkTlsRpt,
  bimi: checkBimi,
  dnssec: checkDnssec,
  ptr: checkPtr,
  dnsbl: checkDnsbl,
  smtp: checkSmtp,
  providers: checkProviders,
};

export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/** No DNS server answered a single query: the audit says nothing about the domain. */
export class ResolverUnreachableError extends Error {
  /** `detail`: what the transport said beyond a code (a DoH certificate error, say). */
  constructor(
    readonly resolver: string,
    readonly detail?: string,
  ) {
    super(
      resolver === 'system'
        ? `The system DNS resolver did not answer${detail ? ` (${detail})` : ''}: check the network connection, or pick a resolver with --resolver.`
        : `The DNS resolver ${resolver} did not answer${detail ? ` (${detail})` : ''}: check the address and port, or pick another with --resolver.`,
    );
    this.name = 'ResolverUnreachableError';
  }
}

export interface AuditOptions extends CheckOptions {
  /** DNS settings for a new session, or a session to share (a batch shares nothing; tests may). */
  dns: DnsSessionOptions | DnsSession;
  onProgress?: (progress: AuditProgress) => void;
  clock?: () => Date;
}

export async function runAudit(domain: string, options: AuditOptions): Promise<AuditResult> {
  const clock = options.clock ?? (() => new Date());
  const ownsSession = !(options.dns instanceof DnsSession);
  const dns = options.dns instanceof DnsSession ? options.dns : new DnsSession(options.dns);
  const started = clock();
  const t0 = performance.now();
  const total = CHECK_IDS.length;
  let done = 0;
  const running = new Map<CheckId, Promise<CheckOutput<CheckId>>>();

  const ctx: AuditContext = {
    domain,
    dns,
    options,
    skipped: (area) => options.skip?.includes(area) ?? false,
    need: <K extends CheckId>(id: K) => start(id).then((out) => out.check as NonNullable<AuditChecks[K]>),
  };

  function start(id: CheckId): Promise<CheckOutput<CheckId>> {
    const existing = running.get(id);
    if (existing) return existing;
    const runner = CHECKS[id] as CheckRunner<CheckId> | undefined;
    if (!runner) throw new Error(`no check "${id}" is registered`);
    options.onProgress?.({ domain, check: id, state: 'running', done, total });
    const promise = runner(ctx).then((out) => {
      done++;
      options.onProgress?.({ domain, check: id, state: 'done', done, total });
      return out;
    });
    running.set(id, promise);
    return promise;
  }

  let outputs: (readonly [CheckId, CheckOutput<CheckId>])[];
  let missing: boolean;
  try {
    // Every check starts at once, as before: waiting for the apex answer first would put a whole DNS
    // round trip in front of every audit. The MX lookup is the one the MX check makes anyway (the
    // session asks it once); when it says NXDOMAIN, only the checks that still mean something count.
    const [all, apex] = await Promise.all([
      Promise.all(CHECK_IDS.map((id) => start(id).then((out) => [id, out] as const))),
      apexMissing(domain, dns),
    ]);
    missing = apex;
    outputs = missing ? all.filter(([id]) => NXDOMAIN_CHECKS.includes(id)) : all;
  } finally {
    // A DoH session keeps a connection alive; the audit is over, so let it go now.
    if (ownsSession) dns.cancel();
  }
  if (dns.unreachable()) throw new ResolverUnreachableError(dns.resolverLabel, dns.failureDetail());

  const ran = new Map<CheckId, unknown>(outputs.map(([id, out]) => [id, out.check]));
  const skipped: Partial<Record<CheckId, unknown>> = missing ? skippedChecks(domain) : {};
  for (const id of CHECK_IDS) {
    if (!running.has(id)) options.onProgress?.({ domain, check: id, state: 'done', done: ++done, total });
  }
  // In registry order, as the CLI and the JSON list them.
  const checks = Object.fromEntries(CHECK_IDS.map((id) => [id, ran.get(id) ?? skipped[id]])) as unknown as AuditChecks;
  const findings = outputs.flatMap(([, out]) => out.findings);
  // A domain that does not exist has no grade; its score is 0 so lists sorted by score put it last.
  const { score, grade } = missing ? { score: 0, grade: NOT_APPLICABLE_GRADE } : scoreFindings(findings);
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
