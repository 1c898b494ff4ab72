/**
 * The longest chain of dependent DNS queries in an audit, inferred from its transcript by data flow.
 *
 * Query Q depends on an earlier answer P when P's answer names what Q asks about: an MX answer names
 * the host whose address is looked up, an A answer holds the IP whose PTR or blocklist entry is
 * looked up, an SPF record names the include that is fetched, a DMARC rua names the destination
 * whose authorization is looked up. Dependencies the data does not show (selectors guessed from a
 * provider) are not counted, so the path can only come out shorter, and the speed bound stricter.
 */
import type { DnsQueryRecord } from '../../electron/core/dns/types';
import { reversedLabels } from '../../electron/core/net/ip';

const TOKEN = /[a-z0-9_][a-z0-9_.-]*\.[a-z0-9_-]+/gi;
const IP4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

function feeds(p: DnsQueryRecord, q: DnsQueryRecord, domain: string): boolean {
  if (!p.answer) return false;
  const text = p.answer.join(' ').toLowerCase();
  const name = q.name.toLowerCase().replace(/\.$/, '');
  for (const ip of text.match(IP4) ?? []) {
    const reversed = reversedLabels(ip);
    if (reversed && name.startsWith(`${reversed}.`)) return true;
  }
  for (const raw of text.match(TOKEN) ?? []) {
    const token = raw.replace(/\.$/, '');
    // The audited domain and its parents are named everywhere; they carry no dependency.
    if (domain === token || domain.endsWith(`.${token}`) || token === p.name.toLowerCase()) continue;
    if (name === token || name.endsWith(`.${token}`)) return true;
  }
  return false;
}

export function criticalPath(transcript: readonly DnsQueryRecord[], domain: string): number {
  const queries = transcript.filter((q) => !q.cached && q.at !== undefined).sort((a, b) => (a.at as number) - (b.at as number));
  const depth = new Map<DnsQueryRecord, number>();
  let longest = 0;
  for (const q of queries) {
    let d = 1;
    for (const p of queries) {
      if (p === q) break;
      const answeredAt = (p.at as number) + p.ms;
      if (answeredAt <= (q.at as number) + 0.5 && feeds(p, q, domain)) d = Math.max(d, (depth.get(p) ?? 1) + 1);
    }
    depth.set(q, d);
    longest = Math.max(longest, d);
  }
  return longest;
}
