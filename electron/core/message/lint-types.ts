/**
 * What header lint, content lint and the provider rules read from one message.
 *
 * analyze.ts builds it once (parsing, authentication and the summary happen there); the lint modules
 * are pure over it, apart from the optional blocklist lookups for link domains. Types only, so that
 * the modules reading a message and the ones linting it can share them without importing each other.
 */
import type { HeaderIndex } from './header-index';
import type { MimeLeaf, ParsedMessage } from './mime';
import type { LinkInfo, MessageAuth, MessageSummary } from './types';

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
  /** The Spamhaus DQS key for those lookups, when set. */
  spamhausDqsKey?: string;
  /** The clock, for date skew when receivedAt is null; defaults to the system clock. */
  now?: () => Date;
  /** The body as content lint reads it, when analyze.ts has read it already (else read there). */
  body?: BodyRead | null;
}

/**
 * What content lint reads of a LintInput: the body and the few summary fields its findings word.
 *
 * Narrower than LintInput so that a draft that was never received (design QA) can be linted too,
 * without an authentication result or header fields it does not have.
 */
export type ContentLintInput = Pick<LintInput, 'parsed' | 'raw' | 'headersOnly' | 'checkLinkDomains' | 'spamhausDqsKey' | 'body'> & {
  summary: Pick<MessageSummary, 'bulk' | 'bulkSignals' | 'fromDomain'>;
};

/** An image as the HTML scan found it (html-scan.ts scanHtml). */
export interface ImageInfo {
  src: string;
  alt: string | null;
  width?: string;
  height?: string;
  hidden: boolean;
}

/** What one streaming pass over the HTML found (html-scan.ts scanHtml). */
export interface HtmlScan {
  links: LinkInfo[];
  images: ImageInfo[];
  /** Visible characters, white space collapsed. */
  visibleChars: number;
  /** The start and the end of the visible text (see TEXT_WINDOW in html-scan.ts). */
  visibleText: string;
}

/**
 * The message's own body, read once: its text and HTML parts and one scan of the HTML.
 *
 * analyze.ts reads it before the summary (bulk detection uses its signals) and content lint reuses
 * it; what costs a pass over the text (the postal address search) is done when first asked, once.
 */
export interface BodyRead {
  textPart: boolean;
  htmlLeaf: MimeLeaf | null;
  /** The decoded HTML the reader gets, or null without an HTML part. */
  html: string | null;
  /** The parsed HTML, for the preview (may differ from `html` when the structure is broken). */
  parsedHtml: string | null;
  htmlTransferBytes: number;
  /** The text/plain part, or '' without one. */
  plain: string;
  scan: HtmlScan;
  /** Remote images that only report opens (1x1, zero-sized or hidden). */
  pixels: ImageInfo[];
  /** A link (or a plain-text URL) whose text or target offers to unsubscribe or opt out; looked for once. */
  readonly unsubscribeLink: boolean;
  /** The start and end of the visible text and of the plain text, where footers are. */
  readonly words: string;
  /** A postal address in `words` (looksLikePostalAddress), searched once, when first asked. */
  postalAddress(): boolean;
}
