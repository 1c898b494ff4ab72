/**
 * The mailbox provider behind a recipient domain: a known consumer domain, else the host names of
 * the domain's MX, looked up through the configured resolver (every query has its deadline) and
 * cached in history. A lookup that fails says `unknown`, never `other`: `other` is an answer.
 */
import rulesJson from '../../../resources/provider-rules.json' with { type: 'json' };
import { DnsError, type DnsSession } from '../dns/session';
import { isVoidCode } from '../audit/lookup-failure';
import type { HistoryStore } from '../history/store';
import { runPool } from '../../shared/pool';
import type { RecipientProvider } from './types';

type Named = Exclude<RecipientProvider, 'other' | 'unknown'>;

const PROVIDERS = rulesJson.health.providers as Record<Named, { domains: string[]; mx: string[] }>;

const BY_DOMAIN = new Map<string, Named>();
for (const [provider, rule] of Object.entries(PROVIDERS) as [Named, { domains: string[] }][]) for (const d of rule.domains) BY_DOMAIN.set(d, provider);

/** How long an MX answer is kept before the domain is looked up again. */
export const MX_TTL_SECONDS = 30 * 86_400;
/** Lookups at once, and at most per import: the rest are `unknown` this time. */
export const MX_CONCURRENCY = 16;
export const MAX_MX_LOOKUPS = 5000;

/** The provider of a big consumer domain, without a lookup; null for any other domain. */
export const knownProvider = (domain: string): Named | null => BY_DOMAIN.get(domain) ?? null;

/** The provider whose mail servers these MX hosts are; `other` when none is a known one's. */
export function providerOfMx(hosts: readonly string[]): RecipientProvider {
  for (const host of hosts) {
    const name = host.toLowerCase().replace(/\.$/, '');
    for (const [provider, rule] of Object.entries(PROVIDERS) as [Named, { mx: string[] }][]) {
      if (rule.mx.some((suffix) => name === suffix || name.endsWith(`.${suffix}`))) return provider;
    }
  }
  return 'other';
}

export interface ProviderLookup {
  dns: DnsSession | null;
  store: HistoryStore | null;
  /** Unix seconds. */
  now: number;
  signal?: AbortSignal;
}

/**
 * Resolves recipient domains to providers, filling `known` (what this import has learnt so far).
 * Returns how many domains were not looked up (over the bound, or no resolver).
 */
export async function resolveProviders(domains: readonly string[], known: Map<string, RecipientProvider>, lookup: ProviderLookup, budget: { left: number }): Promise<number> {
  const todo: string[] = [];
  for (const d of domains) {
    if (known.has(d)) continue;
    if (d === '') known.set(d, 'unknown');
    else {
      const p = knownProvider(d);
      if (p) known.set(d, p);
      else todo.push(d);
    }
  }
  if (todo.length === 0) return 0;
  const cached = lookup.store?.cachedProviders(todo, lookup.now - MX_TTL_SECONDS) ?? new Map<string, RecipientProvider>();
  const ask: string[] = [];
  for (const d of todo) {
    const hit = cached.get(d);
    if (hit) known.set(d, hit);
    else ask.push(d);
  }
  const dns = lookup.dns;
  const asked = dns ? ask.slice(0, Math.max(0, budget.left)) : [];
  budget.left -= asked.length;
  let notLookedUp = 0;
  for (const d of ask.slice(asked.length)) {
    known.set(d, 'unknown');
    notLookedUp++;
  }
  if (!dns || asked.length === 0) return notLookedUp;
  const learnt: { domain: string; provider: RecipientProvider; checkedAt: number }[] = [];
  await runPool(
    asked,
    MX_CONCURRENCY,
    async (domain) => {
      let provider: RecipientProvider;
      try {
        const answer = (await dns.resolve(domain, 'MX')) as { exchange: string }[];
        provider = providerOfMx(answer.map((mx) => mx.exchange));
      } catch (err) {
        if (!(err instanceof DnsError)) throw err;
        // No MX, or no such domain: an answer (mail there goes nowhere known). A resolver that fails: unknown.
        provider = isVoidCode(err.code) && !err.resolverFailed ? 'other' : 'unknown';
      }
      known.set(domain, provider);
      if (provider !== 'unknown') learnt.push({ domain, provider, checkedAt: lookup.now });
    },
    () => lookup.signal?.aborted === true,
  );
  for (const d of asked) if (!known.has(d)) known.set(d, 'unknown');
  if (learnt.length > 0) lookup.store?.cacheProviders(learnt);
  return notLookedUp;
}
