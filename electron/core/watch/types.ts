/**
 * The shapes of monitoring: clients, watches, their checks, the alerts they raise and where the
 * alerts go.
 *
 * Types only, apart from the rule names (a contract: scripts match on them, the README lists them):
 * history stores these, the api re-exports them to the UI, the CLI prints them.
 */
import type { DnsQueryRecord } from '../dns/types';
import type { DnsblResult, Finding, PtrAddress } from '../audit/types';

/** The alert rules, by the names the CLI's --json and the webhooks carry. */
export const ALERT_RULES = [
  'finding.new-critical',
  'score.drop',
  'record.changed',
  'dnsbl.listed',
  'dnsbl.delisted',
  'cert.expiring',
  'dkim.selector-gone',
] as const;

export type AlertRule = (typeof ALERT_RULES)[number];

/** What the rules do, for the README and the app's settings; one line each. */
export const RULE_MEANINGS: Record<AlertRule, string> = {
  'finding.new-critical': 'A critical finding the previous check did not have (on a new watch, every critical finding present).',
  'score.drop': 'The score fell by the set number of points or more (10 unless changed) since the previous check.',
  'record.changed': 'A published record changed: SPF, DMARC, DKIM selectors, MX, the MTA-STS record (its id) or policy, BIMI; for a sending IP, its PTR names.',
  'dnsbl.listed': 'An address or the domain appeared on a blocklist.',
  'dnsbl.delisted': 'An address or the domain is no longer on a blocklist it was on.',
  'cert.expiring': 'A certificate (MX STARTTLS, the MTA-STS policy host, the BIMI mark certificate) expires within the set number of days (21 unless changed).',
  'dkim.selector-gone': 'A DKIM selector whose key was published is gone.',
};

/** A client: a name, notes and tags, grouping domains and sending IPs. */
export interface Client {
  id: number;
  name: string;
  notes: string;
  tags: string[];
  createdAt: string;
  domains: string[];
  ips: string[];
}

export interface ClientSummary extends Client {
  /** Watches of the client's domains and IPs. */
  watches: number;
  /** Open alerts of those watches. */
  openAlerts: number;
}

export type WatchKind = 'domain' | 'ip';

/** Every N milliseconds, or every day at HH:MM (local time of the zone named). */
export type WatchSchedule = { every: number } | { at: string; timezone: string };

/** How a watch checks, beyond the settings: what the user chose when adding it. */
export interface WatchOptions {
  /** Parts of the audit left out (domains). */
  skip?: ('smtp' | 'http' | 'dnsbl')[];
  /** DKIM selectors tried besides the built-in list and the setting (domains). */
  selectors?: string[];
  /** The resolver for this watch; the setting when absent. */
  resolver?: string;
}

export interface Watch {
  id: number;
  kind: WatchKind;
  /** The domain or the IP address. */
  target: string;
  client: { id: number; name: string } | null;
  schedule: WatchSchedule;
  options: WatchOptions;
  /** Rules that raise no alert for this watch. */
  muted: AlertRule[];
  createdAt: string;
  /** When the watch is next due (it is checked at that time or as soon after as a scheduler runs). */
  nextAt: string;
  lastAt: string | null;
  /** Whether a first check has set the watch's baseline. */
  baseline: boolean;
}

/** A watch as the lists and the home page show it. */
export interface WatchSummary extends Watch {
  /** The latest check: its grade and score (domains), when, and what went wrong if it failed. */
  last: { at: string; grade: string | null; score: number | null; auditId: number | null; error: string | null; alerts: number } | null;
  /** Scores of the domain's latest audits, oldest first, for a sparkline (at most 20). */
  scores: { at: string; score: number; grade: string }[];
  openAlerts: number;
}

/** An IP's check: reverse DNS with forward confirmation, and the IP blocklists. */
export interface IpCheckResult {
  ip: string;
  startedAt: string;
  durationMs: number;
  resolver: string;
  /** The PTR names and whether one resolves back to the address; null when the lookup could not run. */
  ptr: PtrAddress | null;
  ptrError?: string;
  dnsbl: DnsblResult[];
  dnsblError?: string;
  findings: Finding[];
  dns: DnsQueryRecord[];
}

/** A published record as the rules compare it; absent from a state when it was not measured. */
export interface CertState {
  /** What the certificate is for, in words: "MX mx.example.com", "MTA-STS policy host", "BIMI mark certificate". */
  what: string;
  host: string;
  validTo: string;
  subject?: string;
}

export interface ListingState {
  target: string;
  list: string;
  zone: string;
  listed: boolean;
  codes: string[];
  meanings: string[];
  delisting?: string;
  /** The audit's finding for the listing (detail, fix, evidence). */
  detail?: string;
  fix?: string;
  evidence?: string;
}

export interface CriticalState {
  code: string;
  check: string;
  title: string;
  detail: string;
  fix?: string;
  evidence?: string;
}

/**
 * What a watch remembers of its last check, for the rules to compare the next one with. A part
 * that the last check could not measure (a lookup that failed, a check left out) keeps what the
 * check before measured, so a resolver's bad minute raises nothing.
 */
export interface WatchState {
  /** The checks that have run at least once (a finding of a check never measured is not new). */
  ran: string[];
  score: number | null;
  grade: string | null;
  /** Published records by name ("SPF record", "MX hosts", ...): the one-line form the audit's diff uses. */
  records: Record<string, string | null>;
  /** DKIM selectors found, by name: their key in one line, and the record. */
  selectors: Record<string, { key: string; record?: string }>;
  /** Blocklist answers, by "target zone". */
  listings: Record<string, ListingState>;
  /** Certificates by what they are for ("mx:host", "mta-sts", "bimi"). */
  certs: Record<string, CertState>;
  /** Certificates (key and validTo) already inside the expiry window: each raises cert.expiring once. */
  expiring: string[];
  /** Critical findings by their key (code and subject). */
  criticals: Record<string, CriticalState>;
}

/** An alert before it is stored: what a rule found. */
export interface AlertDraft {
  rule: AlertRule;
  /** What the alert is about within its watch (the record, the list, the certificate, the finding). */
  subject: string;
  title: string;
  detail: string;
  before?: string;
  after?: string;
  evidence?: string;
  fix?: string;
}

export interface Alert extends AlertDraft {
  id: number;
  watchId: number;
  kind: WatchKind;
  /** The watch's domain or IP. */
  target: string;
  client: string | null;
  /** The audit the alert came from (a domain's check); null for an IP's check. */
  auditId: number | null;
  checkId: number;
  raisedAt: string;
  ackedAt: string | null;
  snoozedUntil: string | null;
  /** Not acknowledged, and not snoozed past now. */
  open: boolean;
}

/** The alert as `watch run --once --json` prints it. */
export interface AlertLine {
  id: number;
  rule: AlertRule;
  target: string;
  title: string;
  detail: string;
  before?: string;
  after?: string;
  fix?: string;
}

export interface PassResult {
  checked: number;
  alerts: Alert[];
  /** Checks that failed (the resolver did not answer, ...): the target and why. */
  errors: { target: string; error: string }[];
}

/** The rules' settings: which rules raise alerts, and their thresholds. */
export interface AlertRuleSettings {
  /** Rules turned off everywhere (a watch can also mute one for itself). */
  off: AlertRule[];
  /** score.drop: a fall of this many points or more. */
  scoreDrop: number;
  /** cert.expiring: a certificate expiring within this many days. */
  certDays: number;
}

export type WebhookFormat = 'json' | 'slack' | 'teams';

export interface WebhookSettings {
  /** Where alerts are posted; empty: no webhook. */
  url: string;
  format: WebhookFormat;
  /**
   * The environment variable that holds the signing secret (DELIVERLAB_…); when empty, the secret
   * store's, when one is saved there.
   */
  secretEnv: string;
}

export interface AlertEmailSettings {
  /** A saved SMTP profile's name; empty: no email. */
  profile: string;
  to: string[];
}

/** One delivery waiting in the outbox, or done. */
export interface Delivery {
  id: number;
  alertId: number | null;
  channel: 'webhook' | 'email';
  payload: AlertPayload;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

/** What a channel delivers: the alert and its watch, as the JSON webhook body carries it. */
export interface AlertPayload {
  id: number;
  rule: AlertRule;
  watch: { id: number; kind: WatchKind; target: string; client: string | null };
  target: string;
  title: string;
  detail: string;
  before?: string;
  after?: string;
  evidence?: string;
  fix?: string;
  auditId: number | null;
  raisedAt: string;
}

/** One line of recent activity across the kinds of history. */
export interface ActivityItem {
  kind: 'audit' | 'message' | 'send' | 'placement' | 'alert';
  id: number;
  at: string;
  /** The domain, the subject or the target, as the list shows it. */
  title: string;
  /** A grade and score, a DMARC result, a send's outcome, a run's status, an alert's rule. */
  summary: string;
  domain: string | null;
}
