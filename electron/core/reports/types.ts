/**
 * DMARC aggregate reports (RFC 7489 appendix C, and the DMARCbis aggregate-reporting schema of
 * RFC 9990) and SMTP TLS reports (RFC 8460) as Deliverlab reads, stores and analyses them.
 *
 * Shapes only: the parsers (dmarc-xml.ts, tlsrpt.ts), the history module (history/reports.ts) and
 * the analysis (analysis.ts) share them, and the api re-exports the result types.
 */

/** The aggregate schema a report follows: RFC 7489's, or DMARCbis (namespace urn:ietf:params:xml:ns:dmarc-2.0). */
export type AggregateSchema = 'rfc7489' | 'dmarcbis';

/** What the receiver did: DMARCbis adds `pass` (DMARC passed, no policy to apply), counted as none. */
export type Disposition = 'none' | 'quarantine' | 'reject' | 'pass';

/** The result of DMARC's DKIM or SPF alignment check, as the receiver evaluated it. */
export type AlignedResult = 'pass' | 'fail';

export interface DkimAuthResult {
  /** The d= domain of the signature, lower-case. */
  domain: string;
  selector: string | null;
  /** pass, fail, neutral, none, policy, temperror, permerror (RFC 8601), lower-case. */
  result: string;
}

export interface SpfAuthResult {
  domain: string;
  /** mfrom or helo; absent in DMARCbis, where only the MAIL FROM is reported. */
  scope: string | null;
  result: string;
}

/** Why the receiver applied another disposition than the policy's (forwarded, mailing_list, local_policy, ...). */
export interface PolicyOverride {
  type: string;
  comment: string | null;
}

export interface AggregateRecord {
  sourceIp: string;
  /** Messages this row stands for. */
  count: number;
  disposition: Disposition;
  dkim: AlignedResult;
  spf: AlignedResult;
  reasons: PolicyOverride[];
  headerFrom: string;
  envelopeFrom: string | null;
  envelopeTo: string | null;
  dkimAuth: DkimAuthResult[];
  spfAuth: SpfAuthResult[];
}

/** The policy the reporter found published, as it says it (policy_published). */
export interface PublishedPolicy {
  domain: string;
  adkim: string | null;
  aspf: string | null;
  p: string | null;
  sp: string | null;
  /** DMARCbis: the policy for non-existent subdomains. */
  np: string | null;
  /** RFC 7489 only. */
  pct: number | null;
  /** DMARCbis t= (y: test mode, one step milder). */
  testing: string | null;
  fo: string | null;
  /** DMARCbis: psl or treewalk. */
  discoveryMethod: string | null;
}

export interface AggregateReport {
  kind: 'dmarc';
  schema: AggregateSchema;
  /** The reporting organisation (org_name; the email's domain when org_name is empty). */
  org: string;
  reportId: string;
  email: string | null;
  extraContact: string | null;
  /** The reporting period, Unix seconds (UTC). */
  begin: number;
  end: number;
  policy: PublishedPolicy;
  records: AggregateRecord[];
  /** report_metadata/error: what the reporter says went wrong while making the report. */
  errors: string[];
}

export interface TlsFailureDetail {
  resultType: string;
  sendingMtaIp: string | null;
  receivingMxHostname: string | null;
  receivingMxHelo: string | null;
  receivingIp: string | null;
  failedSessions: number;
  additionalInformation: string | null;
  failureReasonCode: string | null;
}

export interface TlsPolicyResult {
  /** sts, tlsa or no-policy-found (RFC 8460 §4.3); another word is kept as the reporter wrote it. */
  policyType: string;
  policyDomain: string | null;
  policyStrings: string[];
  mxHosts: string[];
  successes: number;
  failures: number;
  failureDetails: TlsFailureDetail[];
}

export interface TlsReport {
  kind: 'tls';
  org: string;
  reportId: string;
  contact: string | null;
  begin: number;
  end: number;
  policies: TlsPolicyResult[];
}

export type ParsedReport = AggregateReport | TlsReport;

/** Why a file (or a part of one: a zip member, an attachment) was not imported. */
export type RefusalCode =
  | 'unreadable'
  | 'too-large'
  | 'not-a-report'
  | 'not-xml'
  | 'not-text'
  | 'doctype'
  | 'wrong-schema'
  | 'too-many-records'
  | 'truncated-gzip'
  | 'bad-gzip'
  | 'empty-zip'
  | 'bad-zip'
  | 'expanded-too-large'
  | 'too-deep'
  | 'no-report-attached'
  | 'failure-report'
  | 'not-json'
  | 'not-written';

export interface Refusal {
  /** The file, and inside it the member or attachment: `reports.mbox › message 3 › google.zip › report.xml`. */
  file: string;
  reason: string;
  code: RefusalCode;
}

/** One report found in a file: where it came from, and the report. */
export interface FoundReport {
  from: string;
  report: ParsedReport;
}

/** What one input file held: its reports, and what in it was refused. */
export interface FileOutcome {
  file: string;
  reports: FoundReport[];
  refused: Refusal[];
}

/** One report as an import saw it. */
export interface ImportedReport {
  from: string;
  kind: 'dmarc' | 'tls';
  org: string;
  reportId: string;
  /** The policy domain (DMARC), or the policy domains (TLS-RPT, joined with a comma). */
  domain: string;
  /** DMARC rows, or TLS-RPT policy results. */
  records: number;
  /** Already in history (same organisation and report id): nothing was added. */
  duplicate: boolean;
}

export interface ImportResult {
  /** Reports added to history (DMARC aggregate and TLS-RPT). */
  imported: number;
  /** Reports already in history, found again: nothing added. */
  duplicates: number;
  refused: Refusal[];
  /** Rows added: DMARC records and TLS-RPT policy results. */
  records: number;
  /** Messages the added DMARC records stand for. */
  messages: number;
  /** Every report found, in the order found (at most MAX_LISTED_REPORTS of them). */
  reports: ImportedReport[];
  /** The import stopped before the end (the disk is full, a stop was asked): why. */
  stopped?: string;
  /** After a stop that was asked: the files read to the end before it (the rest were not read). */
  done?: number;
}

// ---------------------------------------------------------------------------------------------
// Analysis

export interface DateRange {
  /** ISO 8601, the start of a UTC day. */
  since: string;
  /** ISO 8601, the end of a UTC day. */
  until: string;
}

export interface DispositionCounts {
  none: number;
  quarantine: number;
  reject: number;
}

export interface ReporterSummary {
  org: string;
  reports: number;
  messages: number;
  dmarcPass: number;
}

export interface DayVolume {
  /** YYYY-MM-DD (UTC), the day the reports' periods begin. */
  day: string;
  messages: number;
  dmarcPass: number;
}

/** `reports.summary`: message counts (not records) for one domain over a time range. */
export interface ReportSummary extends DateRange {
  domain: string;
  reports: number;
  messages: number;
  dmarcPass: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  disposition: DispositionCounts;
  reporters: ReporterSummary[];
  /** Volume and DMARC pass per day, oldest first, for charts. */
  days: DayVolume[];
}

export type SourceClass = 'compliant' | 'forwarded' | 'misconfigured' | 'unknown';

/** The reverse DNS of one source address: its names, or why the lookup failed (never a guess). */
export interface SourceAddress {
  ip: string;
  messages: number;
  /** PTR names; empty when the address has none. */
  ptr: string[];
  /** The lookup failed (SERVFAIL, timeout, ...): nothing is known of the address's names. */
  ptrError?: string;
}

export interface ReportSource {
  /** The known sender's name, or the organisational domain of its reverse DNS, or the address itself. */
  organization: string;
  class: SourceClass;
  /** Source addresses, most messages first. */
  ips: string[];
  messages: number;
  dmarcPass: number;
  spfAlignedPass: number;
  dkimAlignedPass: number;
  /** What to change so that this source passes (a misconfigured known sender). */
  fix?: string;
  /** The catalogue entry that identified it (resources/senders.json), and by which signal. */
  sender?: { id: string; name: string; by: 'ptr' | 'dkim' | 'spf' };
  /** Why this class, in a sentence. */
  why: string;
  /** DKIM d= domains and SPF (MAIL FROM) domains seen for it, with their results. */
  dkimDomains: { domain: string; result: string; messages: number }[];
  spfDomains: { domain: string; result: string; messages: number }[];
  /** Messages the receivers let through by a local policy, a forwarder or a mailing list (policy_evaluated reason). */
  overridden: number;
  addresses: SourceAddress[];
}

export interface ClassDay {
  day: string;
  compliant: number;
  forwarded: number;
  misconfigured: number;
  unknown: number;
}

export interface SourcesResult extends DateRange {
  domain: string;
  sources: ReportSource[];
  /** Messages per class per day, oldest first. */
  days: ClassDay[];
  /** Addresses whose reverse DNS could not be looked up: grouped by themselves, never guessed. */
  lookupFailures: number;
  /** Addresses not looked up at all (past the bound of one call); looked up next time. */
  notLookedUp: number;
}

export interface ReadinessPolicy {
  /** The policy in the latest report's policy_published (what receivers saw). */
  reported: { p: string | null; sp: string | null; pct: number | null; testing: string | null } | null;
  /** The DMARC record of the latest stored audit of the domain, if any. */
  audited: { record: string | null; policy: string | null; auditedAt: string } | null;
}

export interface Readiness extends DateRange {
  domain: string;
  /** Messages from sources that are not unknown. */
  legitimateMessages: number;
  /** Of those, messages that passed DMARC: they pass under quarantine or reject too. */
  legitimatePass: number;
  /** legitimatePass / legitimateMessages (0 when there is none). */
  passShare: number;
  /** Legitimate sources with failing messages: these would be quarantined or rejected. */
  hurt: { organization: string; class: SourceClass; failing: number; fix?: string }[];
  /** Unknown sources' messages: what enforcement stops. */
  unknownMessages: number;
  current: ReadinessPolicy;
  /** The next step, or null when the domain is at p=reject already. */
  next: { policy: 'quarantine' | 'reject'; pct: number; testing: boolean; record: string | null; why: string } | null;
  /** Whether that step is safe now: no legitimate source would be hurt beyond the bound. */
  ready: boolean;
  /**
   * ready; not-ready (a legitimate source would be hurt, or there is no next step); cannot-judge:
   * sources that lookups failed to identify (or did not look up yet) could make the step unsafe.
   */
  verdict: 'ready' | 'not-ready' | 'cannot-judge';
  /**
   * Unknown sources whose every address's reverse DNS failed or is not looked up yet: their messages,
   * the failing ones, and the addresses (failed and pending). Null when there are none.
   */
  unidentified: { messages: number; failing: number; addresses: number; failed: number; pending: number } | null;
  why: string;
}

export interface TlsPolicySummary {
  /** sts, tlsa, no-policy-found, or another word a reporter used. */
  type: string;
  reports: number;
  successes: number;
  failures: number;
  days: { day: string; successes: number; failures: number }[];
}

export interface TlsSummary extends DateRange {
  domain: string;
  reports: number;
  successes: number;
  failures: number;
  policies: TlsPolicySummary[];
  failureTypes: { type: string; sessions: number }[];
  /** The sending MTAs that reported failures, most sessions first. */
  mtas: { ip: string; reporter: string; resultType: string; receivingMx: string | null; sessions: number }[];
  reporters: { org: string; reports: number; successes: number; failures: number }[];
}

/** One stored DMARC record, for the drill-down from a source to its rows: the record, and the report it came in. */
export interface StoredRecord extends AggregateRecord {
  reportId: string;
  org: string;
  begin: string;
  end: string;
}

/** One stored report, for the list of imports. */
export interface ReportListItem {
  id: number;
  kind: 'dmarc' | 'tls';
  org: string;
  reportId: string;
  domain: string;
  begin: string;
  end: string;
  records: number;
  messages: number;
  /** The file it was imported from (and the member or attachment inside it). */
  source: string;
  importedAt: string;
}
