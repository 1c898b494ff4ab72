/**
 * Link domains on the domain blocklists: the one network use of content lint, optional.
 *
 * Each distinct registrable domain the message links to is looked up on the DNSBL catalogue's domain
 * lists (RFC 5782 §2.3), through the caller's DNS session, as the audit's DNSBL check does. Only
 * names are queried: no link is ever opened or fetched.
 */
import { parse as parseHost } from 'tldts';
import { runPool } from '../../shared/pool';
import { DNSBL_LISTS, interpretAnswer, queryZone, type DnsblList } from '../audit/dnsbl';
import { finding } from '../audit/finding';
import type { Finding } from '../audit/types';
import { DnsError, type DnsSession } from '../dns/session';
import type { LinkInfo } from './types';

/** Distinct link domains looked up on blocklists, and queries in flight at once. */
export const MAX_LISTED_DOMAINS = 40;
const DNS_CONCURRENCY = 8;

interface DomainListing {
  domain: string;
  list: DnsblList;
  codes: string[];
  meanings: string[];
}

async function listedDomains(domains: readonly string[], dns: DnsSession): Promise<DomainListing[]> {
  const lists = DNSBL_LISTS.filter((l) => l.type === 'domain');
  const queries = domains.flatMap((domain) => lists.map((list) => ({ domain, list })));
  const { results } = await runPool(queries, DNS_CONCURRENCY, async ({ domain, list }): Promise<DomainListing | null> => {
    try {
      const answer = (await dns.resolve(`${domain}.${queryZone(list)}`, 'A')) as unknown;
      const addresses = Array.isArray(answer) ? answer.filter((x): x is string => typeof x === 'string') : [];
      const verdict = interpretAnswer(list, addresses);
      // A refusal (public resolver, over quota) is an unknown result, never a listing.
      return verdict.listed ? { domain, list, codes: verdict.codes, meanings: verdict.meanings } : null;
    } catch (err) {
      // NXDOMAIN is "not listed" (RFC 5782 §2.1); timeouts and failures are unknown: not listed either.
      if (err instanceof DnsError) return null;
      throw err;
    }
  });
  return results.filter((r): r is DomainListing => r !== null);
}

/** A name we may put in front of a blocklist zone: a registrable domain, not an IP literal. */
export function queryableDomain(host: string): string | null {
  const info = parseHost(host);
  if (info.isIp || !info.domain) return null;
  const d = info.domain.toLowerCase();
  return /^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(d) && d.length <= 200 ? d : null;
}

/** content.listed-domain findings for a message's web links (those with a host), one per listed domain. */
export async function listedLinkDomains(webLinks: readonly LinkInfo[], dns: DnsSession): Promise<Finding[]> {
  const findings: Finding[] = [];
  const domains = [...new Set(webLinks.map((l) => queryableDomain(l.domain as string)).filter((d): d is string => d !== null))].slice(0, MAX_LISTED_DOMAINS);
  const listings = await listedDomains(domains, dns);
  const byDomain = new Map<string, DomainListing[]>();
  for (const l of listings) byDomain.set(l.domain, [...(byDomain.get(l.domain) ?? []), l]);
  for (const [domain, ls] of byDomain) {
    const example = webLinks.find((l) => queryableDomain(l.domain as string) === domain);
    findings.push(
      finding('content.listed-domain', {
        title: `Link domain ${domain} is listed on ${ls.map((l) => l.list.name).join(', ')}`,
        detail: `The message links to ${domain}${example ? ` (${example.href.slice(0, 120)})` : ''}, which is listed: ${ls.map((l) => `${l.list.name} (${l.codes.join(', ')}: ${l.meanings.join('; ')})`).join('; ')}. Receivers check every domain in a message body against these lists; one listed link domain is enough to reject or junk the message.`,
        fix: `${ls[0]?.list.fixFirst ?? ''} If the domain is not yours, remove the link. Delisting: ${[...new Set(ls.map((l) => l.list.delisting))].join(', ')}`,
        evidence: ls.map((l) => `${domain}.${l.list.zone} A ${l.codes.join(', ')}`).join('\n'),
        refs: ['RFC 5782 §2.3', ...new Set(ls.map((l) => l.list.homepage))],
      }),
    );
  }
  return findings;
}
