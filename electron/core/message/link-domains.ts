/**
 * Link domains on the domain blocklists: the one network use of content lint, optional.
 *
 * Each distinct registrable domain the message links to is looked up on the DNSBL catalogue's domain
 * lists (RFC 5782 §2.3), through the caller's DNS session, as the audit's DNSBL check does. Only
 * names are queried: no link is ever opened or fetched.
 */
import { parse as parseHost } from 'tldts';
import { DNSBL_LISTS, lookupBlocklists, probeTestPoint, UNTRUSTED, untrustedWords, validKey, type DnsblList } from '../audit/dnsbl';
import { finding } from '../audit/finding';
import { answerWords } from '../audit/lookup-failure';
import type { DnsblResult, Finding } from '../audit/types';
import type { DnsSession } from '../dns/session';
import type { LinkInfo } from './types';

/** Distinct link domains looked up on blocklists. */
export const MAX_LISTED_DOMAINS = 40;
/** Lookups quoted in the evidence of content.link-lookup-failed; the rest are counted. */
const EVIDENCE_LINES = 6;

const listNamed = (name: string): DnsblList => DNSBL_LISTS.find((l) => l.name === name) as DnsblList;

/** A name we may put in front of a blocklist zone: a registrable domain, not an IP literal. */
export function queryableDomain(host: string): string | null {
  const info = parseHost(host);
  if (info.isIp || !info.domain) return null;
  const d = info.domain.toLowerCase();
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(d) && d.length <= 200 ? d : null;
}

/**
 * content.listed-domain findings for a message's web links (those with a host), one per listed domain,
 * and one content.link-lookup-failed when a list could not be asked or trusted.
 *
 * The lookups go through lookupBlocklists, so a list's "not listed" counts only when its test entry
 * answers as listed through the same resolver: one more query per domain list, asked once per DNS
 * session and shared with the readiness lookups of the same analysis.
 */
export async function listedLinkDomains(webLinks: readonly LinkInfo[], dns: DnsSession, spamhausDqsKey?: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  const domains = [...new Set(webLinks.map((l) => queryableDomain(l.domain as string)).filter((d): d is string => d !== null))].slice(0, MAX_LISTED_DOMAINS);
  if (domains.length === 0) return findings;
  const results = await lookupBlocklists(dns, { domains }, spamhausDqsKey);
  const byDomain = new Map<string, DnsblResult[]>();
  for (const r of results) if (r.listed) byDomain.set(r.target, [...(byDomain.get(r.target) ?? []), r]);
  for (const [domain, ls] of byDomain) {
    const example = webLinks.find((l) => queryableDomain(l.domain as string) === domain);
    const lists = ls.map((l) => listNamed(l.list));
    findings.push(
      finding('content.listed-domain', {
        title: `Link domain ${domain} is listed on ${ls.map((l) => l.list).join(', ')}`,
        detail: `The message links to ${domain}${example ? ` (${example.href.slice(0, 120)})` : ''}, which is listed: ${ls.map((l) => `${l.list} (${l.codes.join(', ')}: ${l.meanings.join('; ')})`).join('; ')}. Receivers check every domain in a message body against these lists; one listed link domain is enough to reject or junk the message.`,
        fix: `${lists[0]?.fixFirst ?? ''} If the domain is not yours, remove the link. Delisting: ${[...new Set(lists.map((l) => l.delisting))].join(', ')}`,
        evidence: ls.map((l) => `${domain}.${l.zone} A ${l.codes.join(', ')}`).join('\n'),
        refs: ['RFC 5782 §2.3', ...new Set(lists.map((l) => l.homepage))],
      }),
    );
  }
  const unknown = results.filter((r) => !r.listed && (r.refused || r.error));
  if (unknown.length > 0) findings.push(await lookupFailedFinding(dns, unknown, domains.length, validKey(spamhausDqsKey)));
  return findings;
}

/**
 * The lists that could not say whether a link domain is listed: a lookup failed, the list refused
 * the resolver, or its test entry did not answer as listed. Never a pass: the result is unknown.
 */
async function lookupFailedFinding(dns: DnsSession, unknown: readonly DnsblResult[], asked: number, key: string | undefined): Promise<Finding> {
  const names = [...new Set(unknown.map((r) => r.list))];
  const reasons: string[] = [];
  const evidence: string[] = [];
  for (const name of names) {
    const list = listNamed(name);
    const of = unknown.filter((r) => r.list === name);
    const domains = of.map((r) => r.target);
    const which = domains.length === asked ? (asked === 1 ? 'the link domain' : `all ${asked} link domains`) : domains.slice(0, 5).join(', ') + (domains.length > 5 ? ` and ${domains.length - 5} more` : '');
    if (of.some((r) => r.error === UNTRUSTED)) {
      const point = await probeTestPoint(dns, list, key);
      reasons.push(`${untrustedWords(name)} (its test entry ${point.name} answered ${point.answer ?? 'nothing'}), so its "not listed" about ${which} says nothing`);
      evidence.push(`${point.name} A: ${point.answer ?? 'nothing'}`);
      continue;
    }
    const refused = of.filter((r) => r.refused);
    const failed = of.filter((r) => !r.refused);
    if (refused.length > 0) reasons.push(`${name} refused to answer about ${refused.length === of.length ? which : refused.map((r) => r.target).slice(0, 5).join(', ')} (${[...new Set(refused.flatMap((r) => r.meanings))].join('; ')})`);
    if (failed.length > 0) reasons.push(`the lookups of ${failed.length === of.length ? which : failed.map((r) => r.target).slice(0, 5).join(', ')} on ${name} got no usable answer (${[...new Set(failed.map((r) => answerWords(r.error as string)))].join(', ')})`);
    for (const r of of) evidence.push(`${r.target}.${r.zone} A: ${r.codes.length ? r.codes.join(', ') : answerWords(r.error ?? 'REFUSED')}`);
  }
  const spamhaus = names.some((n) => listNamed(n).dqsZone);
  const shown = evidence.slice(0, EVIDENCE_LINES);
  return finding('content.link-lookup-failed', {
    title: `Link domains could not be checked on ${names.join(', ')}`,
    detail: `${reasons.join('; ')}. Whether ${asked === 1 ? 'the link domain is' : 'the link domains are'} listed there is unknown, not clean: receivers that use ${names.length === 1 ? 'this list' : 'these lists'} may still reject or junk the message.`,
    fix: `Check again through a resolver the lists accept (your own recursive resolver, not a public or filtered one)${spamhaus ? (key ? ', and check the Spamhaus DQS key' : ', or with a Spamhaus DQS key') : ''}.`,
    evidence: `${shown.join('\n')}${evidence.length > shown.length ? `\nand ${evidence.length - shown.length} more` : ''}`,
    refs: ['RFC 5782 §5', ...new Set(names.map((n) => listNamed(n).homepage))],
  });
}
