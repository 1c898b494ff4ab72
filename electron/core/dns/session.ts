/**
 * The audit's DNS layer: one session per audit.
 *
 * Every query has a deadline and a retry; answers are cached and identical queries in flight are
 * shared within the session; every query lands in a transcript kept with the audit. Errors carry
 * Node's codes (ENOTFOUND, ENODATA, ETIMEOUT, ...), which is what mailauth expects of a resolver.
 */
import { Resolver } from 'node:dns/promises';
import type { DnsQueryRecord } from './types';
import { describeResolver, serverToString, type ResolverSpec } from './servers';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'NS' | 'PTR' | 'SOA';

export interface DnsSessionOptions {
  servers: ResolverSpec;
  /** Deadline for one try, in milliseconds. */
  timeoutMs?: number;
  /** How many tries a query gets (Node's resolver retries on timeout). */
  tries?: number;
  now?: () => number;
}

/** A DNS failure, shaped like Node's: `code` is ENOTFOUND, ENODATA, ETIMEOUT, ... */
export class DnsError extends Error {
  constructor(
    readonly code: string,
    readonly hostname: string,
    readonly rrtype: string,
  ) {
    super(`${rrtype} ${hostname}: ${code}`);
    this.name = 'DnsError';
  }
}

/** Codes that mean the resolver itself did not answer, as opposed to a DNS answer. */
export const TRANSPORT_ERRORS = new Set(['ETIMEOUT', 'ECONNREFUSED', 'ECANCELLED', 'EREFUSED', 'ECONNRESET']);

type Answer = unknown;

export class DnsSession {
  readonly transcript: DnsQueryRecord[] = [];
  readonly resolverLabel: string;
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, Promise<Answer>>();
  private readonly now: () => number;
  private readonly overallMs: number;

  constructor(options: DnsSessionOptions) {
    const timeoutMs = options.timeoutMs ?? 2500;
    const tries = options.tries ?? 2;
    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    if (options.servers) this.resolver.setServers(options.servers.map(serverToString));
    this.resolverLabel = describeResolver(options.servers);
    this.now = options.now ?? (() => performance.now());
    // Node's resolver backs off between tries; this bound is the hard stop behind it.
    this.overallMs = timeoutMs * (tries + 1) * Math.max(1, options.servers?.length ?? 1) + 500;
  }

  /**
   * Resolves like `dns.promises.resolve(name, type)`: TXT as string[][], MX as {exchange, priority}[].
   *
   * This is also the function mailauth takes as its `resolver` option.
   */
  resolve = (name: string, type: string = 'A'): Promise<Answer> => {
    const rrtype = type.toUpperCase();
    const key = `${rrtype} ${name.toLowerCase()}`;
    const shared = this.cache.get(key);
    if (shared) {
      const started = this.now();
      return shared.then(
        (answer) => {
          this.record(name, rrtype, started, { answer, cached: true });
          return answer;
        },
        (err: DnsError) => {
          this.record(name, rrtype, started, { error: err.code, cached: true });
          throw err;
        },
      );
    }
    const started = this.now();
    const query = this.query(name, rrtype).then(
      (answer) => {
        this.record(name, rrtype, started, { answer });
        return answer;
      },
      (err: DnsError) => {
        this.record(name, rrtype, started, { error: err.code });
        throw err;
      },
    );
    this.cache.set(key, query);
    return query;
  };

  resolveTxt = (name: string) => this.resolve(name, 'TXT') as Promise<string[][]>;
  resolveMx = (name: string) => this.resolve(name, 'MX') as Promise<{ exchange: string; priority: number }[]>;

  /** True when every query so far failed because no resolver answered. */
  unreachable(): boolean {
    return this.transcript.length > 0 && this.transcript.every((q) => q.error !== undefined && TRANSPORT_ERRORS.has(q.error));
  }

  private async query(name: string, rrtype: string): Promise<Answer> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DnsError('ETIMEOUT', name, rrtype)), this.overallMs);
    });
    try {
      return await Promise.race([this.resolver.resolve(name, rrtype as 'A'), deadline]);
    } catch (err) {
      if (err instanceof DnsError) throw err;
      const code = (err as { code?: string }).code ?? 'EUNKNOWN';
      throw new DnsError(code, name, rrtype);
    } finally {
      clearTimeout(timer);
    }
  }

  private record(
    name: string,
    type: string,
    started: number,
    outcome: { answer?: Answer; error?: string; cached?: boolean },
  ): void {
    const entry: DnsQueryRecord = { name, type, ms: Math.round((this.now() - started) * 10) / 10 };
    if (outcome.answer !== undefined) entry.answer = formatAnswer(type, outcome.answer);
    if (outcome.error !== undefined) entry.error = outcome.error;
    if (outcome.cached) entry.cached = true;
    this.transcript.push(entry);
  }

  /** Cancels queries in flight (used when an audit is abandoned). */
  cancel(): void {
    this.resolver.cancel();
  }
}

function formatAnswer(type: string, answer: Answer): string[] {
  if (!Array.isArray(answer)) return [JSON.stringify(answer)];
  return answer.map((item: unknown) => {
    if (type === 'TXT' && Array.isArray(item)) return item.join('');
    if (type === 'MX' && item && typeof item === 'object') {
      const mx = item as { exchange: string; priority: number };
      return `${mx.priority} ${mx.exchange || '.'}`;
    }
    return typeof item === 'string' ? item : JSON.stringify(item);
  });
}
