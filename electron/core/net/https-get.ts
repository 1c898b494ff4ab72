/**
 * One careful HTTPS GET for the audit's checks (MTA-STS policies, BIMI logos and certificates).
 *
 * The host is resolved through the audit's DNS session, so fixture zones work and the transcript
 * shows the lookup; the certificate is verified against the system roots (plus any lab CA); one hard
 * deadline covers DNS, connect, TLS and body; redirects are never followed (RFC 8461 §3.3 forbids it
 * for MTA-STS, and a BIMI evidence document should not move either); the body has a size cap.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import * as tls from 'node:tls';
import { DnsError, TRANSPORT_ERRORS, type DnsSession } from '../dns/session';
import { assertConnectAllowed } from './guard';

export type HttpsErrorCode =
  /** The deadline passed (DNS, connect, TLS or body). */
  | 'ETIMEOUT'
  /** Nothing listens on the port. */
  | 'ECONNREFUSED'
  /** The host name has no A or AAAA record. */
  | 'ENOTFOUND'
  /** The DNS server did not answer for the host name. */
  | 'EDNS'
  /** The certificate is expired, self-signed, untrusted or for another name. */
  | 'ECERT'
  /** The TLS handshake failed for another reason (protocol, cipher). */
  | 'ETLS'
  /** The connection broke (reset, unreachable network). */
  | 'ENET'
  /** The body (or the announced Content-Length) is over maxBytes. */
  | 'ETOOBIG'
  /** The server answered with a status other than 200. */
  | 'EHTTP'
  /** The server answered with a redirect, which is not followed. */
  | 'EREDIRECT'
  /** The URL is not an https:// URL. */
  | 'EURL';

export class HttpsGetError extends Error {
  constructor(
    readonly code: HttpsErrorCode,
    message: string,
    readonly extra: {
      status?: number;
      /** The Location of a refused redirect. */
      location?: string;
      /** Node's or OpenSSL's own code (CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, ...). */
      cause?: string;
      /** Bytes announced or received when the body was over the limit. */
      bytes?: number;
    } = {},
  ) {
    super(message);
    this.name = 'HttpsGetError';
  }
}

/**
 * Node's codes for a connect that the auditor's own machine refused before anything left it:
 * ENETUNREACH (no route from here to the address), EPERM and EACCES (Linux returns them when the
 * local firewall's OUTPUT rules or a sandbox policy deny the connection). None says anything about
 * the host asked for; nor does EBLOCKED, this machine's own DELIVERLAB_LOOPBACK_ONLY policy (guard.ts).
 * ECONNREFUSED, EHOSTUNREACH and timeouts can come from the far side, so they are not here.
 */
const OWN_NETWORK_CAUSES = new Set(['ENETUNREACH', 'EPERM', 'EACCES', 'EBLOCKED']);

/** The fetch was refused by the network the audit runs from, not by the host: what it serves is not measured. */
export function refusedByOwnNetwork(err: HttpsGetError): boolean {
  return err.code === 'ENET' && err.extra.cause !== undefined && OWN_NETWORK_CAUSES.has(err.extra.cause);
}

export interface HttpsGetOptions {
  /** The audit's DNS session: the host's A/AAAA records are looked up through it. */
  dns: DnsSession;
  /** Connect to this port instead of the URL's (labs). */
  port?: number;
  /** Extra trusted CAs (PEM), added to the system's default roots. */
  ca?: readonly string[];
  /** One deadline for the whole fetch, in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Body size limit in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Redirects are never followed; the option exists so callers say so. */
  followRedirects?: false;
}

export interface HttpsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The Content-Type header, or null. */
  contentType: string | null;
  /** validTo: the end of the server certificate's validity (ISO), when it presented one. */
  tls: { version: string | null; cipher: string | null; authorized: boolean; validTo: string | null };
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 1024 * 1024;

/** Plain words for the certificate errors OpenSSL and Node report. */
const CERT_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate is not signed by a trusted authority (or the server does not send its intermediate certificates)',
  UNABLE_TO_GET_ISSUER_CERT: 'the certificate issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate is not signed by a trusted authority (or the server does not send its intermediate certificates)',
  CERT_REVOKED: 'the certificate has been revoked',
  CERT_SIGNATURE_FAILURE: 'the certificate signature is invalid',
  CERT_UNTRUSTED: 'the certificate is not trusted',
  INVALID_CA: 'an issuing certificate is not a valid CA',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another name',
};

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** Turns a socket/TLS error into a typed error whose message says why, in words. */
function classify(err: unknown, host: string, port: number): HttpsGetError {
  if (err instanceof HttpsGetError) return err;
  const code = errnoCode(err);
  const message = err instanceof Error ? err.message : String(err);
  if (code && code in CERT_REASONS) {
    const reason = CERT_REASONS[code] as string;
    const detail = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? ` (${message})` : '';
    return new HttpsGetError('ECERT', `TLS certificate error for ${host}: ${reason}${detail}`, { cause: code });
  }
  if (code === 'ECONNREFUSED') return new HttpsGetError('ECONNREFUSED', `connection refused by ${host} on port ${port}`, { cause: code });
  if (code && /^ERR_SSL|^ERR_TLS|^EPROTO/.test(code)) {
    return new HttpsGetError('ETLS', `TLS handshake with ${host} failed: ${message}`, { cause: code });
  }
  return new HttpsGetError('ENET', `connection to ${host} on port ${port} failed: ${message}`, code ? { cause: code } : {});
}

/** When the certificate the server presented stops being valid, as ISO; null when there is none. */
function certificateEnd(socket: tls.TLSSocket): string | null {
  const to = socket.getPeerCertificate?.()?.valid_to;
  const ms = to ? Date.parse(to) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** A and AAAA through the session; IPv4 first since labs and most MTA-STS hosts have it. */
async function resolveHost(dns: DnsSession, host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const [a, aaaa] = await Promise.allSettled([dns.resolve(host, 'A'), dns.resolve(host, 'AAAA')]);
  const out: { address: string; family: 4 | 6 }[] = [];
  if (a.status === 'fulfilled') for (const ip of a.value as string[]) out.push({ address: ip, family: 4 });
  if (aaaa.status === 'fulfilled') for (const ip of aaaa.value as string[]) out.push({ address: ip, family: 6 });
  if (out.length > 0) return out;
  const codes = [a, aaaa].map((r) => (r.status === 'rejected' ? (r.reason instanceof DnsError ? r.reason.code : errnoCode(r.reason)) : 'ENODATA'));
  // Anything but NXDOMAIN or NODATA (a timeout, SERVFAIL, a malformed reply) is a failed lookup, not "no address".
  const failed = codes.find((c) => c !== undefined && c !== 'ENODATA' && c !== 'ENOTFOUND');
  if (failed) {
    const why = TRANSPORT_ERRORS.has(failed) ? `the DNS server did not answer for ${host}` : `the DNS lookup of ${host} failed`;
    return Promise.reject(new HttpsGetError('EDNS', `${why} (${failed})`, { cause: failed }));
  }
  const nx = codes.includes('ENOTFOUND');
  return Promise.reject(
    new HttpsGetError('ENOTFOUND', nx ? `${host} does not exist in DNS (NXDOMAIN)` : `${host} has no A or AAAA record`, { cause: nx ? 'ENOTFOUND' : 'ENODATA' }),
  );
}

/**
 * Fetches an https:// URL once, with certificate verification on, and returns the 200 response.
 *
 * Anything else (a redirect, a 404, a certificate problem, a timeout, a body over the limit) throws
 * an HttpsGetError whose code says what and whose message says why, in words a user can act on.
 */
export async function httpsGet(url: string, options: HttpsGetOptions): Promise<HttpsResponse> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpsGetError('EURL', `not a valid URL: ${url}`);
  }
  if (parsed.protocol !== 'https:') throw new HttpsGetError('EURL', `not an https:// URL: ${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = options.port ?? (parsed.port ? Number(parsed.port) : 443);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Lab CAs are added to what Node trusts by default (its roots plus NODE_EXTRA_CA_CERTS or the
  // system store when so configured), never substituted for it. getCACertificates is Node >= 22.15.
  const ca = options.ca && options.ca.length > 0 ? [...(tls.getCACertificates?.('default') ?? tls.rootCertificates), ...options.ca] : undefined;

  let timer: NodeJS.Timeout | undefined;
  let onDeadline: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onDeadline?.();
      reject(new HttpsGetError('ETIMEOUT', `no complete answer from ${host} within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  deadline.catch(() => {});

  try {
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) as 4 | 6 }] : await Promise.race([resolveHost(options.dns, host), deadline]);
    try {
      for (const { address } of addresses) assertConnectAllowed(address);
    } catch (err) {
      throw new HttpsGetError('ENET', `connection to ${host} on port ${port} failed: ${(err as Error).message}`, { cause: errnoCode(err) ?? 'EBLOCKED' });
    }
    // The socket connects to what the session resolved; Node asks with `all: true` when it races
    // IPv4 against IPv6 (autoSelectFamily), and for a single address otherwise.
    const lookup: LookupFunction = (_name, opts, callback) => {
      if (opts.all) (callback as (err: null, all: { address: string; family: number }[]) => void)(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    };
    const fetched = new Promise<HttpsResponse>((resolve, reject) => {
      const req = request({
        host,
        port,
        path: `${parsed.pathname}${parsed.search}`,
        method: 'GET',
        lookup,
        // SNI is the URL's host; IP literals get none (RFC 6066 §3).
        ...(isIP(host) ? {} : { servername: host }),
        ...(ca ? { ca } : {}),
        rejectUnauthorized: true,
        agent: false,
        headers: { 'user-agent': 'Deliverlab', accept: '*/*', connection: 'close' },
      });
      onDeadline = () => req.destroy();
      req.on('error', (err) => reject(classify(err, host, port)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        const fail = (err: HttpsGetError) => {
          reject(err);
          res.destroy();
          req.destroy();
        };
        // RFC 8461 §3.3: senders must not follow redirects for the policy.
        if (status >= 300 && status < 400) {
          const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
          return fail(
            new HttpsGetError('EREDIRECT', `${host} answered ${status} redirecting${location ? ` to ${location}` : ''}; redirects are not followed`, {
              status,
              ...(location ? { location } : {}),
            }),
          );
        }
        if (status !== 200) return fail(new HttpsGetError('EHTTP', `${host} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`, { status }));
        // Read now: once the body ends the server closes and the socket forgets its session.
        const socket = res.socket as tls.TLSSocket;
        const tlsInfo = { version: socket.getProtocol?.() ?? null, cipher: socket.getCipher?.()?.name ?? null, authorized: socket.authorized === true, validTo: certificateEnd(socket) };
        const announced = Number(res.headers['content-length']);
        if (Number.isFinite(announced) && announced > maxBytes) {
          return fail(new HttpsGetError('ETOOBIG', `the body is ${announced} bytes, over the ${maxBytes}-byte limit`, { bytes: announced }));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return fail(new HttpsGetError('ETOOBIG', `the body is over the ${maxBytes}-byte limit (${size} bytes received before stopping)`, { bytes: size }));
          chunks.push(chunk);
        });
        res.on('error', (err) => reject(classify(err, host, port)));
        res.on('end', () => {
          const contentType = res.headers['content-type'];
          resolve({
            status,
            headers: res.headers,
            body: Buffer.concat(chunks),
            contentType: typeof contentType === 'string' ? contentType : null,
            tls: tlsInfo,
          });
        });
      });
      req.end();
    });
    return await Promise.race([fetched, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
