/**
 * SPF check: the domain's record and its whole include/redirect tree (RFC 7208).
 */
import type { AuditContext, CheckOutput } from './context';
import { finding, statusOf } from './finding';
import { answerWords, failuresText } from './lookup-failure';
import { parseSpfRecord } from './spf-parse';
import { buildSpfNode, fetchSpf, nodeCost, nodeVoids, walkTerms, type TreeState } from './spf-tree';
import type { Finding, LookupFailure, SpfCheck, SpfNode, SpfTreeTerm } from './types';

// RFC 7208 §4.6.4: at most 10 terms that cause DNS queries, and at most 2 void lookups.
export const LOOKUP_LIMIT = 10;
export const VOID_LIMIT = 2;

/**
 * The `all` that decides for unlisted senders: the record's own, else the redirect target's (RFC 7208 §6.1).
 *
 * Undefined when a redirect target could not be looked up: what it says is unknown.
 */
function effectiveAll(node: SpfNode): { qualifier: SpfTreeTerm['qualifier'] | null | undefined; domain: string } {
  const all = node.terms.find((t) => t.kind === 'mechanism' && t.name === 'all');
  if (all) return { qualifier: all.qualifier ?? '+', domain: node.domain };
  const redirect = node.terms.find((t) => t.kind === 'modifier' && t.name === 'redirect');
  if (redirect?.child?.record) return effectiveAll(redirect.child);
  if (redirect?.lookupError) return { qualifier: undefined, domain: node.domain };
  return { qualifier: null, domain: node.domain };
}

/**
 * spf.temperror: a lookup the evaluation needs got no answer, so a receiver gets none either.
 *
 * RFC 7208 §4.4 and §5: check_host() stops with temperror when a DNS lookup fails (SERVFAIL, timeout,
 * a reply it cannot read). §8.6: receivers then usually defer the mail with a 4xx reply; and for
 * DMARC a temperror is no SPF pass, so unless DKIM passes aligned the message fails DMARC and gets
 * the domain's policy. Critical, like the permanent errors: mail is delayed or refused.
 */
function temperrorFinding(domain: string, failure: LookupFailure, at?: { domain: string; term: SpfTreeTerm }): Finding {
  const answer = answerWords(failure.code);
  const where = at ? `"${at.term.text}" in ${at.domain}'s record needs the ${failure.type} record of ${failure.name}` : `${domain}'s SPF record is a TXT record at ${failure.name}`;
  return finding('spf.temperror', {
    title: `SPF lookup of ${failure.name} (${failure.type}) failed: ${answer}`,
    detail:
      `${where}, and that lookup got ${answer}. A receiver whose evaluation reaches it stops with temperror (RFC 7208 §4.4, §5): most defer the mail with a temporary 4xx reply and try again later, ` +
      `and DMARC counts a temperror as no SPF pass, so unless DKIM passes aligned the mail fails DMARC and gets ${domain}'s policy (quarantine or reject). ` +
      'If this was a passing fault of the DNS servers, the next audit will not show it; if it stays, mail is delayed or refused until they answer.',
    fix: at
      ? `Make the DNS servers for ${failure.name} answer for its ${failure.type} record (ask each of them: dig ${failure.type} ${failure.name} @<name server>). If "${at.term.text}" names a service you no longer use, remove it from ${at.domain}'s record.`
      : `Make the DNS servers for ${domain} answer for its TXT records (ask each of them: dig TXT ${domain} @<name server>); a server that answers SERVFAIL often has a broken DNSSEC signature or a zone it failed to load.`,
    evidence: `${failure.name} ${failure.type}: ${failure.code}`,
    refs: ['RFC 7208 §4.4', 'RFC 7208 §5', 'RFC 7208 §8.6'],
  });
}

export async function checkSpf(ctx: AuditContext): Promise<CheckOutput<'spf'>> {
  const { domain, dns } = ctx;
  const findings: Finding[] = [];
  const fetched = await fetchSpf(domain, dns);
  const empty: SpfCheck = { status: 'pass', record: null, records: [], terms: [], lookups: 0, voidLookups: 0, all: null };

  if (fetched.error && fetched.error !== 'ENODATA' && fetched.error !== 'ENOTFOUND') {
    findings.push(temperrorFinding(domain, { name: domain, type: 'TXT', code: fetched.error }));
    return { check: { ...empty, status: 'error', error: fetched.error }, findings };
  }
  const records = fetched.records;
  if (records.length === 0) {
    findings.push(
      finding('spf.missing', {
        title: 'No SPF record',
        detail: `${domain} has no TXT record starting with "v=spf1". Receivers cannot check which servers may send mail for it, and Gmail and Yahoo require SPF or DKIM from every sender and both from bulk senders.`,
        fix: `Publish one TXT record at ${domain} listing your senders and ending in -all or ~all, for example "v=spf1 include:_spf.your-provider.example -all". If ${domain} sends no mail at all: "v=spf1 -all".`,
        refs: ['RFC 7208 §4.5'],
      }),
    );
    return { check: { ...empty, status: statusOf(findings), records }, findings };
  }
  if (records.length > 1) {
    findings.push(
      finding('spf.multiple', {
        title: `${records.length} SPF records`,
        detail: `${domain} publishes ${records.length} TXT records that start with "v=spf1". RFC 7208 §4.5 makes that a permanent error: every receiver's SPF check fails, whatever the records say.`,
        fix: 'Merge them into one record: keep one "v=spf1", put every mechanism from both in it, and end it with a single "all".',
        evidence: records.join('\n'),
        refs: ['RFC 7208 §4.5'],
      }),
    );
    return { check: { ...empty, status: statusOf(findings), records }, findings };
  }

  const record = records[0] as string;
  const parsed = parseSpfRecord(record);
  if (parsed.errors.length > 0) {
    findings.push(
      finding('spf.syntax', {
        title: 'The SPF record has syntax errors',
        detail: `Receivers treat a malformed record as a permanent error (RFC 7208 §4.6), so SPF fails for all mail from ${domain}. Problems: ${parsed.errors.join('; ')}.`,
        fix: 'Correct the terms listed, for example "ip4:192.0.2.0/24" (no space after the colon), "include:example.com", and end the record with one "-all" or "~all".',
        evidence: record,
        refs: ['RFC 7208 §4.6', 'RFC 7208 §12'],
      }),
    );
  }

  const state: TreeState = { lookups: 0, truncated: false };
  const tree = await buildSpfNode(domain, record, dns, [], state);
  const lookups = nodeCost(tree);
  const voidLookups = nodeVoids(tree);
  findings.push(...treeFindings(domain, tree, lookups, voidLookups, state.truncated));
  const failed = [...walkTerms(tree)].filter(({ term }) => term.lookupError);
  for (const at of failed) findings.push(temperrorFinding(domain, at.term.lookupError as LookupFailure, at));

  const all = effectiveAll(tree);
  if (all.qualifier === '+' || all.qualifier === '?' || all.qualifier === null) {
    // The record to rewrite is the one whose all decides: the domain's own, or its redirect target's.
    const owner = all.domain === domain ? tree : findNode(tree, all.domain);
    const ownRecord = owner?.record ?? record;
    const senders = hasSenders(ownRecord) ? [] : await ownSenders(all.domain, dns);
    const replacement = softfailRecord(ownRecord, senders);
    const fixRecords = [{ name: all.domain, type: 'TXT' as const, value: replacement }];
    const kept = senders.length > 0 ? ` It adds ${senders.map((t) => `"${t}"`).join(' and ')}: the record lists no sender of its own, and ${all.domain}'s ${senders.map((t) => (t === 'mx' ? 'MX hosts' : 'own address')).join(' and ')} may be sending today.` : ' It keeps every sender the record lists.';
    const strict = `Publish at ${all.domain}: "${replacement}".${kept} "~all" (softfail) marks other servers as suspicious without refusing their mail, so a sender you forgot still gets through while DMARC reports show it; once the reports show all your legitimate mail passing, "-all" (fail) is the strict variant that lets receivers refuse the rest.`;
    if (all.qualifier === '+') {
      findings.push(
        finding('spf.all-pass', {
          title: 'SPF allows every server on the internet (+all)',
          detail: `The record${all.domain === domain ? '' : ` reached through redirect at ${all.domain}`} ends in "+all" (or a bare "all"), so any server passes SPF for ${domain}: SPF protects nothing, and some receivers treat it as a spam sign.`,
          fix: strict,
          fixRecords,
          evidence: record,
          refs: ['RFC 7208 §5.1', 'RFC 7208 §8.5'],
        }),
      );
    } else {
      findings.push(
        finding('spf.all-neutral', {
          title: all.qualifier === '?' ? 'SPF ends in ?all (neutral)' : 'SPF has no all mechanism and no redirect',
          detail: `Servers not listed get "neutral" (RFC 7208 §2.6.2): receivers treat them like having no SPF at all, so the record does not stop anyone from sending as ${domain}.`,
          fix: strict,
          fixRecords,
          evidence: record,
          refs: ['RFC 7208 §4.7', 'RFC 7208 §5.1'],
        }),
      );
    }
  }

  return {
    check: {
      status: failed.length > 0 ? 'error' : statusOf(findings),
      ...(failed.length > 0 ? { error: failuresText(failed.map(({ term }) => term.lookupError as LookupFailure)) } : {}),
      record,
      records,
      terms: parsed.terms,
      lookups,
      voidLookups,
      all: parsed.all,
      tree,
    },
    findings,
  };
}

/** A mechanism that names a sender (anything but all): the record authorizes someone. */
function hasSenders(record: string): boolean {
  return parseSpfRecord(record).terms.some((t) => t.kind === 'mechanism' && t.name !== 'all');
}

/**
 * The mechanisms that stand for the domain's own servers: "mx" when it has MX hosts, "a" when it has an address.
 *
 * A record that is only "+all" lets the domain's own servers send today; a fix that ended in ~all
 * without them would softfail the domain's own mail. A lookup that fails leaves its mechanism in:
 * keeping a sender is the safe side.
 */
async function ownSenders(domain: string, dns: AuditContext['dns']): Promise<string[]> {
  const has = (lookup: Promise<unknown[]>) =>
    lookup.then(
      (answer) => answer.length > 0,
      (err: { code?: string }) => err.code !== 'ENODATA' && err.code !== 'ENOTFOUND',
    );
  const [mx, a, aaaa] = await Promise.all([
    has(dns.resolveMx(domain).then((hosts) => hosts.filter((h) => h.exchange !== '' && h.exchange !== '.'))),
    has(dns.resolve(domain, 'A') as Promise<unknown[]>),
    has(dns.resolve(domain, 'AAAA') as Promise<unknown[]>),
  ]);
  return [...(mx ? ['mx'] : []), ...(a || aaaa ? ['a'] : [])];
}

/**
 * The record with its all (or none) replaced by ~all, every other term kept in place.
 *
 * RFC 7208 §5.1: mechanisms after all are never reached, so ~all goes last, before the modifiers
 * that followed the old all; `extra` mechanisms go just before it.
 */
export function softfailRecord(record: string, extra: readonly string[] = []): string {
  const terms = record.trim().split(/ +/).slice(1);
  const isAll = (t: string) => /^[+?~-]?all$/i.test(t);
  const kept = terms.filter((t) => !isAll(t));
  const mechanisms = kept.filter((t) => !/^[a-z][a-z0-9_.-]*=/i.test(t));
  const modifiers = kept.filter((t) => /^[a-z][a-z0-9_.-]*=/i.test(t) && !/^redirect=/i.test(t));
  // RFC 7208 §6.1: redirect is ignored once there is an all, so it has no place beside ~all.
  return ['v=spf1', ...mechanisms, ...extra.filter((e) => !mechanisms.includes(e)), '~all', ...modifiers].join(' ');
}

function findNode(node: SpfNode, domain: string): SpfNode | undefined {
  if (node.domain === domain) return node;
  for (const term of node.terms) {
    const found = term.child ? findNode(term.child, domain) : undefined;
    if (found) return found;
  }
  return undefined;
}

function treeFindings(domain: string, tree: SpfNode, lookups: number, voidLookups: number, truncated: boolean): Finding[] {
  const findings: Finding[] = [];
  const terms = [...walkTerms(tree)];

  if (lookups > LOOKUP_LIMIT) {
    const costly = tree.terms
      .filter((t) => t.cost > 0)
      .sort((a, b) => b.cost - a.cost)
      .map((t) => `${t.text} (${t.cost})`);
    findings.push(
      finding('spf.lookup-limit', {
        title: `${lookups}${truncated ? '+' : ''} DNS lookups: over the limit of ${LOOKUP_LIMIT}`,
        detail: `Evaluating ${domain}'s SPF record can take ${lookups}${truncated ? ' or more' : ''} DNS-querying terms (include, a, mx, ptr, exists, redirect, counted through every include). RFC 7208 §4.6.4 allows ${LOOKUP_LIMIT}; past that, receivers return permerror and SPF fails for the mail they are checking. The costliest terms: ${costly.join(', ')}.`,
        fix: `Bring the count to ${LOOKUP_LIMIT} or fewer: remove includes of services you no longer use, replace "a" and "mx" with the ip4:/ip6: ranges they stand for, and ask providers with costly includes (${costly.slice(0, 3).join(', ')}) for a leaner one. Flattening includes into IP ranges works but must be kept up to date when providers change addresses.`,
        evidence: tree.record ?? undefined,
        refs: ['RFC 7208 §4.6.4'],
      }),
    );
  }
  if (voidLookups > VOID_LIMIT) {
    const voids = terms.filter(({ term }) => term.voids > 0 && !term.child?.record).map(({ domain: d, term }) => `${term.text} (in ${d})`);
    findings.push(
      finding('spf.void-limit', {
        title: `${voidLookups} void lookups: over the limit of ${VOID_LIMIT}`,
        detail: `${voidLookups} lookups in the SPF tree return no records at all (NXDOMAIN or no data). RFC 7208 §4.6.4 lets receivers return permerror after ${VOID_LIMIT}. Void terms: ${voids.join(', ')}.`,
        fix: `Remove the terms that point at names without records: ${voids.join(', ')}.`,
        refs: ['RFC 7208 §4.6.4'],
      }),
    );
  }
  const missing = terms.filter(({ term }) => term.child && !term.child.record && /no SPF record|SPF records \(permerror\)/.test(term.child.error ?? ''));
  for (const { domain: d, term } of missing) {
    findings.push(
      finding('spf.include-missing', {
        title: `${term.name === 'redirect' ? 'Redirect' : 'Include'} target ${term.child?.domain} has ${term.child?.error === 'no SPF record' ? 'no SPF record' : 'several SPF records'}`,
        detail: `"${term.text}" in ${d}'s record points at ${term.child?.domain}, which has ${term.child?.error}. Receivers return permerror when they reach it (RFC 7208 §5.2${term.name === 'redirect' ? ', §6.1' : ''}), so SPF fails for the mail being checked.`,
        fix: `Remove "${term.text}" from ${d}'s record, or correct the name (check the provider's documentation for its current include).`,
        evidence: term.text,
        refs: ['RFC 7208 §5.2', 'RFC 7208 §6.1'],
      }),
    );
  }
  for (const { domain: d, term } of terms.filter(({ term }) => term.child?.error?.startsWith('loop:'))) {
    findings.push(
      finding('spf.loop', {
        title: `SPF include loop through ${term.child?.domain}`,
        detail: `The chain ${term.child?.error?.slice('loop: '.length)} comes back to a domain already on it. Receivers stop with permerror (RFC 7208 §4.6.4 bounds the evaluation), so SPF fails.`,
        fix: `Remove "${term.text}" from ${d}'s record.`,
        evidence: term.text,
        refs: ['RFC 7208 §4.6.4', 'RFC 7208 §5.2'],
      }),
    );
  }
  const ptrs = terms.filter(({ term }) => term.kind === 'mechanism' && term.name === 'ptr');
  if (ptrs.length > 0) {
    findings.push(
      finding('spf.ptr', {
        title: 'SPF uses the ptr mechanism',
        detail: `${ptrs.map(({ domain: d, term }) => `"${term.text}" in ${d}`).join(', ')}: RFC 7208 §5.5 says ptr SHOULD NOT be used. It is slow, depends on the sender's reverse DNS, costs a lookup, and some receivers skip it, failing mail it was meant to pass.`,
        fix: 'Replace ptr with the ip4:/ip6: ranges of the servers it was meant to cover.',
        refs: ['RFC 7208 §5.5'],
      }),
    );
  }
  const macros = terms.filter(({ term }) => term.macro);
  if (macros.length > 0) {
    findings.push(
      finding('spf.macro', {
        title: 'Terms with macros cannot be resolved statically',
        detail: `${macros.map(({ domain: d, term }) => `"${term.text}" in ${d}`).join(', ')} expand per message (RFC 7208 §7): the audit counts each as one lookup and follows nothing behind it. This is not an error.`,
        refs: ['RFC 7208 §7'],
      }),
    );
  }
  return findings;
}
