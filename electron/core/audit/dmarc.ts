/**
 * DMARC check: policy discovery and the organizational domain by the RFC 9989 §4.10 DNS tree walk.
 */
import { getDomain } from 'tldts';
import type { DnsSession } from '../dns/session';
import { isDmarcRecord, isPolicy, nextWeaker, parseDmarcRecord, reportUris, rewriteDmarcRecord, weakerPolicy, type ReportUri } from './dmarc-parse';
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { failureOf, failuresText } from './lookup-failure';
import type { DmarcCheck, DmarcPolicy, DmarcReportDestination, DmarcWalkStep, Finding, LookupFailure } from './types';

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

async function lookup(dns: DnsSession, domain: string): Promise<{ step: DmarcWalkStep; found?: FoundRecord; all: string[]; failure?: LookupFailure }> {
  let txt: string[];
  try {
    txt = (await dns.resolveTxt(`_dmarc.${domain}`)).map((chunks) => chunks.join(''));
  } catch (err) {
    const failure = failureOf(err);
    if (!failure) return { step: { domain, outcome: 'none' }, all: [] };
    return { step: { domain, outcome: 'error', error: failure.code }, all: [], failure };
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

/**
 * RFC 9989 §4.10: a non-existent domain answers NXDOMAIN for A, AAAA and MX.
 *
 * Any answer (records or NODATA) proves the name exists; NXDOMAIN everywhere proves it does not;
 * NXDOMAIN beside lookups that failed proves nothing, and the failures are returned.
 */
async function domainExists(domain: string, dns: DnsSession): Promise<{ exists: boolean; failures: LookupFailure[] }> {
  const answers = await Promise.allSettled([dns.resolve(domain, 'MX'), dns.resolve(domain, 'A'), dns.resolve(domain, 'AAAA')]);
  const failures: LookupFailure[] = [];
  let answered = false;
  for (const a of answers) {
    if (a.status === 'fulfilled') answered = true;
    else {
      const failure = failureOf(a.reason);
      if (failure) failures.push(failure);
      else if ((a.reason as { code?: string }).code === 'ENODATA') answered = true;
    }
  }
  return { exists: answered || failures.length > 0, failures: answered ? [] : failures };
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
        // p=none first: a record that starts at quarantine could send the domain's own unaligned mail to spam.
        fixRecords: [{ name: `_dmarc.${domain}`, type: 'TXT', value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}` }],
        refs: ['RFC 9989 §4.10'],
      }),
    );
    return { check: { ...base, status: statusOf(findings) }, findings };
  }

  // A level below the record that could not be looked up may hold the record that really applies
  // (RFC 9989 §4.10: the walk stops at the first record): the parent's policy would be a guess.
  const below = results.slice(0, policyIndex).flatMap((r) => (r.failure ? [r.failure] : []));
  if (below.length > 0) {
    const error = `lookups failed: ${failuresText(below)}. Whether ${domain} has a DMARC record of its own is unknown, so whether the one at _dmarc.${applied.domain} applies is unknown too`;
    return { check: { ...base, status: 'error', error }, findings };
  }
  // The lookups the check could not make, which leave part of the result unknown.
  const unknown: string[] = [];
  const above = results.slice(policyIndex + 1).flatMap((r) => (r.failure ? [r.failure] : []));
  if (above.length > 0) {
    unknown.push(`the organizational domain (RFC 9989 §4.10.2) is uncertain, the walk above the record failed: ${failuresText(above)}`);
  }

  const parsed = parseDmarcRecord(applied.record);
  const inherited = applied.domain !== domain;
  const tags = parsed.tags;
  let policy: DmarcPolicy = 'none';
  let policySource: DmarcCheck['policySource'] = 'default';
  // RFC 9989 §4.7: p for the domain itself; sp for subdomains; np for subdomains that do not exist.
  const existence = inherited && isPolicy(tags.np?.toLowerCase()) ? await domainExists(domain, dns) : { exists: true, failures: [] };
  if (existence.failures.length > 0) {
    unknown.push(`whether ${domain} exists is unknown, so np= or sp= may apply (RFC 9989 §4.7): ${failuresText(existence.failures)}`);
  }
  if (!existence.exists) {
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

  // RFC 9989 §4.7 t=y: the owner is testing and asks receivers not to apply the policy as published.
  const testing = tags.t?.toLowerCase() === 'y';
  const testingNote = testing
    ? ' The record also carries t=y (RFC 9989 §4.7): the owner says the policy is being tested, and receivers are asked not to apply it as published; many apply the next weaker one (reject as quarantine, quarantine as none).'
    : '';
  const pct = validPct(tags.pct);

  findings.push(...subdomainWeaker(domain, applied, testingNote));

  if (pct < 100 && policy !== 'none') {
    findings.push(
      finding('dmarc.pct', {
        title: `pct=${pct}: the policy covers only part of failing mail for some receivers`,
        detail:
          `Under RFC 7489 §6.3, receivers apply ${policy} to ${pct}% of the mail that fails DMARC and ${nextWeaker(policy)} to the rest, picked at random. ` +
          `RFC 9989, which replaces RFC 7489, drops pct: receivers that follow it ignore the tag and apply ${policy} to all failing mail, and use t=y (testing) for what pct=0 used to say. ` +
          `So today the same record means "${pct}%" to some receivers and "100%" to others.${testingNote}`,
        fix:
          `To apply the policy to all failing mail under both readings, publish at _dmarc.${applied.domain}: "${rewriteDmarcRecord(applied.record, { pct: null })}". ` +
          `To keep testing instead, under both readings: "${rewriteDmarcRecord(applied.record, { pct: '0', t: 'y' })}".`,
        evidence: applied.record,
        refs: ['RFC 7489 §6.3', 'RFC 9989 §4.7'],
      }),
    );
  }

  const { reports, nullMx, failures: reportFailures } = await reportDestinations(ctx, applied, base.organizationalDomain);
  if (reportFailures.length > 0) unknown.push(`whether the report addresses can receive the reports is unknown: ${failuresText(reportFailures)}`);
  if (!('rua' in tags)) {
    findings.push(
      finding('dmarc.no-rua', {
        title: 'No aggregate report address (rua=)',
        detail: `The record at _dmarc.${applied.domain} asks for no aggregate reports, so receivers send none. Those daily reports are the only way to see who sends mail as ${domain}, which of your own services fail SPF or DKIM, and whether it is safe to tighten the policy.${inherited ? ` (${domain} inherits this record from ${applied.domain}.)` : ''}`,
        fix: `Add a rua= address: publish at _dmarc.${applied.domain}: "${rewriteDmarcRecord(applied.record, { rua: `mailto:dmarc-reports@${applied.domain}` })}" (any mailbox that can take the reports, or your DMARC report service's address).`,
        fixRecords: [{ name: `_dmarc.${applied.domain}`, type: 'TXT', value: rewriteDmarcRecord(applied.record, { rua: `mailto:dmarc-reports@${applied.domain}` }) }],
        evidence: applied.record,
        refs: ['RFC 9990 §3', 'RFC 9989 §4.7'],
      }),
    );
  }
  findings.push(...reportFindings(applied, reports, nullMx));

  if (inherited) {
    findings.push(
      finding('dmarc.inherited', {
        title: `DMARC policy inherited from ${applied.domain}`,
        detail: `${domain} has no usable DMARC record of its own, so receivers walk up the DNS tree (RFC 9989 §4.10) and use the one at _dmarc.${applied.domain}, taking its ${policySource === 'default' ? 'default' : `${policySource}=`} policy: ${policy}. That is fine when intended; a record at _dmarc.${domain} would take precedence.${testingNote}`,
        evidence: applied.record,
        refs: ['RFC 9989 §4.10'],
      }),
    );
  }

  const rfc7489 = await rfc7489Reading(dns, domain, targets, results, { applied, policy, pct, organizationalDomain: base.organizationalDomain });

  return {
    check: {
      ...base,
      status: unknown.length > 0 ? 'error' : statusOf(findings),
      ...(unknown.length > 0 ? { error: unknown.join('; ') } : {}),
      record: applied.record,
      recordDomain: applied.domain,
      inherited,
      policy,
      policySource,
      tags,
      reports,
      ...(rfc7489 ? { rfc7489 } : {}),
    },
    findings,
  };
}

function validPct(raw: string | undefined): number {
  if (raw === undefined || !/^\d{1,3}$/.test(raw.trim()) || Number(raw) > 100) return 100;
  return Number(raw);
}

/** RFC 9989 §4.7: sp= for subdomains, np= for subdomains that do not exist; neither should protect less than p=. */
function subdomainWeaker(domain: string, applied: FoundRecord, testingNote: string): Finding[] {
  const p = applied.tags.p?.toLowerCase();
  if (!isPolicy(p)) return [];
  const weaker = (['sp', 'np'] as const).filter((t) => {
    const v = applied.tags[t]?.toLowerCase();
    return isPolicy(v) && weakerPolicy(v, p);
  });
  if (weaker.length === 0) return [];
  const said = weaker.map((t) => `${t}=${applied.tags[t]?.toLowerCase()}`).join(' and ');
  const who = weaker.length === 2 ? 'its subdomains, existing or not,' : weaker[0] === 'sp' ? 'its subdomains' : 'its subdomains that do not exist';
  const affectsAudited = domain !== applied.domain ? ` That includes ${domain}, the domain audited.` : '';
  return [
    finding('dmarc.subdomain-weaker', {
      title: `${said} is weaker than p=${p}`,
      detail: `The record at _dmarc.${applied.domain} applies p=${p} to ${applied.domain} itself but ${said} to ${who}: a spoofer who cannot send as ${applied.domain} can send as anything.${applied.domain} instead, and receivers will let it through.${affectsAudited}${testingNote}`,
      fix: `Unless a subdomain really sends mail that still fails DMARC, publish at _dmarc.${applied.domain}: "${rewriteDmarcRecord(applied.record, Object.fromEntries(weaker.map((t) => [t, p])))}".`,
      fixRecords: [{ name: `_dmarc.${applied.domain}`, type: 'TXT', value: rewriteDmarcRecord(applied.record, Object.fromEntries(weaker.map((t) => [t, p]))) }],
      evidence: applied.record,
      refs: ['RFC 9989 §4.7'],
    }),
  ];
}

/** The rua/ruf destinations, and whether each can take the reports (RFC 9990 §3.2.3, RFC 7489 §7.1). */
async function reportDestinations(
  ctx: AuditContext,
  applied: FoundRecord,
  organizational: string,
): Promise<{ reports: { rua: DmarcReportDestination[]; ruf: DmarcReportDestination[] }; nullMx: Set<string>; failures: LookupFailure[] }> {
  const { dns } = ctx;
  const rua = reportUris(applied.tags.rua);
  const ruf = reportUris(applied.tags.ruf);
  // A destination inside the policy domain's organization needs no authorization. For a record that
  // applies from above the organizational domain (a public suffix operator's), its own domain counts.
  const org = applied.domain === organizational || applied.domain.endsWith(`.${organizational}`) ? organizational : applied.domain;
  const isExternal = (d: string) => d !== org && !d.endsWith(`.${org}`);
  const domains = [...new Set([...rua, ...ruf].map((u) => u.domain))];

  const info = new Map<string, { hasMx: boolean | null; nullMx: boolean; hasAddress: boolean | null; authorized: boolean | null }>();
  const failures: LookupFailure[] = [];
  const failed = (r: PromiseSettledResult<unknown>) => {
    const failure = r.status === 'rejected' ? failureOf(r.reason) : null;
    if (failure) failures.push(failure);
  };
  await Promise.all(
    domains.map(async (d) => {
      const [mx, a, aaaa, auth] = await Promise.allSettled([
        dns.resolveMx(d),
        dns.resolve(d, 'A'),
        dns.resolve(d, 'AAAA'),
        // RFC 7489 §7.1: "<policy domain>._report._dmarc.<destination host>"; a wildcard at
        // *._report._dmarc.<destination> answers this name too, which is the DNS server's doing.
        isExternal(d) ? dns.resolveTxt(`${applied.domain}._report._dmarc.${d}`) : Promise.resolve(null),
      ]);
      const absent = (r: PromiseSettledResult<unknown>) => r.status === 'rejected' && failureOf(r.reason) === null;
      const mxHosts = mx.status === 'fulfilled' ? mx.value : [];
      // RFC 7505 §3: "MX 0 ." says the domain takes no mail at all.
      const nullMx = mxHosts.length === 1 && (mxHosts[0]?.exchange ?? '').replace(/\.$/, '') === '';
      const hasMx = mx.status === 'fulfilled' ? mxHosts.length > 0 && !nullMx : absent(mx) ? false : null;
      const hasAddress =
        (a.status === 'fulfilled' && (a.value as string[]).length > 0) || (aaaa.status === 'fulfilled' && (aaaa.value as string[]).length > 0)
          ? true
          : absent(a) && absent(aaaa)
            ? false
            : null;
      let authorized: boolean | null = null;
      if (auth.status === 'fulfilled' && auth.value !== null) authorized = auth.value.map((c) => c.join('')).some(isDmarcRecord);
      else if (absent(auth)) authorized = false;
      info.set(d, { hasMx, nullMx, hasAddress, authorized });
      // A failure matters where it leaves a question open: the authorization, or mail delivery when no MX answered.
      failed(auth);
      if (hasMx === null) failed(mx);
      if (hasMx !== true && hasAddress === null) [a, aaaa].forEach(failed);
    }),
  );

  const describe = (u: ReportUri): DmarcReportDestination => {
    const i = info.get(u.domain);
    const hasMx = i?.hasMx ?? null;
    return {
      uri: u.uri,
      domain: u.domain,
      external: isExternal(u.domain),
      authorized: i?.authorized ?? null,
      hasMx,
      hasAddress: i?.nullMx ? false : (i?.hasAddress ?? null),
    };
  };
  const nullMx = new Set([...info].filter(([, i]) => i.nullMx).map(([d]) => d));
  return { reports: { rua: rua.map(describe), ruf: ruf.map(describe) }, nullMx, failures };
}

function reportFindings(
  applied: FoundRecord,
  reports: { rua: DmarcReportDestination[]; ruf: DmarcReportDestination[] },
  nullMx: Set<string>,
): Finding[] {
  const findings: Finding[] = [];
  const all = [...reports.rua.map((d) => ({ ...d, tag: 'rua' })), ...reports.ruf.map((d) => ({ ...d, tag: 'ruf' }))];
  const byDomain = new Map<string, typeof all>();
  for (const d of all) byDomain.set(d.domain, [...(byDomain.get(d.domain) ?? []), d]);

  for (const [dest, list] of byDomain) {
    const first = list[0] as (typeof all)[number];
    const uris = list.map((d) => `${d.tag}=${d.uri}`).join(', ');
    if (first.external && first.authorized === false) {
      const name = `${applied.domain}._report._dmarc.${dest}`;
      findings.push(
        finding('dmarc.rua-unauthorized', {
          title: `${dest} has not agreed to receive DMARC reports for ${applied.domain}`,
          detail: `The record at _dmarc.${applied.domain} sends reports to ${uris}, outside ${applied.domain}'s organization. Receivers send reports to another domain only when that domain publishes a TXT record at ${name} (or *._report._dmarc.${dest}) starting with v=DMARC1, so no reports reach this address.`,
          fix: `The owner of ${dest} (your report service, if it is one) publishes: ${name}. IN TXT "v=DMARC1" (or *._report._dmarc.${dest}. IN TXT "v=DMARC1" to accept reports for every domain). If you cannot arrange that, use an address in ${applied.domain} instead.`,
          fixRecords: [{ name, type: 'TXT', value: 'v=DMARC1' }],
          evidence: applied.record,
          refs: ['RFC 9990 §3.2.3', 'RFC 7489 §7.1'],
        }),
      );
    }
    if (first.hasMx === false && first.hasAddress === false) {
      findings.push(
        finding('dmarc.rua-no-mx', {
          title: `Report address domain ${dest} cannot receive mail`,
          detail: `The record at _dmarc.${applied.domain} sends reports to ${uris}, but ${dest} ${nullMx.has(dest) ? 'publishes a null MX ("MX 0 .", RFC 7505): it declares that it takes no mail' : 'has no MX record and no address (A or AAAA) record to fall back to'}, so the reports bounce and are lost.`,
          fix: `Point ${list.map((d) => d.tag).filter((t, i, a) => a.indexOf(t) === i).join(' and ')} at a mailbox that receives mail, for example "${rewriteDmarcRecord(applied.record, { rua: `mailto:dmarc-reports@${applied.domain}` })}", or give ${dest} an MX record.`,
          evidence: applied.record,
          refs: ['RFC 9990 §3.2.3', 'RFC 5321 §5.1', 'RFC 7505 §3'],
        }),
      );
    }
  }
  return findings;
}

/**
 * How an RFC 7489 receiver reads the same DNS, when that differs from RFC 9989.
 *
 * RFC 7489 §6.6.3 queries only `_dmarc.<domain>` and then `_dmarc.<organizational domain>`, which it
 * takes from the Public Suffix List (§3.2); it knows pct= and not np=, t= or psd=.
 */
async function rfc7489Reading(
  dns: DnsSession,
  domain: string,
  targets: string[],
  results: Awaited<ReturnType<typeof lookup>>[],
  now: { applied: FoundRecord; policy: DmarcPolicy; pct: number; organizationalDomain: string },
): Promise<DmarcCheck['rfc7489'] | undefined> {
  const orgDomain = getDomain(domain, { allowPrivateDomains: true }) ?? domain;
  const at = async (name: string) => {
    const i = targets.indexOf(name);
    return i >= 0 ? (results[i] as Awaited<ReturnType<typeof lookup>>) : lookup(dns, name);
  };
  const exact = await at(domain);
  if (exact.step.outcome === 'error') return undefined;
  let found: FoundRecord | undefined;
  // RFC 7489 §6.6.3 step 5: several records end discovery with no policy, no walking on.
  if (exact.step.outcome === 'record') found = exact.found;
  else if (exact.step.outcome !== 'multiple' && orgDomain !== domain) {
    const org = await at(orgDomain);
    if (org.step.outcome === 'error') return undefined;
    found = org.found;
  }
  let policy: DmarcPolicy | null = null;
  if (found) {
    const p = found.tags.p?.toLowerCase();
    const sp = found.tags.sp?.toLowerCase();
    // RFC 7489 §6.3: sp= applies when the record was found at the organizational domain, not the domain itself.
    policy = found.domain !== domain && isPolicy(sp) ? sp : isPolicy(p) ? p : null;
  }
  const pct = found ? validPct(found.tags.pct) : 100;

  const notes: string[] = [];
  if (orgDomain !== now.organizationalDomain) {
    notes.push(`RFC 7489 takes the organizational domain from the Public Suffix List: ${orgDomain}; the RFC 9989 DNS tree walk gives ${now.organizationalDomain}.`);
  }
  if (found?.domain !== now.applied.domain) {
    notes.push(
      found
        ? `RFC 7489 looks only at _dmarc.${domain} and _dmarc.${orgDomain}, and uses the record at _dmarc.${found.domain}; RFC 9989 uses the one at _dmarc.${now.applied.domain}.`
        : exact.step.outcome === 'multiple'
          ? `_dmarc.${domain} has several records: RFC 7489 stops there with no policy, while the RFC 9989 walk goes on to _dmarc.${now.applied.domain}.`
          : `RFC 7489 looks only at _dmarc.${domain} and _dmarc.${orgDomain} and finds no record, so it applies no policy; the RFC 9989 walk finds the one at _dmarc.${now.applied.domain}.`,
    );
  }
  if (policy !== now.policy) notes.push(`RFC 7489 receivers apply ${policy ?? 'no policy'} where RFC 9989 receivers apply ${now.policy}.`);
  if (pct < 100 && policy && policy !== 'none') {
    notes.push(`pct=${pct}: RFC 7489 receivers apply ${policy} to ${pct}% of failing mail and ${nextWeaker(policy)} to the rest; RFC 9989 receivers ignore pct.`);
  }
  if (notes.length === 0) return undefined;
  return { policy, pct, organizationalDomain: orgDomain, note: notes.join(' ') };
}
