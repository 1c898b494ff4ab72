/**
 * Reverse DNS of report source addresses: through the configured resolver (a DnsSession, whose every
 * query has a deadline), a bounded number at once, cached in history with a time to live. A failed
 * lookup is kept as a failure, never read as "no name".
 */
import { answerWords, isVoidCode } from '../audit/lookup-failure';
import { DnsError, type DnsSession } from '../dns/session';
import type { HistoryStore } from '../history/store';
import { reverseName } from '../net/ip';
import { runPool } from '../../shared/pool';

/** How long an answer (names, or none) is kept, and a failure (SERVFAIL, timeout) before it is asked again. */
export const PTR_TTL_SECONDS = 7 * 86_400;
export const PTR_FAILURE_TTL_SECONDS = 15 * 60;
/** Lookups at once, and at most per call: the rest wait for the next view (the cache keeps what was learnt). */
export const PTR_CONCURRENCY = 16;
export const MAX_PTR_LOOKUPS = 2000;
/** PTR names kept per address. */
const MAX_NAMES = 5;

export interface PtrAnswer {
  names: string[];
  /** Why the lookup failed, in words ("SERVFAIL", "no answer (timeout)"), or "not looked up". */
  error?: string;
}

export interface ReverseDnsOptions {
  dns: DnsSession;
  store: HistoryStore | null;
  /** Unix seconds. */
  now: number;
  concurrency?: number;
  maxLookups?: number;
  signal?: AbortSignal;
}

export const NOT_LOOKED_UP = 'not looked up';

/** The PTR names of each address (`ips` in order of importance: the first are looked up first). */
export async function reverseDns(ips: readonly string[], options: ReverseDnsOptions): Promise<Map<string, PtrAnswer>> {
  const answers = new Map<string, PtrAnswer>();
  const cached = options.store?.cachedPtrs(ips) ?? new Map();
  const todo: string[] = [];
  for (const ip of ips) {
    const hit = cached.get(ip);
    const ttl = hit?.error ? PTR_FAILURE_TTL_SECONDS : PTR_TTL_SECONDS;
    if (hit && options.now - hit.checkedAt < ttl) answers.set(ip, hit.error ? { names: hit.names, error: hit.error } : { names: hit.names });
    else todo.push(ip);
  }
  const limit = options.maxLookups ?? MAX_PTR_LOOKUPS;
  const asked = todo.slice(0, limit);
  for (const ip of todo.slice(limit)) answers.set(ip, { names: [], error: NOT_LOOKED_UP });
  const learnt: { ip: string; names: string[]; error: string | null; checkedAt: number }[] = [];
  await runPool(
    asked,
    options.concurrency ?? PTR_CONCURRENCY,
    async (ip) => {
      const name = reverseName(ip);
      let answer: PtrAnswer;
      if (!name) answer = { names: [], error: 'not an address' };
      else {
        try {
          const names = (await options.dns.resolve(name, 'PTR')) as unknown;
          answer = { names: (Array.isArray(names) ? names : []).filter((n): n is string => typeof n === 'string').slice(0, MAX_NAMES).map((n) => n.replace(/\.$/, '').toLowerCase()) };
        } catch (err) {
          if (!(err instanceof DnsError)) throw err;
          answer = isVoidCode(err.code) ? { names: [] } : { names: [], error: answerWords(err.code) };
        }
      }
      answers.set(ip, answer);
      learnt.push({ ip, names: answer.names, error: answer.error ?? null, checkedAt: options.now });
    },
    () => options.signal?.aborted ?? false,
  );
  for (const ip of asked) if (!answers.has(ip)) answers.set(ip, { names: [], error: NOT_LOOKED_UP });
  if (learnt.length > 0) {
    try {
      options.store?.cachePtrs(learnt);
    } catch {
      // A cache that cannot be written costs a lookup next time; the answers stand.
    }
  }
  return answers;
}

/** The answers history holds for `ips`, whatever their age; the others are not looked up. Asks nothing. */
export function storedPtrs(ips: readonly string[], store: HistoryStore): Map<string, PtrAnswer> {
  const cached = store.cachedPtrs(ips);
  return new Map(
    ips.map((ip): [string, PtrAnswer] => {
      const hit = cached.get(ip);
      if (!hit) return [ip, { names: [], error: NOT_LOOKED_UP }];
      return [ip, hit.error ? { names: hit.names, error: hit.error } : { names: hit.names }];
    }),
  );
}
