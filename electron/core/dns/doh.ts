/**
 * DNS-over-HTTPS (RFC 8484): DNS wire-format messages POSTed to one URL over HTTPS.
 *
 * Certificates are verified (with the audit's extra CAs added to the usual roots); one kept-alive
 * agent per session reuses the connection across the audit's queries. The DoH host name itself is
 * resolved by the system resolver, unless the URL gives an IP address.
 */
import { lookup as systemLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent, request, type RequestOptions } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { getCACertificates, rootCertificates } from 'node:tls';
import { assertConnectAllowed } from '../net/guard';
import { buildQuery, parseResponse, RawDnsError } from './raw';
import { TransportError, type DnsTransport, type TransportQueryOptions, type TransportReply } from './transport';

export interface DohOptions {
  url: string;
  /** Deadline for one try, in milliseconds. */
  timeoutMs: number;
  /** Tries per query; only a lost connection or a timeout is retried. */
  tries: number;
  /** Extra trusted CA certificates (PEM), added to the default roots. */
  ca?: string[];
  /** For labs only: host name → IP address, instead of asking the system resolver. */
  hosts?: Record<string, string>;
}

// RFC 8484 §6: the media type of a DNS message over HTTP.
const DNS_MESSAGE = 'application/dns-message';
// RFC 1035 §4.2.2: a DNS message is at most 65535 bytes; anything longer is not one.
const MAX_MESSAGE = 65535;

/** TLS verification failures, as Node names them: the resolver is not who it says it is. */
const CERT_ERRORS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/;

export class DohTransport implements DnsTransport {
  private readonly agent: Agent;
  private readonly url: URL;
  private readonly label: string;

  constructor(private readonly options: DohOptions) {
    this.url = new URL(options.url);
    this.label = this.url.href;
    const extra = options.ca?.filter(Boolean) ?? [];
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 4,
      // Idle kept-alive sockets close on their own rather than hold the process open.
      timeout: 10_000,
      lookup: this.lookup,
      ...(extra.length > 0 ? { ca: [...(getCACertificates?.('default') ?? rootCertificates), ...extra] } : {}),
    });
  }

  /** The DoH server's own address: the system resolver (or a lab's table), then the loopback guard. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    const done = callback as (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
    const check = (addresses: LookupAddress[]): NodeJS.ErrnoException | null => {
      try {
        for (const a of addresses) assertConnectAllowed(a.address);
        return null;
      } catch (err) {
        return err as NodeJS.ErrnoException;
      }
    };
    const all = (options as LookupAllOptions).all === true;
    const fixed = this.options.hosts?.[hostname.toLowerCase()];
    if (fixed) {
      const list = [{ address: fixed, family: isIP(fixed) || 4 }];
      const err = check(list);
      if (err) return done(err, []);
      return all ? done(null, list) : done(null, fixed, list[0]?.family);
    }
    systemLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return done(err, []);
      const blocked = check(addresses);
      if (blocked) return done(blocked, []);
      const first = addresses[0];
      if (all) return done(null, addresses);
      if (!first) return done(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      done(null, first.address, first.family);
    });
  };

  async query(name: string, type: string, { dnssec }: TransportQueryOptions): Promise<TransportReply> {
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) !== 0) {
      try {
        assertConnectAllowed(host);
      } catch (err) {
        throw new TransportError('EBLOCKED', (err as Error).message, this.label, true);
      }
    }
    // RFC 8484 §4.1: the DNS ID SHOULD be 0 in every DoH request, for HTTP caches.
    let body: Buffer;
    try {
      body = buildQuery(0, name, type, dnssec);
    } catch (err) {
      if (err instanceof RawDnsError) throw new TransportError(err.code, err.message, this.label);
      throw new TransportError('EBADNAME', (err as Error).message, this.label);
    }
    let lastError = new TransportError('ETIMEOUT', `no reply from ${this.label}`, this.label);
    for (let attempt = 0; attempt < Math.max(1, this.options.tries); attempt++) {
      try {
        const reply = await this.exchange(body);
        try {
          return { ...parseResponse(reply, 0, name, type), server: this.label };
        } catch (err) {
          if (!(err instanceof RawDnsError)) throw err;
          throw new TransportError('EBADRESP', `${this.label} sent a body that is not a DNS reply to the question: ${err.message}`, this.label, true);
        }
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        lastError = err;
        // Only a lost connection or a timeout is worth another try; an HTTP answer or a bad certificate is not.
        if (err.code !== 'ETIMEOUT' && err.code !== 'ECONNRESET') break;
      }
    }
    throw lastError;
  }

  /** One POST; resolves with the body of a 200 `application/dns-message` answer. */
  private exchange(body: Buffer): Promise<Buffer> {
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err: TransportError | null, buf?: Buffer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(buf as Buffer);
      };
      const options: RequestOptions = {
        method: 'POST',
        agent: this.agent,
        headers: { 'content-type': DNS_MESSAGE, accept: DNS_MESSAGE, 'content-length': body.length },
      };
      const req = request(this.url, options, (res) => {
        const status = res.statusCode ?? 0;
        const contentType = String(res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
        // RFC 8484 §4.2.1: only a 2xx answer carries a DNS reply; anything else is the resolver failing.
        if (status < 200 || status > 299) {
          res.resume();
          const code = status >= 500 ? 'ESERVFAIL' : 'EBADRESP';
          return finish(new TransportError(code, `${this.label} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, this.label, true));
        }
        if (contentType !== DNS_MESSAGE) {
          res.resume();
          return finish(new TransportError('EBADRESP', `${this.label} answered ${contentType || 'no content type'}, not ${DNS_MESSAGE}`, this.label, true));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_MESSAGE) return finish(new TransportError('EBADRESP', `${this.label} sent more than ${MAX_MESSAGE} bytes: not a DNS message`, this.label, true));
          chunks.push(chunk);
        });
        res.on('end', () => finish(null, Buffer.concat(chunks)));
        res.on('error', (err: NodeJS.ErrnoException) => finish(this.mapError(err)));
        res.on('aborted', () => finish(new TransportError('ECONNRESET', `${this.label} closed the connection mid-answer`, this.label)));
      });
      const timer = setTimeout(
        () => finish(new TransportError('ETIMEOUT', `no reply from ${this.label} within ${timeoutMs} ms`, this.label)),
        timeoutMs,
      );
      req.on('error', (err: NodeJS.ErrnoException) => finish(this.mapError(err)));
      req.end(body);
    });
  }

  /** A socket or TLS failure as a Node resolver code, saying what happened. */
  private mapError(err: NodeJS.ErrnoException): TransportError {
    const code = err.code ?? '';
    if (code === 'EBLOCKED') return new TransportError('EBLOCKED', err.message, this.label, true);
    if (CERT_ERRORS.test(code)) {
      return new TransportError('ECONNREFUSED', `${this.label}: the certificate is not trusted (${code}: ${err.message})`, this.label, true);
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') {
      // Not the queried name's NXDOMAIN: the DoH server's own name did not resolve.
      return new TransportError('ECONNREFUSED', `cannot find the address of ${this.url.hostname}: ${code}`, this.label, true);
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') return new TransportError('ECONNRESET', `${this.label} closed the connection: ${err.message}`, this.label);
    if (code === 'ETIMEDOUT') return new TransportError('ETIMEOUT', `${this.label}: ${err.message}`, this.label);
    return new TransportError('ECONNREFUSED', `${this.label}: ${code ? `${code}: ` : ''}${err.message}`, this.label, true);
  }

  close(): void {
    this.agent.destroy();
  }
}
