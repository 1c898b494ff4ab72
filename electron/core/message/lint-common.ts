/**
 * What header lint and content lint both use: the organizational domain, and why a message is bulk.
 *
 * In a module of its own so that neither lint imports the other.
 */
import { getDomain } from 'tldts';
import type { LintInput } from './lint-types';

/** The organizational domain (public-suffix rule, as DMARC's RFC 7489 §3.2), or the name itself. */
export function orgDomain(host: string): string {
  const h = host.trim().replace(/\.$/, '').toLowerCase();
  return getDomain(h, { allowPrivateDomains: false }) ?? h;
}

/** Why the message counts as bulk, in words: its signals, or the old summary's wording without them. */
export function bulkWhy(input: { summary: Pick<LintInput['summary'], 'bulkSignals'> }): string {
  const signals = input.summary.bulkSignals ?? [];
  return signals.length ? signals.join(', ') : 'list or bulk headers';
}
