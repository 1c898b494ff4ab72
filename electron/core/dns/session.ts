/**
 * The audit's DNS layer: one session per audit.
 *
 * Every query has a deadline and a retry; answers are cached and identical queries in flight are
 * shared within the session; every query lands in a transcript kept with the audit. Errors carry
 * Node's codes (ENOTFOUND, ENODATA, ETIMEOUT, ...), which is what mailauth expects of a resolver.
 */
import { getServers } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import type { DnsQueryRecord } from './types';
import { formatRecord, RawDnsError, rawQuery, type RawResponse, type RawServer } from './raw';
import { describeResolver, parseResolverSpec, serverToString, type ResolverSpec } from './servers';

export type RecordType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'NS' | 'PTR' | 'SOA';

export interface DnsSessionOptions {
  servers: ResolverSpec;
  /** Deadline for one try, in milliseconds. */
  timeoutMs?: number;
  /** How many tries a query gets (Node's resolver retries on timeout). */
  tries?: number;
  now?: () => number;
  /** Secrets that appear in query names (a Spamhaus DQS key), kept out of the transcript. */
  redact?: readonly string[];
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

/** Raw answers in the shapes Node's resolver returns, for the types the checks ask for. */
const NODE_SHAPES: Record<string, (data: unknown) => unknown> = {
  A: (d) => String(d),
  AAAA: (d) => String(d),
  CNAME: (d) => String(d),
  NS: (d) => String(d),
  PTR: (d) => String(d),
  TXT: (d) => (Array.isArray(d) ? d : [d]).map((chunk) => (Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk))),
  MX: (d) => ({ exchange: String((d as { exchange: string }).exchange), priority: Number((d as { preference: number }).preference) }),
};

export class DnsSession {
  readonly transcript: DnsQueryRecord[] = [];
  readonly resolverLabel: string;
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, Promise<Answer>>();
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly redact: readonly string[];
  private readonly overallMs: number;
  private readonly servers: ResolverSpec;
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly rawCache = new Map<string, Promise<RawResponse>>();

  constructor(options: DnsSessionOptions) {
    const timeoutMs = options.timeoutMs ?? 2500;
    const tries = options.tries ?? 2;
    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    if (options.servers) this.resolver.setServers(options.servers.map(serverToString));
    this.resolverLabel = describeResolver(options.servers);
    this.servers = options.servers;
    this.timeoutMs = timeoutMs;
    this.tries = tries;
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.redact = (options.redact ?? []).filter((secret) => secret.length > 0);
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

  /**
   * Asks for a record type Node's resolver does not know (DS, DNSKEY, TLSA, RRSIG), with the raw reply.
   *
   * Same servers, cache, transcript and error codes as resolve(). A reply with no record of the type
   * asked for is ENODATA, NXDOMAIN is ENOTFOUND; with `dnssec` the DO bit is set and the reply's AD
   * flag says whether a validating resolver vouched for it.
   */
  queryRaw = (name: string, type: string, options: { dnssec?: boolean } = {}): Promise<RawResponse> => {
    const rrtype = type.toUpperCase();
    const dnssec = options.dnssec ?? false;
    const key = `${rrtype} ${name.toLowerCase()} ${dnssec ? 'do' : ''}`;
    const started = this.now();
    const shared = this.rawCache.get(key);
    const query = shared ?? this.raw(name, rrtype, dnssec);
    if (!shared) this.rawCache.set(key, query);
    return query.then(
      (reply) => {
        const lines = reply.answers.filter((a) => a.type === rrtype || a.type === 'RRSIG' || a.type === 'CNAME').map(formatRecord);
        this.record(name, rrtype, started, { answer: reply.flags.ad ? [...lines, '; AD (validated by the resolver)'] : lines, ...(shared ? { cached: true } : {}) });
        return reply;
      },
      (err: DnsError) => {
        this.record(name, rrtype, started, { error: err.code, ...(shared ? { cached: true } : {}) });
        throw err;
      },
    );
  };

  private async raw(name: string, rrtype: string, dnssec: boolean): Promise<RawResponse> {
    const servers = this.rawServers();
    if (servers.length === 0) throw new DnsError('ECONNREFUSED', name, rrtype);
    let error = new DnsError('ETIMEOUT', name, rrtype);
    for (const server of servers) {
      let reply: RawResponse;
      try {
        reply = await rawQuery(server, name, rrtype, { dnssec, timeoutMs: this.timeoutMs, tries: this.tries });
      } catch (err) {
        if (!(err instanceof RawDnsError)) throw err;
        error = new DnsError(err.code, name, rrtype);
        continue;
      }
      const code = RCODE_ERRORS[reply.rcode];
      if (code === undefined && reply.rcode !== 'NOERROR') {
        error = new DnsError('EBADRESP', name, rrtype);
        continue;
      }
      // Like Node's resolver: a failing server hands over to the next; an answer is final.
      if (code === 'ESERVFAIL' || code === 'EREFUSED') {
        error = new DnsError(code, name, rrtype);
        continue;
      }
      if (code !== undefined) throw new DnsError(code, name, rrtype);
      if (!reply.answers.some((a) => a.type === rrtype)) throw new DnsError('ENODATA', name, rrtype);
      return reply;
    }
    throw error;
  }

  /** The servers raw queries go to: the session's, or the system resolver's (bounded to three). */
  private rawServers(): RawServer[] {
    if (this.servers) return this.servers.slice(0, 3);
    try {
      return (parseResolverSpec(getServers().join(',')) ?? []).slice(0, 3);
    } catch {
      return [];
    }
  }

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
      // c-ares refuses names with characters a domain-spec may hold (RFC 7208 §7.1: "foo:bar/baz")
      // and answers it cannot parse (a TXT record with no strings); DNS itself carries both.
      if ((code === 'EBADNAME' || code === 'EBADRESP') && NODE_SHAPES[rrtype]) {
        const reply = await Promise.race([this.raw(name, rrtype, false), deadline]);
        return reply.answers.filter((a) => a.type === rrtype).map((a) => (NODE_SHAPES[rrtype] as (d: unknown) => unknown)((a as { data: unknown }).data));
      }
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
    const entry: DnsQueryRecord = {
      name: this.redact.reduce((text, secret) => text.split(secret).join('<redacted>'), name),
      type,
      ms: Math.round((this.now() - started) * 10) / 10,
      at: Math.round((started - this.startedAt) * 10) / 10,
    };
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

/** DNS response codes (RFC 1035 §4.1.1, RFC 6895 §2.3) as the error codes Node's resolver uses. */
const RCODE_ERRORS: Record<string, string | undefined> = {
  NOERROR: undefined,
  FORMERR: 'EFORMERR',
  SERVFAIL: 'ESERVFAIL',
  NXDOMAIN: 'ENOTFOUND',
  NOTIMP: 'ENOTIMP',
  REFUSED: 'EREFUSED',
};

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
