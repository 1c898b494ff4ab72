/** One DNS query as the audit transcript records it. */
export interface DnsQueryRecord {
  name: string;
  type: string;
  /** The answer as text lines, when the query succeeded. */
  answer?: string[];
  /** ENOTFOUND, ENODATA, ETIMEOUT, ECONNREFUSED, ESERVFAIL, ... when it did not. */
  error?: string;
  ms: number;
  /** Served from this audit's cache or joined an identical query in flight. */
  cached?: boolean;
}
