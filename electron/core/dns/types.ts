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
  /** Served from this audit's cache or joined an identical query in flight. */
  cached?: boolean;
}
