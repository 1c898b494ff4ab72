/**
 * The audit's DNS layer: one session per audit.
 *
 * Every query has a deadline and a retry; answers are cached and identical queries in flight are
 * shared within the session; every query lands in a transcript kept with the audit. Errors carry
 * Node's codes (ENOTFOUND, ENODATA, ETIMEOUT, ...), which is what mailauth expects of a resolver.
 */
import { getServers } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { withDeadline } from '../net/deadline';
import type { DnsQueryRecord } from './types';
import { AuthoritativeTransport } from './authoritative';
import { DohTransport } from './doh';
import { formatRecord, type RawResponse, type RawServer } from './raw';
import { describeResolver, isServerList, parseResolverSpec, serverToString, type ResolverServer, type ResolverSpec } from './servers';
import { ServersTransport, TransportError, type DnsTransport, type TransportReply } from './transport';

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
  /** Extra trusted CA certificates (PEM) for DNS-over-HTTPS, like the audit's network `ca`. */
  ca?: string[];
  /**
   * Awaited before each query the session sends (never for an answer it already has): the
   * scheduler's per-resolver rate limit.
   */
  gate?: () => Promise<void>;
  /** For labs only: stand-ins for what real DNS has fixed (ports, addresses). */
  lab?: {
    /** Authoritative mode: NS host name or address → port (real name servers listen on 53). */
    nsPorts?: Record<string, number>;
    /** DoH: host name → IP address, instead of the system resolver. */
    hosts?: Record<string, string>;
  };
}

/** A DNS failure, shaped like Node's: `code` is ENOTFOUND, ENODATA, ETIMEOUT, ... */
export class DnsError extends Error {
  constructor(
    readonly code: string,
    readonly hostname: string,
    readonly rrtype: string,
    /** Why, when the transport knows more than the code says (an HTTP status, a certificate error). */
    readonly detail?: string,
    /** The server or URL the answer or failure came from. */
    readonly server?: string,
    /** The resolver itself failed (not a DNS answer), even if the code could be a DNS answer's. */
    readonly resolverFailed = false,
  ) {
    super(`${rrtype} ${hostname}: ${code}${detail ? ` (${detail})` : ''}`);
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

interface Outcome {
  answer: Answer;
  server?: string;
}

export class DnsSession {
  readonly transcript: DnsQueryRecord[] = [];
  readonly resolverLabel: string;
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, Promise<Outcome>>();
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly redact: readonly string[];
  private readonly overallMs: number;
  private readonly servers: ResolverServer[] | null;
  /** DoH or authoritative mode: every query goes through it. Null: c-ares answers resolve(). */
  private readonly transport: DnsTransport | null;
  /** What queryRaw() and the c-ares fallback ask: the transport, or the servers over UDP/TCP. */
  private readonly rawTransport: DnsTransport;
  private readonly rawCache = new Map<string, Promise<TransportReply>>();
  /** Transcript entries whose failure was the resolver's own, under a code a DNS answer could have. */
  private readonly resolverFailures = new WeakSet<DnsQueryRecord>();
  private readonly gate: (() => Promise<void>) | undefined;

  constructor(options: DnsSessionOptions) {
    const timeoutMs = options.timeoutMs ?? 2500;
    const tries = options.tries ?? 2;
    const spec: ResolverSpec = options.servers;
    this.resolver = new Resolver({ timeout: timeoutMs, tries });
    this.servers = isServerList(spec) ? spec : null;
    if (this.servers) this.resolver.setServers(this.servers.map(serverToString));
    this.resolverLabel = describeResolver(spec);
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.redact = (options.redact ?? []).filter((secret) => secret.length > 0);
    this.gate = options.gate;
    const systemServers = (): RawServer[] => {
      try {
        const parsed = parseResolverSpec(getServers().join(','));
        return (Array.isArray(parsed) ? parsed : []).slice(0, 3);
      } catch {
        return [];
      }
    };
    if (isServerList(spec)) {
      this.transport = null;
      // Raw queries go to the session's servers, or the system resolver's (bounded to three).
      this.rawTransport = new ServersTransport(() => (this.servers ? this.servers.slice(0, 3) : systemServers()), { timeoutMs, tries });
      // Node's resolver backs off between tries; this bound is the hard stop behind it.
      this.overallMs = timeoutMs * (tries + 1) * Math.max(1, this.servers?.length ?? 1) + 500;
    } else if (spec.kind === 'doh') {
      this.transport = new DohTransport({
        url: spec.url,
        timeoutMs,
        tries,
        ...(options.ca ? { ca: options.ca } : {}),
        ...(options.lab?.hosts ? { hosts: options.lab.hosts } : {}),
      });
      this.rawTransport = this.transport;
      this.overallMs = timeoutMs * (tries + 1) + 500;
    } else {
      const discoveryServers = spec.discovery;
      const discovery = new ServersTransport(() => (discoveryServers ? discoveryServers.slice(0, 3) : systemServers()), { timeoutMs, tries });
      this.transport = new AuthoritativeTransport({ discovery, timeoutMs, tries, ...(options.lab?.nsPorts ? { nsPorts: options.lab.nsPorts } : {}) });
      this.rawTransport = this.transport;
      // A zone walk, the name servers' addresses and the question itself, one after another.
      this.overallMs = timeoutMs * (tries + 1) * 4 + 500;
    }
  }

  /**
   * Resolves like `dns.promises.resolve(name, type)`: TXT as string[][], MX as {exchange, priority}[].
   *
   * This is also the function mailauth takes as its `resolver` option.
   */
  resolve = (name: string, type: string = 'A'): Promise<Answer> => {
    const rrtype = type.toUpperCase();
    const key = `${rrtype} ${name.toLowerCase()}`;
    const started = this.now();
    const shared = this.cache.get(key);
    const query = shared ?? (this.gate ? this.gate().then(() => this.query(name, rrtype)) : this.query(name, rrtype));
    if (!shared) this.cache.set(key, query);
    return query.then(
      (outcome) => {
        this.record(name, rrtype, started, { answer: outcome.answer, server: outcome.server, cached: shared !== undefined });
        return outcome.answer;
      },
      (err: DnsError) => {
        this.recordError(name, rrtype, started, err, shared !== undefined);
        throw err;
      },
    );
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
    const query = shared ?? (this.gate ? this.gate().then(() => this.hardStop(name, rrtype, this.raw(name, rrtype, dnssec))) : this.hardStop(name, rrtype, this.raw(name, rrtype, dnssec)));
    if (!shared) this.rawCache.set(key, query);
    return query.then(
      (reply) => {
        const lines = reply.answers.filter((a) => a.type === rrtype || a.type === 'RRSIG' || a.type === 'CNAME').map(formatRecord);
        this.record(name, rrtype, started, {
          answer: reply.flags.ad ? [...lines, '; AD (validated by the resolver)'] : lines,
          server: reply.server,
          cached: shared !== undefined,
          lines: true,
        });
        const { server: _server, ...raw } = reply;
        return raw;
      },
      (err: DnsError) => {
        this.recordError(name, rrtype, started, err, shared !== undefined);
        throw err;
      },
    );
  };

  /** One question through the raw transport, its rcode turned into Node's error codes. */
  private async raw(name: string, rrtype: string, dnssec: boolean): Promise<TransportReply> {
    let reply: TransportReply;
    try {
      reply = await this.rawTransport.query(name, rrtype, { dnssec });
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      throw new DnsError(err.code, name, rrtype, err.message, err.server, err.resolverFailed);
    }
    const code = RCODE_ERRORS[reply.rcode];
    if (code === undefined && reply.rcode !== 'NOERROR') throw new DnsError('EBADRESP', name, rrtype, `rcode ${reply.rcode}`, reply.server);
    if (code !== undefined) throw new DnsError(code, name, rrtype, undefined, reply.server);
    if (!reply.answers.some((a) => a.type === rrtype)) throw new DnsError('ENODATA', name, rrtype, undefined, reply.server);
    return reply;
  }

  /** True when every query so far failed because no resolver answered. */
  unreachable(): boolean {
    return (
      this.transcript.length > 0 &&
      this.transcript.every((q) => q.error !== undefined && (TRANSPORT_ERRORS.has(q.error) || this.resolverFailures.has(q)))
    );
  }

  /** Why the resolver failed, in words, when a transport said more than a code (for an unreachable resolver's message). */
  failureDetail(): string | undefined {
    for (let i = this.transcript.length - 1; i >= 0; i--) {
      const detail = this.transcript[i]?.detail;
      if (detail) return detail;
    }
    return undefined;
  }

  private async query(name: string, rrtype: string): Promise<Outcome> {
    if (this.transport) {
      const reply = await this.hardStop(name, rrtype, this.raw(name, rrtype, false));
      return { answer: toNodeShape(rrtype, reply), server: reply.server };
    }
    return this.hardStop(name, rrtype, this.cares(name, rrtype));
  }

  private async cares(name: string, rrtype: string): Promise<Outcome> {
    try {
      const answer = await this.resolver.resolve(name, rrtype as 'A');
      return { answer: rrtype === 'TXT' ? txtAsUtf8(answer as unknown as string[][]) : answer };
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'EUNKNOWN';
      // c-ares refuses names with characters a domain-spec may hold (RFC 7208 §7.1: "foo:bar/baz")
      // and answers it cannot parse (a TXT record with no strings); DNS itself carries both.
      if ((code === 'EBADNAME' || code === 'EBADRESP') && NODE_SHAPES[rrtype]) {
        const reply = await this.raw(name, rrtype, false);
        return { answer: toNodeShape(rrtype, reply), server: reply.server };
      }
      throw new DnsError(code, name, rrtype);
    }
  }

  /** The hard stop behind every transport's own per-try deadlines. */
  private hardStop<T>(name: string, rrtype: string, work: Promise<T>): Promise<T> {
    return withDeadline(work, this.overallMs, () => new DnsError('ETIMEOUT', name, rrtype, `no answer within ${this.overallMs} ms`));
  }

  private recordError(name: string, type: string, started: number, err: DnsError, cached: boolean): void {
    const entry = this.record(name, type, started, { error: err.code, server: err.server, detail: err.detail, cached });
    if (err.resolverFailed) this.resolverFailures.add(entry);
  }

  private record(
    name: string,
    type: string,
    started: number,
    outcome: { answer?: Answer; error?: string; cached?: boolean; server?: string | undefined; detail?: string | undefined; lines?: boolean },
  ): DnsQueryRecord {
    const entry: DnsQueryRecord = {
      name: this.redacted(name),
      type,
      ms: Math.round((this.now() - started) * 10) / 10,
      at: Math.round((started - this.startedAt) * 10) / 10,
    };
    if (outcome.answer !== undefined) entry.answer = outcome.lines ? (outcome.answer as string[]) : formatAnswer(type, outcome.answer);
    if (outcome.error !== undefined) entry.error = outcome.error;
    if (outcome.detail) entry.detail = this.redacted(outcome.detail);
    if (outcome.server && this.transport) entry.server = outcome.server;
    if (outcome.cached) entry.cached = true;
    this.transcript.push(entry);
    return entry;
  }

  private redacted(text: string): string {
    return this.redact.reduce((out, secret) => out.split(secret).join('<redacted>'), text);
  }

  /** Cancels queries in flight (used when an audit is abandoned) and closes kept-alive connections. */
  cancel(): void {
    this.resolver.cancel();
    this.rawTransport.close();
  }
}

/**
 * TXT strings from Node's resolver read as UTF-8, as the other transports read them.
 *
 * A TXT character-string is octets (RFC 1035 §3.3); Node's resolver makes each octet one Latin-1
 * character, so "café" would reach a report as "cafÃ©". Latin-1 gives the octets back exactly.
 */
function txtAsUtf8(answer: string[][]): string[][] {
  return answer.map((chunks) => chunks.map((chunk) => Buffer.from(chunk, 'latin1').toString('utf8')));
}

/** A reply's records of the type asked for, in the shapes Node's resolver returns. */
function toNodeShape(rrtype: string, reply: RawResponse): Answer {
  const records = reply.answers.filter((a) => a.type === rrtype).map((a) => (a as { data: unknown }).data);
  if (rrtype === 'SOA') {
    // Node gives one object for SOA, with its own field names.
    const d = records[0] as { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
    return { nsname: d.mname, hostmaster: d.rname, serial: d.serial, refresh: d.refresh, retry: d.retry, expire: d.expire, minttl: d.minimum };
  }
  const shape = NODE_SHAPES[rrtype];
  return shape ? records.map(shape) : records;
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
