/**
 * The message analysis result: what a receiving server saw in one message, and what is wrong with it.
 *
 * A contract like the audit's: `deliverlab check --json`, history rows and the Messages screen all
 * carry it unchanged. Result words are mailauth's: pass, fail, softfail, neutral, none, temperror,
 * permerror (and policy for DMARC when the policy decided).
 */
import type { Finding, ProviderScorecard } from '../audit/types';
import type { DnsQueryRecord } from '../dns/types';
import type { SpamDraftResult, SpamFilterResult } from '../spam/types';

export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | 'policy';

/** One Received header, parsed (RFC 5321 §4.4), newest first as in the message. */
export interface Hop {
  /** 0 is the top (newest) Received header. */
  index: number;
  raw: string;
  from?: string;
  /** The IP in the from clause's parenthesised TCP-info, when there is one. */
  fromIp?: string;
  by?: string;
  with?: string;
  /** TLS was used on this hop (ESMTPS, a "using TLS" comment, ...). */
  tls?: boolean;
  tlsVersion?: string;
  /** The date after the last ";", as ISO 8601. */
  time?: string;
  /** Seconds between the previous (older) hop and this one; negative when the clocks disagree. */
  delaySeconds?: number;
  /** This hop's time is before the previous hop's: a clock is wrong somewhere. */
  outOfOrder?: boolean;
}

/** The SMTP envelope the receiving server had: given by the user, or read from the trusted hop. */
export interface Envelope {
  ip: string | null;
  helo: string | null;
  mailFrom: string | null;
  /** given: --ip/--helo/--mail-from; received: read from the receiving hop's Received and Return-Path. */
  source: 'given' | 'received' | 'none';
  /** Index into `hops` of the hop whose sender IP and HELO were trusted. */
  trustedHop: number | null;
  /** In words: "the Received header added by mx.example.net (hop 1)". */
  explanation: string;
}

/**
 * What a lenient receiver reports instead of the RFC reading, and why.
 *
 * Many receivers verify DKIM and ARC more leniently than the RFCs allow (they still accept
 * rsa-sha1, a missing v=, tags twice). Present only where that reading gives another result.
 */
export interface LenientResult {
  result: AuthResult;
  /** In words, with the RFC rule the lenient reading sets aside. */
  why: string;
}

export interface DkimSignatureResult {
  domain: string;
  selector: string;
  result: AuthResult;
  /** d= aligns with the From domain under the DMARC policy's adkim mode. */
  aligned: boolean;
  algorithm?: string;
  keyBits?: number | null;
  /** c= as header/body, e.g. relaxed/relaxed. */
  canonicalization?: string;
  signedHeaders?: string[];
  /** l= : the body length the signature covers, when limited. */
  bodyLength?: number | null;
  bodyHash?: { expected: string; computed: string; match: boolean; canonicalLength?: number };
  /** mailauth's reason, and ours when the signature failed: what probably broke it. */
  comment?: string;
  explanation?: string;
  /** For a header-signature failure: which of the signed headers are present in the message now. */
  signedHeadersPresent?: { name: string; present: boolean }[];
  /** Where a lenient receiver reports another result than `result` (the RFC reading). */
  lenient?: LenientResult;
}

export interface MessageAuth {
  /** record: the SPF record mailauth evaluated, when one was found. */
  spf: { result: AuthResult; domain: string | null; comment?: string; record?: string };
  dkim: DkimSignatureResult[];
  dmarc: {
    result: AuthResult;
    /** The effective policy for the From domain (none, quarantine, reject), null without a record. */
    policy: string | null;
    domain: string | null;
    /** Which identifier aligned. */
    alignment: { spf: boolean; dkim: boolean };
    comment?: string;
    /** Evaluated on the lenient DKIM results, where that changes the outcome. */
    lenient?: LenientResult;
  };
  arc: { result: AuthResult; instances: number; comment?: string; lenient?: LenientResult };
  bimi?: { result: AuthResult; location?: string | null; comment?: string };
}

/** The receiver's own Authentication-Results, parsed, and where it disagrees with ours. */
export interface ReceiverView {
  authServId: string | null;
  /** method → result as the receiver wrote it (spf, dkim, dmarc, arc, ...). */
  results: { method: string; result: string; properties: Record<string, string> }[];
  arcAuthenticationResults: string[];
  differences: { method: string; receiver: string; ours: string; note: string }[];
}

export interface LinkInfo {
  href: string;
  /** The visible text, trimmed. */
  text: string;
  domain: string | null;
}

export interface ContentSummary {
  textPart: boolean;
  htmlPart: boolean;
  /** The HTML part's size as transferred (encoded), in bytes: what Gmail's ~102 KB clip counts. */
  htmlTransferBytes: number;
  /** The decoded HTML, for the sandboxed preview (absent when headers only). */
  html?: string;
  text?: string;
  links: LinkInfo[];
  images: { src: string; alt: string | null; width?: string; height?: string }[];
  attachments: { filename: string | null; contentType: string; size: number }[];
}

export interface MessageSummary {
  subject: string | null;
  from: string | null;
  fromDomain: string | null;
  to: string[];
  date: string | null;
  messageId: string | null;
  /**
   * The message looks like bulk or marketing mail: a list, bulk or ESP header, or two body signals
   * (a tracking pixel, an unsubscribe link, a promotional layout). See bulk.ts.
   */
  bulk: boolean;
  /** The signals found, in words ("List-Unsubscribe header", "tracking pixel"); absent in analyses stored before they were kept. */
  bulkSignals?: string[];
}

export interface MessageAnalysis {
  /** SHA-256 of the raw message, hex: the same message analysed twice has the same digest. */
  sha256: string;
  size: number;
  /** Only headers were given: body checks (DKIM body hash, content lint, preview) are not possible. */
  headersOnly: boolean;
  /** What the input itself limits, in words: what cannot be checked without a body, a file cut short. */
  inputNotes?: string[];
  analysedAt: string;
  durationMs: number;
  summary: MessageSummary;
  envelope: Envelope;
  auth: MessageAuth;
  receiver: ReceiverView;
  hops: Hop[];
  /** Seconds from the oldest to the newest hop, when both have times. */
  transitSeconds: number | null;
  content: ContentSummary | null;
  findings: Finding[];
  providers: ProviderScorecard[];
  dns: DnsQueryRecord[];
  /** Spam filter verdicts, when they were asked for (`--spam`, the Spam filters tab); absent otherwise. */
  spam?: SpamFilterResult[];
  /** The readiness summary, when it was asked for (`--readiness`); message.readiness gives it for any analysis. */
  readiness?: MessageReadiness;
  /** The history row this analysis was stored as. */
  id?: number | null;
  historyError?: string;
}

/** Who wrote a carried spam verdict, as far as the header's name tells. */
export type CarriedFilter = 'spamassassin' | 'rspamd' | 'microsoft' | 'gmail' | 'barracuda' | 'proofpoint' | 'other';

/**
 * A spam filter's verdict as a header of the message carries it: what a filter on the way (the
 * receiving server's) wrote, read from X-Spam-Status, X-Spamd-Result, X-Forefront-Antispam-Report
 * and their kin. A header that only carries data (a queue id) is not one.
 */
export interface CarriedSpamVerdict {
  filter: CarriedFilter;
  /** The header's name as written, and its value (unfolded, cut at 2000 characters). */
  header: string;
  value: string;
  /** spam or ham when the header says so; unknown when it only gives a score or data. */
  verdict: 'spam' | 'ham' | 'unknown';
  score?: number;
  /** The score at which the filter calls a message spam, when the header gives it. */
  threshold?: number;
  /** The rules or symbols the header lists, with their score when it gives one. */
  rules?: { name: string; score?: number }[];
  /** Named fields (Microsoft's SCL, BCL, SFV, CIP ...), as written. */
  fields?: Record<string, string>;
  /** What the header says, in words. */
  meaning: string;
}

/** The parts of a readiness summary, each with its share of the 10 points (readiness.ts READINESS_WEIGHTS). */
export type ReadinessArea = 'authentication' | 'spam-filters' | 'blocklists' | 'content' | 'headers' | 'bulk-sender-rules';

/** not-run: nothing was asked (no spam filter configured, no body); error: it was asked and did not answer. Neither is a pass. */
export type ReadinessStatus = 'pass' | 'warn' | 'fail' | 'error' | 'not-run';

export interface ReadinessItem {
  area: ReadinessArea;
  label: string;
  status: ReadinessStatus;
  /** Its share of the 10 points. */
  weight: number;
  /** The points it takes off (0 when it passed, could not be checked or was not run). */
  deduction: number;
  /** What was found, in words. */
  detail: string;
  fix?: string;
}

/**
 * A message's readiness, scored out of 10 like mail-tester's, with every point explained: each item
 * says what it weighs, what it took off and how to fix it.
 */
export interface MessageReadiness {
  score: number;
  outOf: 10;
  /** Points of items that could not be checked (error, not run): neither earned nor taken off. */
  unchecked: number;
  /** The score in one sentence: what took points off, what was not checked. */
  explanation: string;
  items: ReadinessItem[];
}

/**
 * spam.draft's answer: the filters' verdicts on the draft as it would be sent and, when asked, the
 * readiness of those same bytes analysed as a message (a draft: SPF and the sending IP wait for the send).
 */
export interface DraftCheck extends SpamDraftResult {
  readiness?: MessageReadiness;
  /** Why the readiness could not be made (the resolver did not answer), in words; the verdicts stand. */
  readinessError?: string;
}
