/**
 * The link check's input and result shapes: what the QA view, the CLI's `--links` and the findings read.
 */

/** One link or image as the email writes it. */
export interface LinkRef {
  url: string;
  kind: 'link' | 'image';
  /** The link's visible text (or an image's alt text): unsubscribe words there keep the link unopened. */
  text?: string;
  /** The source line, carried to the result and the findings. */
  line?: number;
  /** An unsubscribe URL by where it came from (List-Unsubscribe): never requested, whatever it says. */
  unsubscribe?: boolean;
}

/**
 * Why a URL was not requested: the link itself (then `requested` is false) or a redirect target the
 * chain stopped before (then `requested` is true and `finalUrl` is that target, unopened).
 *
 * - unsubscribe: an unsubscribe link, or a redirect into one: opening it could unsubscribe the designer.
 * - private: the host is (or resolves to) a private, loopback, link-local, unique-local, CGNAT,
 *   multicast, unspecified or other non-global address, and private addresses were not allowed.
 * - not-http: mailto:, tel:, javascript:, data:, a merge tag or a relative path: nothing to fetch.
 * - invalid: it starts like an http(s) URL but does not parse (a space in the host, a bad port).
 * - loopback-only: the test suites' safety catch (DELIVERLAB_LOOPBACK_ONLY=1) refused a non-loopback address.
 */
/** `not-checked`: the checker gave no answer for a target (it should not happen; said rather than hidden). */
export type LinkReason = 'unsubscribe' | 'private' | 'not-http' | 'invalid' | 'loopback-only' | 'not-checked';

/** What went wrong with a request, as a kind a caller can branch on; `error` says it in words. */
export type LinkErrorKind =
  /** No complete answer within the deadline (connect, headers and body). */
  | 'timeout'
  /** Nothing listens on the port. */
  | 'refused'
  /** The server closed or reset the connection before a complete answer. */
  | 'reset'
  /** The host name does not exist in DNS. */
  | 'no-host'
  /** The DNS lookup failed or gave no answer. */
  | 'dns'
  /** The certificate is expired, untrusted or for another name. */
  | 'cert'
  /** The TLS handshake failed for another reason. */
  | 'tls'
  /** The answer is not HTTP the client can read. */
  | 'protocol'
  /** More than five redirects (or a loop). */
  | 'too-many-redirects'
  /** A redirect's Location is not a URL. */
  | 'bad-redirect'
  /** A URL that starts like http(s) but does not parse. */
  | 'invalid-url'
  /** Any other network failure. */
  | 'network';

export interface LinkCheck {
  url: string;
  kind: 'link' | 'image';
  line?: number;
  /** The last HTTP status received, or null when none came. */
  status: number | null;
  /** Where the link ends: the last URL requested, or the redirect target the chain stopped before. */
  finalUrl: string | null;
  /** Time spent on the link's requests, in milliseconds (waiting for a free slot not counted). */
  ms: number;
  /** Whether anything was sent to a server for this link. */
  requested: boolean;
  /** Every answer received, in order: the first request's, then each redirect target's. */
  hops: { url: string; status: number }[];
  error?: string;
  errorKind?: LinkErrorKind;
  /** Why the link, or a redirect target, was not requested. */
  reason?: LinkReason;
  /** The address refused with reason `private` or `loopback-only`, and its range. */
  refused?: { address: string; range: string };
  /** The method whose answer is the final status: HEAD, or GET when HEAD was refused (images always GET). */
  method?: 'HEAD' | 'GET';
  /** The final answer's Content-Type. */
  contentType?: string;
  /** Image weight in bytes: Content-Length, or counted by reading. */
  bytes?: number;
  /** The weight is a lower bound: no Content-Length, and reading stopped at the counting cap. */
  bytesAtLeast?: boolean;
  /** Image dimensions in pixels, read from the file's header (PNG, GIF, JPEG, WebP). */
  width?: number;
  height?: number;
  /** The image format the header says. */
  format?: 'png' | 'gif' | 'jpeg' | 'webp';
}

/** An address a host name resolves to. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface LinkCheckOptions {
  /** Request private, loopback and link-local addresses too (test labs). */
  allowPrivate: boolean;
  /** Stops every request and wait at once; checkLinks then rejects with an AbortError. */
  signal?: AbortSignal;
  /** At most this many requests to one host name at a time (default 2). */
  perHost?: number;
  /** At most this many requests at a time overall (default 16). */
  concurrency?: number;
  /** Each request's deadline: lookup, connect, TLS, headers and the body read (default 10 s). */
  timeoutMs?: number;
  /** An extra trusted CA (PEM), added to the system's roots (test labs). */
  ca?: string | Buffer;
  /** Resolves a host name to every address (default: the system resolver). The connection goes to what it returns. */
  lookup?: (host: string) => Promise<ResolvedAddress[]>;
}
