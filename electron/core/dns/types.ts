/** One DNS query as the audit transcript records it. */
export interface DnsQueryRecord {
  name: string;
  type: string;
  /** The answer as text lines, when the query succeeded. */
  answer?: string[];
  /** ENOTFOUND, ENODATA, ETIMEOUT, ECONNREFUSED, ESERVFAIL, ... when it did not. */
  error?: string;
  ms: number;
  /** When the query was sent, in milliseconds from the start of the audit. */
  at?: number;
  /** Who answered or failed, in DNS-over-HTTPS and authoritative modes: a URL, `ns1.example.com (192.0.2.1)`. */
  server?: string;
  /** Why a query failed, when there is more to say than the code (an HTTP status, a certificate error). */
  detail?: string;
  /** Served from this audit's cache or joined an identical query in flight. */
  cached?: boolean;
}
