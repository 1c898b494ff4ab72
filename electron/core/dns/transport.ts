/**
 * How a DNS session reaches DNS: one interface for plain servers, DNS-over-HTTPS and authoritative mode.
 *
 * A transport returns the DNS reply as it came (rcode and all); the session turns rcodes into Node's
 * error codes, shapes answers and keeps the cache and transcript, so every mode behaves the same
 * for the checks and for mailauth.
 */
import { RawDnsError, rawQuery, type RawResponse, type RawServer } from './raw';
import { serverToString } from './servers';

export interface TransportReply extends RawResponse {
  /** Who answered, for the transcript: `127.0.0.1:53`, a DoH URL, `ns1.example.com (192.0.2.1)`. */
  server: string;
}

export interface TransportQueryOptions {
  dnssec: boolean;
}

export interface DnsTransport {
  query(name: string, type: string, options: TransportQueryOptions): Promise<TransportReply>;
  /** Drops kept-alive connections and cancels what can be cancelled. */
  close(): void;
}

/**
 * No DNS reply: the code is Node's (ETIMEOUT, ECONNREFUSED, EBADRESP, ...), the message says why.
 *
 * `resolverFailed` marks failures of the resolver itself (an HTTP error page, a certificate nobody
 * trusts) under codes that could also be a DNS answer's, so the session can still tell that no
 * resolver answered at all.
 */
export class TransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly server?: string,
    readonly resolverFailed = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface ServersTransportOptions {
  timeoutMs: number;
  tries: number;
  /** RD bit (default on). */
  recursion?: boolean;
}

/** DNS servers over UDP, TCP on truncation: a failing server hands over to the next; an answer is final. */
export class ServersTransport implements DnsTransport {
  constructor(
    private readonly servers: () => RawServer[],
    private readonly options: ServersTransportOptions,
  ) {}

  async query(name: string, type: string, { dnssec }: TransportQueryOptions): Promise<TransportReply> {
    const servers = this.servers();
    if (servers.length === 0) throw new TransportError('ECONNREFUSED', 'no DNS server is configured');
    let fallback: TransportReply | undefined;
    let error: TransportError | undefined;
    for (const server of servers) {
      const label = serverToString(server);
      try {
        const reply = await rawQuery(server, name, type, {
          dnssec,
          timeoutMs: this.options.timeoutMs,
          tries: this.options.tries,
          recursion: this.options.recursion ?? true,
        });
        // An answer or a name error is final; SERVFAIL, REFUSED and the like send us to the next server.
        if (reply.rcode === 'NOERROR' || reply.rcode === 'NXDOMAIN') return { ...reply, server: label };
        fallback ??= { ...reply, server: label };
      } catch (err) {
        if (!(err instanceof RawDnsError)) throw err;
        error = new TransportError(err.code, err.message, label);
      }
    }
    // Every server failed: a DNS reply (SERVFAIL, ...) says more than a timeout does.
    if (fallback) return fallback;
    throw error ?? new TransportError('ETIMEOUT', 'no DNS server answered');
  }

  close(): void {
    // UDP and TCP exchanges close their own sockets.
  }
}
