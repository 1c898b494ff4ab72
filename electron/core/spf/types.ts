/**
 * The result of an SPF check_host() evaluation, apart from the code that runs it (check-host.ts).
 *
 * Types only: the CLI prints it and the api re-exports it to the UI.
 */
import type { DnsQueryRecord } from '../dns/types';

/** The results check_host() can return (RFC 7208 §2.6). */
export type SpfResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror';

export interface SpfCheckOutput {
  result: SpfResult;
  /** Why, in mailauth's words (the matched mechanism, or the error). */
  comment: string;
  /** Which identity was checked: the MAIL FROM address, or the HELO name (RFC 7208 §2.3, §2.4); as in Received-SPF. */
  identity: 'mailfrom' | 'helo';
  /** The domain whose policy was evaluated. */
  domain: string;
  /** The address checked: the MAIL FROM, or postmaster@<helo> for the HELO identity. */
  mailFrom: string;
  helo: string;
  ip: string;
  /** On fail, the domain's own explanation: its exp= TXT record, macros expanded (RFC 7208 §6.2). Third-party text. */
  explanation?: string;
  /** The Received-SPF header a receiver would add (RFC 7208 §9.1). */
  header: string;
  dns: DnsQueryRecord[];
}
