/**
 * One HTTP(S) request of the link check, to addresses already checked, reading as little as it can.
 *
 * The socket connects only to the addresses given (the lookup option answers with them), so a name
 * cannot resolve to a public address for the check and to a private one for the connection. There
 * is no connection reuse (`agent: false`): each request is its own socket, closed when the answer
 * is read, so a server sees exactly the requests the check sends. Certificates are verified (a
 * reader's browser would refuse what Node refuses); a lab's CA is added to the roots, never
 * substituted for them. The response body is read only as far as the check needs: nothing for HEAD
 * or a redirect, 8 KiB for a page, an image's header for its size and its bytes for its weight up
 * to a cap. Then the socket is destroyed rather than drained.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import * as tls from 'node:tls';
import { assertConnectAllowed } from '../net/guard';
import { imageSize, type ImageSize } from './image-size';
import type { LinkErrorKind, ResolvedAddress } from './link-types';

/** A page's body is read to here, then the socket is destroyed: enough for a server to finish small answers cleanly. */
export const PAGE_BODY_LIMIT = 8 * 1024;
/** An image's first bytes kept for its size: a JPEG's EXIF and ICC segments can come before its frame header. */
export const IMAGE_HEAD_LIMIT = 256 * 1024;
/**
 * Without a Content-Length an image's weight is counted by reading it, up to 1 MiB: twice the heavy
 * image threshold (link-findings.ts), so an image over the cap is reported "at least 1 MiB" and is
 * flagged all the same.
 */
export const IMAGE_COUNT_CAP = 1024 * 1024;

const USER_AGENT = 'Mozilla/5.0 (compatible; Deliverlab link check)';

export interface Answer {
  status: number;
  /** The Location header of a 3xx answer. */
  location: string | null;
  contentType: string | null;
  /** The announced Content-Length, when valid. */
  contentLength: number | null;
  /** Body bytes read. */
  read: number;
  /** Reading stopped before the body's end. */
  stoppedEarly: boolean;
  /** For an image read: its format and size, or why not. */
  size?: ImageSize;
}

/** A request that failed, as a kind and words. */
export class LinkRequestError extends Error {
  constructor(
    readonly kind: LinkErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'LinkRequestError';
  }
}

const CERT_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A socket, TLS or parser error as a kind and words. */
export function classifyRequestError(err: unknown, where: string): LinkRequestError {
  if (err instanceof LinkRequestError) return err;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string') {
    if (CERT_CODES.has(code)) return new LinkRequestError('cert', `the certificate of ${where} is not valid: ${message}`);
    if (code === 'ECONNREFUSED') return new LinkRequestError('refused', `${where} refused the connection`);
    if (code === 'ECONNRESET' || code === 'EPIPE') return new LinkRequestError('reset', `${where} closed the connection before a complete answer`);
    if (code.startsWith('HPE_')) return new LinkRequestError('protocol', `${where} did not answer in HTTP the check can read (${code})`);
    if (/^ERR_SSL|^ERR_TLS|^EPROTO/.test(code)) return new LinkRequestError('tls', `the TLS handshake with ${where} failed: ${message}`);
  }
  return new LinkRequestError('network', `the connection to ${where} failed: ${message}`);
}

/** What to read of the body. */
export type ReadMode = 'page' | 'image';

export interface Exchange {
  answer: Promise<Answer>;
  /** Destroys the socket, whatever state the exchange is in. */
  close(): void;
}

/** Sends one request to `addresses` (checked by the caller) and reads its answer as `mode` says. */
export function exchange(url: URL, method: 'HEAD' | 'GET', addresses: readonly ResolvedAddress[], mode: ReadMode, ca: string | Buffer | undefined): Exchange {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const where = `${host}${url.port ? `:${url.port}` : ''}`;
  // The caller has checked the addresses (link-address.ts); the suites' own catch holds here too, so
  // that no change above this line can take a test beyond loopback.
  for (const a of addresses) assertConnectAllowed(a.address);
  const lookup: LookupFunction = (_name, opts, callback) => {
    if (opts.all) (callback as (err: null, all: readonly ResolvedAddress[]) => void)(null, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
  };
  const options = {
    host,
    port,
    path: `${url.pathname}${url.search}`,
    method,
    agent: false as const,
    lookup,
    headers: {
      host: url.host,
      'user-agent': USER_AGENT,
      accept: mode === 'image' ? 'image/avif,image/webp,image/png,image/*;q=0.8,*/*;q=0.5' : 'text/html,*/*;q=0.8',
      // The weight a reader downloads is the identity body's; compressed answers would under-count it.
      'accept-encoding': 'identity',
    },
  };
  let req: ClientRequest;
  if (secure) {
    // Node >= 22.15 has getCACertificates; the lab CA joins the default roots.
    const roots = ca ? [...(tls.getCACertificates?.('default') ?? tls.rootCertificates), typeof ca === 'string' ? ca : ca.toString('utf8')] : undefined;
    req = httpsRequest({ ...options, ...(roots ? { ca: roots } : {}), ...(isIP(host) ? {} : { servername: host }) });
  } else {
    req = httpRequest(options);
  }
  const answer = new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const done = (a: Answer) => {
      if (settled) return;
      settled = true;
      resolve(a);
      req.destroy();
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      reject(classifyRequestError(err, where));
      req.destroy();
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = typeof res.headers.location === 'string' ? res.headers.location : null;
      const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null;
      const lengthText = res.headers['content-length'];
      const contentLength = lengthText !== undefined && /^\d{1,15}$/.test(lengthText) ? Number(lengthText) : null;
      const base = { status, location, contentType, contentLength };
      const redirect = status >= 300 && status < 400 && location !== null;
      if (method === 'HEAD' || redirect) return done({ ...base, read: 0, stoppedEarly: true });
      const image = mode === 'image' && status >= 200 && status < 300;
      let read = 0;
      const head: Buffer[] = [];
      let kept = 0;
      let size: ImageSize = 'more';
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (!image) {
          if (read >= PAGE_BODY_LIMIT) done({ ...base, read, stoppedEarly: true });
          return;
        }
        if (size === 'more') {
          if (kept < IMAGE_HEAD_LIMIT) {
            const piece = chunk.subarray(0, IMAGE_HEAD_LIMIT - kept);
            head.push(piece);
            kept += piece.length;
          }
          size = imageSize(Buffer.concat(head, kept));
          if (size === 'more' && kept >= IMAGE_HEAD_LIMIT) size = 'unknown';
        }
        // Once the size is known, the weight is the Content-Length, or counted up to the cap.
        if ((size !== 'more' && contentLength !== null) || read >= IMAGE_COUNT_CAP) done({ ...base, read, stoppedEarly: true, size });
      });
      res.on('end', () => done({ ...base, read, stoppedEarly: false, ...(image ? { size: size === 'more' ? 'unknown' : size } : {}) }));
      res.on('error', fail);
      res.on('close', () => fail(Object.assign(new Error('closed'), { code: 'ECONNRESET' })));
    });
    req.end();
  });
  return { answer, close: () => req.destroy() };
}
