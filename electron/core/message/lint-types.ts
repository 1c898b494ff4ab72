/**
 * What header lint, content lint and the provider rules read from one message.
 *
 * analyze.ts builds it once (parsing, authentication and the summary happen there); the lint modules
 * are pure over it, apart from the optional blocklist lookups for link domains.
 */
import type { BodyRead } from './content-lint';
import type { HeaderIndex } from './header-index';
import type { ParsedMessage } from './mime';
import type { MessageAuth, MessageSummary } from './types';

export interface LintInput {
  /** The message's decoded header fields, MIME leaves, text and HTML (mime.ts parseMessage). */
  parsed: ParsedMessage;
  /** Raw header fields, unfolded (RFC 5322 §2.2.3), in message order; names as written. */
  headers: { name: string; value: string }[];
  /** The same fields by lower-case name, when the caller has built it already (else built from headers). */
  index?: HeaderIndex;
  /** The message as received: content lint measures the HTML part as transferred from it. */
  raw: Buffer;
  auth: MessageAuth;
  summary: MessageSummary;
  /** The time the receiving hop stamped (its Received header), or null when unknown. */
  receivedAt: Date | null;
  /** Only headers were given: no body checks. */
  headersOnly: boolean;
  /** Look link domains up on domain blocklists (the network part is on). */
  checkLinkDomains: boolean;
  /** The clock, for date skew when receivedAt is null; defaults to the system clock. */
  now?: () => Date;
  /** The body as content lint reads it, when analyze.ts has read it already (else read there). */
  body?: BodyRead | null;
}
