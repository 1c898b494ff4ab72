/**
 * The SPF include/redirect tree, evaluated statically: every branch followed, every term's cost.
 *
 * Counting follows RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect each cost one DNS
 * lookup, wherever they stand in the tree; a lookup that returns no records (NODATA or NXDOMAIN)
 * is a void lookup. Receivers stop evaluating at the first match, so the count here is the worst
 * case, which is what decides whether some mail gets permerror.
 */
import { DnsError, type DnsSession } from '../dns/session';
import { failureOf, failureText, isVoidCode } from './lookup-failure';
import { isSpfRecord, parseSpfRecord } from './spf-parse';
import type { LookupFailure, SpfNode, SpfTerm, SpfTreeTerm } from './types';

/**
 * The tree never grows past these, whatever a hostile zone publishes (1,000-include chains, records
 * of hundreds of terms): past them, branches are marked "not followed" and the counts are a floor.
 */
export const TREE_LIMITS = { depth: 12, lookups: 150 };

export interface SpfFetch {
  records: string[];
  /** ENODATA / ENOTFOUND for no TXT at all, or a transport error code. */
  error?: string;
}

/** The TXT records at `domain` that are SPF records (RFC 7208 §4.5), strings joined (§3.3). */
export async function fetchSpf(domain: string, dns: DnsSession): Promise<SpfFetch> {
  try {
    const txt = (await dns.resolveTxt(domain)).map((chunks) => chunks.join(''));
    return { records: txt.filter(isSpfRecord) };
  } catch (err) {
    if (!(err instanceof DnsError)) throw err;
    return { records: [], error: err.code };
  }
}

/**
 * What a mechanism's lookups found: void for NODATA/NXDOMAIN everywhere, and the first lookup that
 * got no answer at all.
 *
 * RFC 7208 §5: a lookup that fails makes check_host() stop with temperror, whatever the other
 * lookups found: `a` asks A for IPv4 clients and AAAA for IPv6 ones (§5.3), so a failed AAAA is a
 * temperror for every IPv6 sender even when A answers.
 */
async function probe(dns: DnsSession, name: string, types: string[]): Promise<{ void: boolean; failure?: LookupFailure }> {
  const results = await Promise.allSettled(types.map((t) => dns.resolve(name, t)));
  const found = results.some((r) => r.status === 'fulfilled' && Array.isArray(r.value) && r.value.length > 0);
  const failure = results.map((r) => (r.status === 'rejected' ? failureOf(r.reason) : null)).find((f) => f !== null);
  return { void: !found && !failure, ...(failure ? { failure } : {}) };
}

/** A term after its lookups: void counted, a failure kept and said on the term. */
function probed(base: SpfTreeTerm, outcome: { void: boolean; failure?: LookupFailure }): SpfTreeTerm {
  return {
    ...base,
    voids: outcome.void ? 1 : 0,
    ...(outcome.failure ? { lookupError: outcome.failure, error: `lookup failed: ${failureText(outcome.failure)}` } : {}),
  };
}

export interface TreeState {
  /** DNS lookups the tree walk has started; taken before each await, so parallel branches share it. */
  lookups: number;
  truncated: boolean;
}

function spend(state: TreeState): boolean {
  if (state.lookups >= TREE_LIMITS.lookups) {
    state.truncated = true;
    return false;
  }
  state.lookups++;
  return true;
}

const NOT_FOLLOWED = 'not followed: the tree is too large to evaluate';

/** The target domain of a term, or null when it has a macro or names the current domain implicitly. */
function targetOf(term: SpfTerm, current: string): string | null {
  if (term.macro) return null;
  if (!term.value) return current;
  // a:host/24 and mx:host//64 carry prefix lengths after the name.
  return term.value.replace(/\/.*$/, '').replace(/\.$/, '').toLowerCase();
}

export async function buildSpfNode(
  domain: string,
  record: string | null,
  dns: DnsSession,
  path: readonly string[],
  state: TreeState,
  fetchError?: string,
): Promise<SpfNode> {
  if (record === null) return { domain, record: null, terms: [], ...(fetchError ? { error: fetchError } : {}) };
  const parsed = parseSpfRecord(record);
  const hasAll = parsed.terms.some((t) => t.kind === 'mechanism' && t.name === 'all');
  const terms = await Promise.all(
    parsed.terms.map((term) => evaluateTerm(term, domain, dns, [...path, domain], state, hasAll)),
  );
  return { domain, record, terms };
}

async function evaluateTerm(
  term: SpfTerm,
  domain: string,
  dns: DnsSession,
  path: readonly string[],
  state: TreeState,
  hasAll: boolean,
): Promise<SpfTreeTerm> {
  const base: SpfTreeTerm = { ...term, cost: term.lookup && term.kind !== 'invalid' ? 1 : 0, voids: 0 };
  if (!base.cost) return base;
  const target = targetOf(term, domain);

  switch (term.name) {
    case 'include':
    case 'redirect': {
      // RFC 7208 §6.1: redirect is ignored when the record has an all mechanism.
      if (term.name === 'redirect' && hasAll) return { ...base, cost: 0, error: 'ignored: the record has an "all" mechanism (RFC 7208 §6.1)' };
      if (target === null) return base;
      if (path.includes(target)) {
        return { ...base, child: { domain: target, record: null, terms: [], error: `loop: ${[...path, target].join(' → ')}` } };
      }
      if (path.length >= TREE_LIMITS.depth || !spend(state)) {
        state.truncated = true;
        return { ...base, child: { domain: target, record: null, terms: [], error: NOT_FOLLOWED } };
      }
      const fetched = await fetchSpf(target, dns);
      const voids = fetched.records.length === 0 && isVoidCode(fetched.error) ? 1 : 0;
      if (fetched.records.length !== 1) {
        const failed = fetched.records.length === 0 && fetched.error !== undefined && !isVoidCode(fetched.error);
        const error =
          fetched.records.length > 1 ? `${fetched.records.length} SPF records (permerror)` : failed ? `lookup failed: ${fetched.error}` : 'no SPF record';
        return {
          ...base,
          voids,
          child: { domain: target, record: null, terms: [], error },
          ...(failed ? { lookupError: { name: target, type: 'TXT', code: fetched.error as string } } : {}),
        };
      }
      const child = await buildSpfNode(target, fetched.records[0] as string, dns, path, state);
      return { ...base, cost: 1 + nodeCost(child), voids: voids + nodeVoids(child), child };
    }
    case 'a': {
      if (target === null) return base;
      if (!spend(state)) return { ...base, error: NOT_FOLLOWED };
      return probed(base, await probe(dns, target, ['A', 'AAAA']));
    }
    case 'mx': {
      if (target === null) return base;
      if (!spend(state)) return { ...base, error: NOT_FOLLOWED };
      return probed(base, await probe(dns, target, ['MX']));
    }
    case 'exists': {
      if (target === null) return base;
      if (!spend(state)) return { ...base, error: NOT_FOLLOWED };
      // RFC 7208 §5.7: exists asks for A records whatever the client's address family.
      return probed(base, await probe(dns, target, ['A']));
    }
    default:
      // ptr: what it queries depends on the connecting IP; it costs one lookup, never a static void.
      return base;
  }
}

export function nodeCost(node: SpfNode): number {
  return node.terms.reduce((sum, t) => sum + t.cost, 0);
}

export function nodeVoids(node: SpfNode): number {
  return node.terms.reduce((sum, t) => sum + t.voids, 0);
}

/** Every node of the tree, depth first. */
export function* walkTree(node: SpfNode): Generator<SpfNode> {
  yield node;
  for (const term of node.terms) if (term.child) yield* walkTree(term.child);
}

/** Every term of the tree with the domain whose record holds it. */
export function* walkTerms(node: SpfNode): Generator<{ domain: string; term: SpfTreeTerm }> {
  for (const term of node.terms) {
    yield { domain: node.domain, term };
    if (term.child) yield* walkTerms(term.child);
  }
}
