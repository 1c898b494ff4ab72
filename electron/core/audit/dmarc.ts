/**
 * DMARC check: policy discovery and the organizational domain by the RFC 9989 §4.10 DNS tree walk.
 */
import { DnsError, type DnsSession } from '../dns/session';
import { isDmarcRecord, isPolicy, parseDmarcRecord } from './dmarc-parse';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import type { DmarcCheck, DmarcPolicy, DmarcWalkStep, Finding } from './types';

interface FoundRecord {
  domain: string;
  record: string;
  tags: Record<string, string>;
}

/**
 * The names the tree walk queries, in order (RFC 9989 §4.10): the domain itself, then, for names of
 * eight labels or more, the name shortened to seven labels, then one label less at a time down to the TLD.
 */
export function treeWalkTargets(domain: string): string[] {
  const labels = domain.split('.');
  const targets = [domain];
  let count = labels.length >= 8 ? 7 : labels.length - 1;
  while (count >= 1) {
    targets.push(labels.slice(labels.length - count).join('.'));
    count--;
  }
  return targets;
}

async function lookup(dns: DnsSession, domain: string): Promise<{ step: DmarcWalkStep; found?: FoundRecord; all: string[] }> {
  let txt: string[];
  try {
    txt = (await dns.resolveTxt(`_dmarc.${domain}`)).map((chunks) => chunks.join(''));
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    if (err.code === 'ENODATA' || err.code === 'ENOTFOUND') return { step: { domain, outcome: 'none' }, all: [] };
    return { step: { domain, outcome: 'error', error: err.code }, all: [] };
  }
  const records = txt.filter(isDmarcRecord);
  if (records.length === 0) return { step: { domain, outcome: 'none' }, all: [] };
  // RFC 9989 §4.10: when several records are returned, all are discarded.
  if (records.length > 1) return { step: { domain, outcome: 'multiple' }, all: records };
  const record = records[0] as string;
  return { step: { domain, outcome: 'record' }, found: { domain, record, tags: parseDmarcRecord(record).tags }, all: records };
}

/** RFC 9989 §4.10.2: psd=n marks the organizational domain, psd=y the level above it; else the shortest name with a record. */
function organizationalDomain(domain: string, walked: { domain: string; found?: FoundRecord }[]): string {
  let shortest: string | null = null;
  for (let i = 0; i < walked.length; i++) {
    const { found } = walked[i] as { domain: string; found?: FoundRecord };
    if (!found) continue;
    const psd = found.tags.psd?.toLowerCase();
    if (psd === 'n') return found.domain;
    if (psd === 'y') return i > 0 ? (walked[i - 1] as { domain: string }).domain : domain;
    shortest = found.domain;
  }
  return shortest ?? domain;
}

async function domainExists(domain: string, dns: DnsSession): Promise<boolean> {
  // RFC 9989 §4.10: a non-existent domain answers NXDOMAIN for A, AAAA and MX.
  const answers = await Promise.allSettled([dns.resolve(domain, 'MX'), dns.resolve(domain, 'A'), dns.resolve(domain, 'AAAA')]);
  return !answers.every((a) => a.status === 'rejected' && (a.reason as DnsError).code === 'ENOTFOUND');
}

export async function checkDmarc(ctx: AuditContext): Promise<CheckOutput<'dmarc'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  const targets = treeWalkTargets(domain);
  // Every level is looked up (the organizational domain needs the whole walk); queries run together.
  const results = await Promise.all(targets.map((t) => lookup(dns, t)));
  const walk = results.map((r) => r.step);
  const policyIndex = results.findIndex((r) => r.found);
  const applied = policyIndex >= 0 ? (results[policyIndex]?.found as FoundRecord) : null;
  // Steps above the record that applies were not needed for the policy.
  const relevant = policyIndex >= 0 ? results.slice(0, policyIndex + 1) : results;

  for (const r of relevant) {
    if (r.step.outcome !== 'multiple') continue;
    findings.push(
      finding('dmarc.multiple', {
        title: `${r.all.length} DMARC records at _dmarc.${r.step.domain}`,
        detail: `Receivers discard every record when a name has more than one (RFC 9989 §4.10)${r.step.domain === domain ? `, so ${domain} behaves as if it had none` : ''}.`,
        fix: `Keep one TXT record at _dmarc.${r.step.domain} and delete the others.`,
        evidence: r.all.join('\n'),
        refs: ['RFC 9989 §4.10'],
      }),
    );
  }

  const base: DmarcCheck = {
    status: 'pass',
    record: null,
    recordDomain: null,
    inherited: false,
    organizationalDomain: organizationalDomain(domain, results.map((r, i) => ({ domain: targets[i] as string, ...(r.found ? { found: r.found } : {}) }))),
    policy: null,
    policySource: null,
    tags: {},
    walk,
  };

  if (!applied) {
    const errored = relevant.find((r) => r.step.outcome === 'error');
    if (errored) {
      return { check: { ...base, status: 'error', error: errored.step.error ?? 'EUNKNOWN' }, findings };
    }
    findings.push(
      finding('dmarc.missing', {
        title: 'No DMARC record',
        detail: `No DMARC record was found at _dmarc.${domain} nor at any parent domain (${targets.slice(1).map((t) => `_dmarc.${t}`).join(', ') || 'none'}). Anyone can send mail in ${domain}'s name without receivers being told what to do, and Gmail, Yahoo and Microsoft require DMARC from bulk senders.`,
        fix: `Publish a TXT record at _dmarc.${domain}: start with "v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}" to collect reports, then move to p=quarantine and p=reject once legitimate mail passes.`,
        refs: ['RFC 9989 §4.10'],
      }),
    );
    return { check: { ...base, status: statusOf(findings) }, findings };
  }

  const parsed = parseDmarcRecord(applied.record);
  const inherited = applied.domain !== domain;
  const tags = parsed.tags;
  let policy: DmarcPolicy = 'none';
  let policySource: DmarcCheck['policySource'] = 'default';
  // RFC 9989 §4.7: p for the domain itself; sp for subdomains; np for subdomains that do not exist.
  if (inherited && isPolicy(tags.np?.toLowerCase()) && !(await domainExists(domain, dns))) {
    policy = tags.np?.toLowerCase() as DmarcPolicy;
    policySource = 'np';
  } else if (inherited && isPolicy(tags.sp?.toLowerCase())) {
    policy = tags.sp?.toLowerCase() as DmarcPolicy;
    policySource = 'sp';
  } else if (isPolicy(tags.p?.toLowerCase())) {
    policy = tags.p?.toLowerCase() as DmarcPolicy;
    policySource = 'p';
  }

  if (parsed.problems.length > 0) {
    const fatal = parsed.problems.some((p) => p.fatal);
    findings.push(
      finding('dmarc.syntax', {
        title: fatal ? 'The DMARC record sets no valid policy' : 'The DMARC record has tags receivers will ignore',
        detail: `In the record at _dmarc.${applied.domain}: ${parsed.problems.map((p) => p.message).join('; ')}.${fatal ? ' Without a valid p= tag receivers apply no policy (at best they treat it as p=none).' : ''}`,
        fix: `Rewrite the record with valid tags, for example "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@${applied.domain}".`,
        evidence: applied.record,
        refs: ['RFC 9989 §4.7'],
        ...(fatal ? {} : { severity: 'warning' as const }),
      }),
    );
  }

  if (policy === 'none') {
    const where = inherited ? ` (inherited from ${applied.domain}${policySource === 'sp' || policySource === 'np' ? ` through its ${policySource}= tag` : ''})` : '';
    findings.push(
      finding('dmarc.policy-none', {
        title: 'DMARC policy is none',
        detail: `The policy that applies to ${domain} is none${where}: receivers report failures but deliver spoofed mail as usual.`,
        fix: `Once the aggregate reports show your legitimate mail passing, raise it: ${policySource === 'sp' ? 'sp=quarantine, then sp=reject' : 'p=quarantine, then p=reject'} at _dmarc.${applied.domain}.`,
        evidence: applied.record,
        refs: ['RFC 9989 §4.7'],
      }),
    );
  }

  return {
    check: {
      ...base,
      status: statusOf(findings),
      record: applied.record,
      recordDomain: applied.domain,
      inherited,
      policy,
      policySource,
      tags,
    },
    findings,
  };
}
