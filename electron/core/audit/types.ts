/**
 * The audit result shapes shared by core, api, CLI and renderer.
 *
 * These are a contract: `--json` output, history rows and the UI all carry them unchanged.
 */
import type { CheckId, FindingCode, Severity } from './codes';
import type { DnsQueryRecord } from '../dns/types';
import type { FixRecord } from '../../shared/fix-record';

export type { FixRecord };

export type { CheckId, Severity };

/**
 * Which of a code's texts a finding carries, where the app words it itself because the text names a
 * command-line flag. resolver-rewrites-nxdomain: dnsbl.refused because the resolver rewrote "no such
 * name" answers (the fix says to pick another resolver).
 */
export type FindingReason = 'resolver-rewrites-nxdomain';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** The check that raised it: `mx`, `spf`, `dmarc`. */
  check: string;
  title: string;
  detail: string;
  fix?: string;
  /** The records the fix publishes (replacing any of the same name and type that say otherwise); the prose `fix` explains them. */
  fixRecords?: FixRecord[];
  evidence?: string;
  refs?: string[];
  reason?: FindingReason;
}

/**
 * pass: nothing to fix; warn: warnings only; fail: a critical finding; info: informational only;
 * error: the check could not run; skipped: turned off (`--skip`) or not applicable.
 */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'info' | 'error' | 'skipped';

/** What every check's result carries. */
export interface CheckBase {
  status: CheckStatus;
  /** Why the check did not run (`--skip smtp`, no MX to probe, ...). */
  skipped?: string;
  /** Skipped because the audit's options turned it off (`--skip`, the app's boxes), not for want of anything to check. */
  turnedOff?: true;
  /**
   * Skipped because the network the audit ran from prevented the measurement (outbound port 25
   * blocked): `skipped` says what, the finding that explains it is information only, and the check
   * costs no points, so a grade never depends on where the audit ran.
   */
  notMeasured?: true;
  /**
   * The DNS or network error code when the check could not run (`ESERVFAIL`), or, when it ran but
   * lookups it depends on failed, which ones (`TXT _spf.example.com: SERVFAIL; ...`).
   */
  error?: string;
}

/** A DNS query that got no usable answer: SERVFAIL, a timeout, REFUSED, a malformed reply. */
export interface LookupFailure {
  name: string;
  type: string;
  /** Node's code: ESERVFAIL, ETIMEOUT, EBADRESP, EREFUSED, ... */
  code: string;
}

export interface MxHost {
  exchange: string;
  priority: number;
  /** A and AAAA addresses of the exchange (empty when it has none). */
  addresses?: string[];
  /** The exchange name is a CNAME (RFC 2181 §10.3 forbids it), pointing here. */
  cname?: string;
  /** Address or CNAME lookups of the exchange that failed: its addresses may be incomplete. */
  error?: string;
}

export interface MxCheck extends CheckBase {
  hosts: MxHost[];
  nullMx: boolean;
  /** At least one exchange has an AAAA record. */
  ipv6?: boolean;
}

export interface SpfTerm {
  /** The term as written. */
  text: string;
  kind: 'mechanism' | 'modifier' | 'invalid';
  qualifier?: '+' | '-' | '~' | '?';
  name: string;
  value?: string;
  /** Terms that cost a DNS lookup under RFC 7208 §4.6.4 (include, a, mx, ptr, exists, redirect). */
  lookup: boolean;
  /** The value carries an RFC 7208 §7 macro and cannot be resolved without a message. */
  macro: boolean;
  error?: string;
}

/** A term in the evaluated SPF tree, with what it costs. */
export interface SpfTreeTerm extends SpfTerm {
  /** DNS-querying terms this term accounts for, itself and everything below it (RFC 7208 §4.6.4). */
  cost: number;
  /** Lookups this term made that returned no records (RFC 7208 §4.6.4 void lookups). */
  voids: number;
  /** The include or redirect target's own record, followed. */
  child?: SpfNode;
  /** A lookup of this term that failed: a receiver reaching the term returns temperror (RFC 7208 §5). */
  lookupError?: LookupFailure;
}

export interface SpfNode {
  domain: string;
  record: string | null;
  terms: SpfTreeTerm[];
  /** Why this branch stopped: no record, several records, a loop, a DNS error. */
  error?: string;
}

export interface SpfCheck extends CheckBase {
  /** The one SPF record, when exactly one was found. */
  record: string | null;
  /** Every TXT record that starts with v=spf1. */
  records: string[];
  terms: SpfTerm[];
  /** DNS-querying terms over the whole include/redirect tree (RFC 7208 §4.6.4: at most 10). */
  lookups: number;
  /** Lookups returning no records over the whole tree (RFC 7208 §4.6.4: at most 2). */
  voidLookups?: number;
  /** The `all` mechanism's qualifier, or null when there is none. */
  all: '+' | '-' | '~' | '?' | null;
  /** The record and every include/redirect below it. */
  tree?: SpfNode;
}

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcWalkStep {
  domain: string;
  /** What the query at `_dmarc.<domain>` found. */
  outcome: 'record' | 'none' | 'multiple' | 'invalid' | 'error';
  error?: string;
}

export interface DmarcReportDestination {
  uri: string;
  /** The domain of the mailto: address. */
  domain: string;
  /** Outside the policy domain's organizational domain, so it must authorize (RFC 9990 §3.2.3). */
  external: boolean;
  /**
   * The `<policy domain>._report._dmarc.<destination>` record (or its wildcard) exists; null when
   * no authorization is needed (the destination is not external) or the lookup failed.
   */
  authorized: boolean | null;
  /** The destination domain has an MX record (null: the lookup failed). */
  hasMx: boolean | null;
  /** The destination domain has an A or AAAA record, where mail goes without MX (RFC 5321 §5.1). */
  hasAddress?: boolean | null;
}

export interface DmarcCheck extends CheckBase {
  /** The DMARC record that applies, if any. */
  record: string | null;
  /** Where that record was found (the policy domain). */
  recordDomain: string | null;
  /** The record came from a parent domain by the RFC 9989 tree walk. */
  inherited: boolean;
  /** The organizational domain by the RFC 9989 tree walk (psd tags honoured). */
  organizationalDomain: string;
  /** The policy a receiver applies to mail from the audited domain. */
  policy: DmarcPolicy | null;
  /** Which tag gave the effective policy. */
  policySource: 'p' | 'sp' | 'np' | 'default' | null;
  tags: Record<string, string>;
  walk: DmarcWalkStep[];
  /** The RFC 7489 reading, where it differs (pct, the PSL-based organizational domain). */
  rfc7489?: { policy: DmarcPolicy | null; pct: number; organizationalDomain: string; note: string };
  reports?: { rua: DmarcReportDestination[]; ruf: DmarcReportDestination[] };
}

export interface DkimSelector {
  selector: string;
  keyType: string;
  /** RSA modulus size, or 256 for Ed25519; null when the key does not parse. */
  keyBits: number | null;
  testing: boolean;
  revoked: boolean;
  record?: string;
  /** Where the selector name came from. */
  source?: 'builtin' | 'provider' | 'user' | 'message';
  /** The mail provider known to use this selector name (from the selector catalog). */
  provider?: string;
}

export interface DkimCheck extends CheckBase {
  selectors: DkimSelector[];
  /** Every selector name that was tried. */
  tried: string[];
  /** Selectors whose lookup failed (timeout, SERVFAIL): a key may exist there. */
  failed?: { selector: string; error: string }[];
}

export interface MtaStsPolicy {
  version: string;
  mode: 'enforce' | 'testing' | 'none';
  mx: string[];
  maxAge: number;
}

export interface MtaStsCheck extends CheckBase {
  /** The `_mta-sts` TXT record. */
  record: string | null;
  id: string | null;
  policyUrl: string | null;
  policy: MtaStsPolicy | null;
  /** Each MX host and whether the policy's mx patterns cover it. */
  mxMatch: { host: string; matched: boolean }[];
  /** Why the policy was not fetched (`--skip http`); absent when it was tried. */
  fetchSkipped?: string;
  /** Why the policy could not be fetched, in words (timeout, certificate error, 404, redirect...). */
  fetchError?: string;
  /** The TLS the policy host negotiated, when the fetch succeeded; validTo: its certificate's end (ISO). */
  tls?: { version: string | null; cipher: string | null; validTo?: string };
}

export interface TlsRptCheck extends CheckBase {
  record: string | null;
  rua: string[];
}

export interface BimiCheck extends CheckBase {
  record: string | null;
  /** l= : where the SVG logo lives. */
  logoUrl: string | null;
  /** a= : where the VMC/CMC certificate lives. */
  authorityUrl: string | null;
  svg?: { bytes: number; valid: boolean; errors: string[] };
  /** validTo: the mark certificate's end of validity (ISO), when it could be read. */
  certificate?: { valid: boolean; type?: string; subject?: string; validTo?: string; errors: string[] };
  dmarcEnforced: boolean;
  /** Where the record was found: the domain, or its organizational domain (the BIMI draft's fallback). */
  recordDomain?: string | null;
  /** Why the logo and certificate were not fetched (`--skip http`); absent when they were tried. */
  fetchSkipped?: string;
}

export interface TlsaRecord {
  usage: number;
  selector: number;
  matchingType: number;
  data: string;
}

export interface DnssecCheck extends CheckBase {
  /** The zone has a DS at its parent and DNSKEYs. */
  signed: boolean | null;
  /** The resolver validated the answer (AD flag), when it says. */
  validated: boolean | null;
  mx: {
    host: string;
    signed: boolean | null;
    tlsa: TlsaRecord[];
    daneMatch: boolean | null;
    error?: string;
    /** Why daneMatch is null, or what the match rests on (which TLSA record matched). */
    daneNote?: string;
  }[];
}

export interface PtrAddress {
  ip: string;
  source: 'mx' | 'sending';
  /** The MX host the address belongs to. */
  host?: string;
  ptr: string[];
  /** A PTR name resolves back to this address (FCrDNS). */
  forwardConfirmed: boolean;
  /** What each PTR name resolved to (A for IPv4, AAAA for IPv6), as far as the check looked. */
  forward?: Record<string, string[]>;
  /** The PTR lookup failed (ETIMEOUT, ESERVFAIL...): the address's reverse DNS is unknown. */
  error?: string;
}

export interface PtrCheck extends CheckBase {
  addresses: PtrAddress[];
  /** --sending-ip values that are not IP addresses, so were not checked. */
  invalid?: string[];
}

export interface DnsblResult {
  /** The IP address or domain looked up. */
  target: string;
  list: string;
  zone: string;
  listed: boolean;
  /** The list answered "query refused / over quota" rather than listed or not. */
  refused: boolean;
  codes: string[];
  meanings: string[];
  /** A note on the address range (private, loopback, documentation, ...). */
  range?: string;
  /** What the target is: an MX address, a sending IP, or the audited domain. */
  source?: 'mx' | 'sending' | 'domain';
  /** The list's delisting page. */
  delisting?: string;
  /** The query failed (ETIMEOUT, ESERVFAIL...): neither listed nor clean. */
  error?: string;
}

export interface DnsblCheck extends CheckBase {
  results: DnsblResult[];
}

export interface SmtpCertificate {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  names: string[];
  nameMatch: boolean;
  chainValid: boolean;
  error?: string;
  /** The leaf certificate as presented (DER, base64), for DANE matching. */
  der?: string;
  /** The certificates above the leaf (DER, base64), leaf's issuer first, for DANE-TA matching. */
  chainDer?: string[];
}

export interface SmtpHostProbe {
  host: string;
  address: string;
  port: number;
  banner?: string;
  ehlo?: string[];
  starttls: boolean;
  tls?: { version: string; cipher: string; certificate: SmtpCertificate };
  timings: { connectMs?: number; bannerMs?: number; ehloMs?: number; tlsMs?: number };
  error?: string;
  /** The step the probe stopped at when it failed. */
  stage?: 'address' | 'connect' | 'banner' | 'ehlo' | 'starttls' | 'tls' | 'ehlo-tls';
}

export interface SmtpCheck extends CheckBase {
  hosts: SmtpHostProbe[];
}

export interface ProviderRequirement {
  id: string;
  requirement: string;
  result: 'pass' | 'fail' | 'not-observable';
  why: string;
}

export interface ProviderScorecard {
  provider: 'google' | 'yahoo' | 'microsoft';
  audience: 'all' | 'bulk';
  title: string;
  items: ProviderRequirement[];
  /** The provider's page the rules come from, and when they took effect. */
  source?: { url: string; title: string; effective: string };
}

export interface ProvidersCheck extends CheckBase {
  scorecards: ProviderScorecard[];
}

/**
 * Every check's result, by id. The optional ones arrived after the first release: results stored
 * in history before them lack them, so readers must not assume they are there.
 */
export interface AuditChecks {
  mx: MxCheck;
  spf: SpfCheck;
  dmarc: DmarcCheck;
  dkim?: DkimCheck;
  mtasts?: MtaStsCheck;
  tlsrpt?: TlsRptCheck;
  bimi?: BimiCheck;
  dnssec?: DnssecCheck;
  ptr?: PtrCheck;
  dnsbl?: DnsblCheck;
  smtp?: SmtpCheck;
  providers?: ProvidersCheck;
}

type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type MustHold<T extends true> = T;

/**
 * Every check id of codes.ts has its result in AuditChecks, and AuditChecks has no other key.
 *
 * Checked by the compiler: a check added to one and not the other fails the typecheck here.
 */
export type ChecksMatchIds = MustHold<SameKeys<keyof AuditChecks, CheckId>>;

export interface RecordChange {
  check: CheckId;
  /** What changed, in words: "SPF record", "MX hosts", ... */
  what: string;
  before: string | null;
  after: string | null;
}

export interface AuditDiff {
  previousId: number | null;
  previousAt: string;
  scoreBefore: number;
  scoreAfter: number;
  records: RecordChange[];
  added: Finding[];
  resolved: Finding[];
}

export interface AuditResult {
  domain: string;
  startedAt: string;
  durationMs: number;
  score: number;
  grade: string;
  checks: AuditChecks;
  findings: Finding[];
  dns: DnsQueryRecord[];
  /** The resolver the audit used: `system`, or the servers. */
  resolver: string;
  /** The history row this audit was stored as; null when history was off or could not be written. */
  id?: number | null;
  /** Why the audit could not be stored (a full disk, say); the result itself is complete. */
  historyError?: string;
  /** What changed since the previous audit of this domain in history, when there is one. */
  diff?: AuditDiff;
}

export interface AuditProgress {
  domain: string;
  check: CheckId;
  state: 'running' | 'done';
  done: number;
  total: number;
}
