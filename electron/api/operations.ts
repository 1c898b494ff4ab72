/**
 * The operations contract: every call the UI may make and every event it may receive.
 *
 * One table, read by every transport (IPC in main/preload, HTTP in serve) and by the typed client.
 * A new feature starts by adding its operation here.
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import { codePoint, domainRefusal, firstControl, parseDomainInput } from '../shared/domain-name';
import { parseResolverSpec } from '../core/dns/servers';
import { clientRefusal } from '../core/report/audit-report';
import { TREND_POINTS, type AuditChanges } from '../core/report/changes';
import { normalizeIp } from '../core/net/ip';
import { ALERT_RULES } from '../core/watch/types';
import { CHECK_TITLES, type ReportFormat } from '../core/report/model';
import { CLIENT_FAMILIES } from '../core/qa/families';
import { isSinceText, parseDay, SINCE_WORDS } from '../core/reports/range';
import { WARMUP_TEMPLATES, type StoredWarmupPlan, type WarmupPlan, type WarmupProgress, type WarmupTemplateInfo } from '../core/health/warmup-types';
import { HEALTH_FORMATS, RECIPIENT_PROVIDERS } from '../core/health/types';
import type { HealthImportResult } from '../core/health/import';
import type { HealthSummary } from '../core/health/summary';
import { parseRspamdUrl, parseSpamdAddress } from '../core/spam/config';
import type { EventName, OperationName } from './names';
import type {
  ActivityItem,
  Alert,
  AuditProgress,
  AuditResult,
  AuditSummary,
  CheckedEvent,
  Client,
  ClientSummary,
  ConnectionResult,
  CopyAnalysis,
  DkimKey,
  DraftChange,
  DraftFile,
  FixItem,
  ImportProgress,
  ImapImportResult,
  ImportResult,
  MessageAnalysis,
  MessageReadiness,
  DraftCheck,
  MessageSummaryRow,
  PlacementEvent,
  PlacementListItem,
  PlacementRun,
  QaResult,
  Readiness,
  ReportListItem,
  ReportSummary,
  QaSummary,
  Seed,
  SeedTestResult,
  SendResult,
  SendSummary,
  Settings,
  SmtpProfile,
  SourcesResult,
  SpfCheckOutput,
  SpamStatus,
  StoredRecord,
  TlsSummary,
  TrendSeries,
  Watch,
  WatchSummary,
} from './types';

/**
 * A HELO name or MAIL FROM address as an SMTP session would carry it: anything up to a bound, but
 * never a control character, which no SMTP command line can hold (RFC 5321 §4.1.2) and which would
 * end up in the Received-SPF header.
 */
const EnvelopeText = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const control = firstControl(value);
    if (control !== undefined) ctx.addIssue({ code: 'custom', message: `it contains a control character (${codePoint(control)}), which no SMTP envelope can carry` });
  })
  .trim();

/**
 * A domain to audit, as the app, the CLI and batch files type it: checked and normalised by one rule
 * (parseDomainInput in electron/shared/domain-name.ts, which the Batch page runs too), which refuses
 * IP literals, control characters and names too long to look up.
 */

/** The most audits one report covers: a portfolio of 500 domains is some 14 MiB of HTML. */
export const MAX_REPORT_AUDITS = 500;
export const DomainSchema = z
  .string()
  .max(1000, 'A domain name is at most 253 characters')
  .transform((value, ctx) => {
    const parsed = parseDomainInput(value);
    if (parsed.ok) return parsed.domain;
    ctx.addIssue({ code: 'custom', message: domainRefusal(parsed.reason) });
    return z.NEVER;
  });

/** `system` (or empty), `IP[:PORT]` servers separated by commas or spaces, a DoH URL, or `authoritative[@servers]`. */
export const ResolverSchema = z
  .string()
  .trim()
  .max(1000)
  .superRefine((value, ctx) => {
    try {
      parseResolverSpec(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** DKIM selector names: DNS labels, as a list or comma-separated text. */
const SelectorName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_]([a-z0-9_.-]{0,61}[a-z0-9_])?$/, 'A DKIM selector is a DNS label like "s1" or "google"');

/** The consultant's branding; the logo a base64 data URI (PNG, JPEG, or SVG sanitised again in core). */
const BrandSchema = z
  .object({
    title: z.string().max(200).optional(),
    name: z.string().max(200).optional(),
    logo: z.string().max(1_400_000).optional(),
    accent: z.string().max(7).optional(),
    footer: z.string().max(1000).optional(),
  })
  .strict();

/** spamd's address: HOST or HOST:PORT, checked by core's own rule. */
export const SpamdAddressSchema = z
  .string()
  .trim()
  .min(1, 'Enter spamd\'s address, like 127.0.0.1:783')
  .max(300)
  .superRefine((value, ctx) => {
    try {
      parseSpamdAddress(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** rspamd's URL, checked by core's own rule. */
export const RspamdUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter rspamd\'s address, like http://127.0.0.1:11333')
  .max(2000)
  .superRefine((value, ctx) => {
    try {
      parseRspamdUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** Which filters to ask for this call instead of the settings: an empty text leaves a filter out. */
const SpamFilterFields = {
  spamd: SpamdAddressSchema.or(z.literal('')).optional(),
  rspamd: RspamdUrlSchema.or(z.literal('')).optional(),
  /** Deadline on each filter's answer (ms); 30 s when absent. */
  spamTimeoutMs: z.number().int().min(100).max(300_000).optional(),
};

export const SettingsSchema = z.object({
  resolver: ResolverSchema,
  dnsTimeoutMs: z.number().int().min(200).max(30_000),
  /** Selectors every audit tries besides the built-in list, comma-separated. */
  dkimSelectors: z
    .string()
    .max(2000)
    .refine((v) => v.split(',').map((x) => x.trim()).filter(Boolean).every((x) => SelectorName.safeParse(x).success), {
      message: 'List DKIM selectors separated by commas, like "s1, google"',
    }),
  /** Spamhaus Data Query Service key: blocklist queries go to <key>.zen.dq.spamhaus.net. */
  spamhausDqsKey: z.string().trim().regex(/^[a-z0-9]{0,64}$/i, 'A DQS key is letters and digits'),
  /** Keep a compressed copy of every analysed message in history (message.check's storeRaw default). */
  storeRawMessages: z.boolean(),
  /** The branding of every exported report (checked again in core: lengths, colour, logo). */
  reportBrand: BrandSchema,
  /** The mail client families design QA checks compatibility for; all of them when empty. */
  clients: z
    .array(z.enum(CLIENT_FAMILIES))
    .max(CLIENT_FAMILIES.length)
    .refine((names) => new Set(names).size === names.length, 'A client family is listed twice'),
  /** Alert rules turned off everywhere, and the thresholds (a change given in part keeps the rest). */
  alertRules: z
    .object({
      off: z.array(z.enum(ALERT_RULES)).max(ALERT_RULES.length),
      scoreDrop: z.number().int().min(1, 'A score drop of at least 1 point').max(100),
      certDays: z.number().int().min(1, 'At least 1 day').max(365, 'At most 365 days'),
    })
    .strict()
    .partial(),
  /** The alert webhook: its address and body format, and where its signing secret is read (a variable's name). */
  alertWebhook: z
    .object({
      url: z
        .string()
        .trim()
        .max(2000)
        .refine((v) => v === '' || /^https?:\/\/[^\s]+$/i.test(v), 'A webhook address starts with https:// (or http://)'),
      format: z.enum(['json', 'slack', 'teams']),
      secretEnv: z
        .string()
        .trim()
        .regex(/^(DELIVERLAB_[A-Z0-9_]{1,100})?$/, 'The variable\'s name starts with DELIVERLAB_, like DELIVERLAB_WEBHOOK_SECRET'),
    })
    .strict()
    .partial(),
  /** Alerts by email: a saved SMTP profile and the addresses (an empty profile turns email off). */
  alertEmail: z
    .object({
      profile: z.string().trim().max(100),
      to: z.array(z.string().trim().max(320).regex(/^[^@\s<>]+@[^@\s<>]+$/, 'An address looks like name@example.com')).max(20),
    })
    .strict()
    .partial(),
  /** DNS queries a second the watch scheduler sends one resolver, at most. */
  watchDnsRate: z.number().int().min(1).max(10_000),
  /** The desktop app keeps running with its window closed, checking watches (a tray icon opens it again or quits). */
  keepWatchingInBackground: z.boolean(),
  /** SpamAssassin's spamd as HOST:PORT (783 when no port is given); empty: not used. */
  spamd: SpamdAddressSchema.or(z.literal('')),
  /** rspamd's URL, like http://127.0.0.1:11333; empty: not used. */
  rspamd: RspamdUrlSchema.or(z.literal('')),
});

const IpSchema = z.string().trim().refine((v) => isIP(v) !== 0, { message: 'Not an IPv4 or IPv6 address' });

const HistoryIdSchema = z.object({ id: z.number().int().positive() }).strict();

/**
 * An audit result handed back to be reported on (from a report's embedded JSON, say): the fields
 * every report reads are checked; the rest passes as stored.
 */
const AuditResultInput = z
  .object({
    domain: z.string().max(253),
    startedAt: z.string().max(64),
    score: z.number(),
    grade: z.string().max(8),
    resolver: z.string().max(2000),
    checks: z.object({}).passthrough(),
    findings: z.array(z.object({ code: z.string(), severity: z.enum(['critical', 'warning', 'info']), check: z.string(), title: z.string(), detail: z.string() }).passthrough()).max(10_000),
    dns: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).max(100_000),
  })
  .passthrough();

const CheckIdInput = z.enum(Object.keys(CHECK_TITLES) as [keyof typeof CHECK_TITLES, ...(keyof typeof CHECK_TITLES)[]]);
const CheckStatusInput = z.enum(['pass', 'warn', 'fail', 'info', 'error', 'skipped']);
const ChangedFindingInput = z.object({ code: z.string().max(100), severity: z.enum(['critical', 'warning', 'info']), check: z.string().max(100), title: z.string().max(10_000) }).strict();
const RecordLines = z.array(z.string().max(100_000)).max(1000);

/**
 * What changed between two audits (core/report/changes.ts), as a report embeds it and hands it back
 * to be rendered again (deliverlab report --from).
 */
const AuditChangesInput = z
  .object({
    previousAt: z.string().max(64),
    grade: z.object({ before: z.string().max(8), after: z.string().max(8) }).strict(),
    score: z.object({ before: z.number(), after: z.number() }).strict(),
    checks: z.array(z.object({ check: CheckIdInput, title: z.string().max(100), before: CheckStatusInput, after: CheckStatusInput }).strict()).max(50),
    added: z.array(ChangedFindingInput).max(10_000),
    resolved: z.array(ChangedFindingInput).max(10_000),
    records: z.array(z.object({ check: CheckIdInput, title: z.string().max(100), removed: RecordLines, added: RecordLines }).strict()).max(50),
  })
  .strict();

/**
 * A finding handed back to be ranked: every field of a Finding, checked. A field a newer version adds
 * is dropped, not refused, and a code this version does not know ranks as hygiene.
 */
const FindingInput = z
  .object({
    code: z.string().max(100),
    severity: z.enum(['critical', 'warning', 'info']),
    check: z.string().max(100),
    title: z.string().max(10_000),
    detail: z.string().max(100_000),
    fix: z.string().max(100_000).optional(),
    evidence: z.string().max(100_000).optional(),
    refs: z.array(z.string().max(2000)).max(100).optional(),
    reason: z.string().max(100).optional(),
  });

const HealthCount = z.number().int().min(0);
const HealthRate = z.number().min(0).max(1).nullable();
/** Counts and rates as a report's sending health section carries them (core/report/health-section.ts). */
const HealthTotalsInput = z
  .object({
    sent: HealthCount,
    delivered: HealthCount,
    hardBounced: HealthCount,
    softBounced: HealthCount,
    unknownUsers: HealthCount,
    complaints: HealthCount,
    opens: HealthCount,
    clicks: HealthCount,
    unsubscribes: HealthCount,
    rates: z
      .object({ delivery: HealthRate, bounce: HealthRate, hardBounce: HealthRate, softBounce: HealthRate, unknownUsers: HealthRate, complaint: HealthRate, unsubscribe: HealthRate, open: z.number().min(0).nullable(), click: z.number().min(0).nullable() })
      .strict(),
  })
  .strict();

/** A report's sending health section, handed back with the report it was embedded in. */
const HealthSectionInput = z
  .object({
    since: z.string().max(10).refine((v) => parseDay(v) !== null, 'Give a date (2024-05-31)'),
    until: z.string().max(10).refine((v) => parseDay(v) !== null, 'Give a date (2024-05-31)'),
    totals: HealthTotalsInput,
    providers: z.array(HealthTotalsInput.extend({ provider: z.enum(RECIPIENT_PROVIDERS) })).max(RECIPIENT_PROVIDERS.length),
    ips: z.array(HealthTotalsInput.extend({ ip: z.string().max(100) })).max(10_000),
    thresholds: z.object({ complaintTarget: z.number(), complaintLimit: z.number(), bounceWarning: z.number(), bounceLimit: z.number() }).strict(),
    findings: z.array(FindingInput).max(1000),
    limitExceeded: z.boolean(),
    opensUnreliable: z.boolean(),
  })
  .strict();

const DmarcCount = z.number().int().min(0);
const DmarcClass = z.enum(['compliant', 'forwarded', 'misconfigured', 'unknown']);
/** A report's DMARC reports section, handed back with the report it was embedded in (core/report/dmarc-section.ts). */
const DmarcSectionInput = z
  .object({
    since: z.string().max(10).refine((v) => parseDay(v) !== null, 'Give a date (2024-05-31)'),
    until: z.string().max(10).refine((v) => parseDay(v) !== null, 'Give a date (2024-05-31)'),
    dmarc: z
      .object({ reports: DmarcCount, messages: DmarcCount, dmarcPass: DmarcCount, spfAlignedPass: DmarcCount, dkimAlignedPass: DmarcCount, disposition: z.object({ none: DmarcCount, quarantine: DmarcCount, reject: DmarcCount }).strict() })
      .strict()
      .nullable(),
    sources: z
      .array(
        z
          .object({ organization: z.string().max(1000), class: DmarcClass, addresses: DmarcCount, messages: DmarcCount, dmarcPass: DmarcCount, spfAlignedPass: DmarcCount, dkimAlignedPass: DmarcCount, fix: z.string().max(10_000).optional() })
          .strict(),
      )
      .max(100),
    moreSources: DmarcCount,
    unnamedAddresses: DmarcCount,
    readiness: z
      .object({
        verdict: z.enum(['ready', 'not-ready', 'cannot-judge']),
        why: z.string().max(10_000),
        legitimateMessages: DmarcCount,
        legitimatePass: DmarcCount,
        unknownMessages: DmarcCount,
        hurt: z.array(z.object({ organization: z.string().max(1000), class: DmarcClass, failing: DmarcCount, fix: z.string().max(10_000).optional() }).strict()).max(100),
        published: z.string().max(10_000).nullable(),
        next: z.object({ policy: z.enum(['quarantine', 'reject']), pct: z.number().int().min(0).max(100), testing: z.boolean(), record: z.string().max(10_000).nullable() }).strict().nullable(),
      })
      .strict()
      .nullable(),
    tls: z
      .object({
        reports: DmarcCount,
        successes: DmarcCount,
        failures: DmarcCount,
        policies: z.array(z.object({ type: z.string().max(200), successes: DmarcCount, failures: DmarcCount }).strict()).max(100),
        failureTypes: z.array(z.object({ type: z.string().max(200), sessions: DmarcCount }).strict()).max(1000),
      })
      .strict()
      .nullable(),
  })
  .strict();

/** An audit as a report embeds it: the result, with the trend and the changes it was reported with. */
const ReportedAuditInput = z
  .object({
    result: AuditResultInput,
    trend: z.array(z.object({ startedAt: z.string().max(64), grade: z.string().max(8), score: z.number() }).strict()).min(1).max(TREND_POINTS).optional(),
    compared: z.object({ against: z.enum(['history', 'report']), changes: AuditChangesInput.nullable() }).strict().optional(),
    health: HealthSectionInput.optional(),
    dmarcReports: DmarcSectionInput.optional(),
  })
  .strict();


/** One item of "Fix these first", worded as the reports word it. */
export interface PriorityItem extends FixItem {
  /** What it breaks, in the reports' words ("mail is rejected or lost"). */
  impactLabel: string;
  /** The titles of the findings it resolves, joined as the reports join them. */
  title: string;
}

/** What a report can be exported as: the renderers' formats, and the HTML printed to PDF. */
export const EXPORT_FORMATS = ['html', 'pdf', 'md', 'csv', 'json'] as const;
export type ExportFormat = ReportFormat | 'pdf';

export interface ReportOutput {
  format: ExportFormat;
  /** The report itself: HTML, Markdown, CSV (RFC 4180, CRLF) or JSON; a PDF's bytes in base64. */
  text: string;
  /** base64: `text` holds bytes (a PDF), not text. */
  encoding?: 'base64';
  /** The domains it covers, in order: a message's From domain; none for a placement run. */
  domains: string[];
  /** What was reported on; absent means audits. */
  kind?: 'audit' | 'message' | 'placement';
  /** A file name for the report without its extension, e.g. "deliverlab-message-3". */
  name?: string;
}

/** `saved` false: the user closed the save dialog. The path is the one the user chose there. */
export interface ReportSaved {
  saved: boolean;
  path?: string;
}

/** A page of a history list, optionally for one domain. */
/** A client's name, as the user typed it (matched whatever its case). */
const ClientName = z
  .string()
  .trim()
  .min(1, 'Name the client')
  .max(100, 'A client name is at most 100 characters')
  .refine((v) => firstControl(v) === undefined, 'A client name may not contain control characters');

const ListQuerySchema = z
  .object({
    domain: z.string().max(253).optional(),
    /** Only the items of this client's domains (and the domains below them). */
    client: ClientName.optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .strict()
  .default({ limit: 100, offset: 0 });

export interface AppInfo {
  name: string;
  version: string;
  node: string;
  platform: string;
  /** Where the history database lives, or `:memory:`. */
  dataPath: string;
  transport: 'ipc' | 'http' | 'cli';
}

export interface MessageList {
  items: MessageSummaryRow[];
  total: number;
}

/**
 * The longest message text accepted: a 50 MB message in base64 (4/3 of it, plus line breaks).
 *
 * The analysis itself refuses anything over 50 MB once decoded, with a clear message; this bound
 * only keeps a runaway string out of the decoder.
 */
export const MAX_MESSAGE_TEXT = 72 * 1024 * 1024;

/** Where a stored profile's or seed's secret comes from: the secret store, an environment variable, none needed, or nowhere yet. */
export type SecretSource = 'stored' | 'env' | 'none' | 'missing';

export interface StoredProfile {
  profile: SmtpProfile;
  secret: SecretSource;
  warnings: string[];
}

export interface StoredSeed {
  seed: Seed;
  secret: SecretSource;
  warnings: string[];
}

export interface SecretStoreStatus {
  available: boolean;
  backend?: string;
  /** Why secrets cannot be stored here, and what to do instead. */
  reason?: string;
}

export interface SendRecord extends SendResult {
  id: number | null;
  subject: string;
  historyError?: string;
  /** The design QA the HTML was sent with (the Design QA page's last run of it). */
  qa?: QaSummary;
}

/** The list rows and trend series are history's own shapes (electron/core/history/types.ts). */
export type { SendSummary };
export type PlacementSummaryRow = PlacementListItem;
export type PlacementTrendSeries = TrendSeries;

export interface HistoryList {
  items: AuditSummary[];
  total: number;
}

/** The first day of a report view: a number of days back (30d) or a date; the last 30 days when absent. */
const SinceSchema = z
  .string()
  .trim()
  .max(20)
  .refine(isSinceText, `Give ${SINCE_WORDS}`);

/** A domain over a range of whole UTC days, as every report view takes it. */
const ReportRangeFields = {
  domain: DomainSchema,
  since: SinceSchema.optional(),
  /** The last day included (YYYY-MM-DD); today when absent. */
  until: z
    .string()
    .trim()
    .max(20)
    .refine((v) => parseDay(v) !== null, 'Give a date (2024-05-31)')
    .optional(),
};

export const SOURCE_CLASSES = ['compliant', 'forwarded', 'misconfigured', 'unknown'] as const;

/** The most files one reports.import takes as contents (an upload), and the largest. */
export const MAX_UPLOADED_REPORTS = 1000;

export interface ReportList {
  items: ReportListItem[];
  total: number;
}

/** The most DMARC records one CSV export holds. */
export const MAX_EXPORTED_RECORDS = 200_000;

/** A CSV export of a domain's sources or records: a file name (without .csv) and its text. */
export interface ReportsCsv {
  name: string;
  text: string;
  /** Lines of data (sources or records), the header line aside. */
  rows: number;
  /** More records than MAX_EXPORTED_RECORDS: the newest reports' records are in the file. */
  truncated: boolean;
}

/** What a CSV export is of: the sources (optionally of one class) or the records, of a domain over a range. */
const ReportsExportInput = z
  .object({
    ...ReportRangeFields,
    what: z.enum(['sources', 'records']),
    class: z.enum(SOURCE_CLASSES).optional(),
    resolver: ResolverSchema.optional(),
  })
  .strict();

export interface RecordList {
  items: StoredRecord[];
  total: number;
}

// Sending health (issue 18)

/** An import's run id: chosen by the caller, it names the import's progress events and what a cancel stops. */
const ImportRunId = z.string().trim().min(1, 'Give the run id of the import').max(100);

/** reports.cancel and health.cancel: the run to stop, among the caller's own. */
const ImportCancelInput = z.object({ runId: ImportRunId }).strict();

/** What a cancel did: true when a call of that run was under way and was told to stop. */
export interface ImportCancelled {
  cancelled: boolean;
}

/** The most export files one health.import takes as contents (an upload or a drop). */
export const MAX_UPLOADED_EXPORTS = 100;

export interface HealthDomainList {
  /** Sending domains with health data, most mail first; '' for mail whose export names no domain. */
  domains: { domain: string; sent: number; first: string; last: string }[];
}

/** A sending IP (or pool) found in the imported data, and whether it is watched already. */
export interface HealthIp {
  ip: string;
  sent: number;
  /** An address that can be watched (blocklists, PTR); a pool's name cannot. */
  address: boolean;
  watched: boolean;
}

/** Declares an operation: its input schema, and (as a type only) its result. */
function op<Result>() {
  return <Input extends z.ZodType>(def: { input: Input; summary: string }) =>
    def as { input: Input; summary: string; readonly __result?: Result };
}

/** A secret typed by the user: stored in the OS secret store, never returned. */
const SecretInput = z.string().min(1, 'Enter the password or token').max(8192);
const ProfileName = z.string().trim().min(1, 'Choose a profile').max(100);
const SeedName = z.string().trim().min(1).max(100);
/** An IMAP folder's path as the server names it (INBOX, DMARC, Reports/DMARC): no control characters. */
const MailboxFolder = z
  .string()
  .trim()
  .min(1, 'Enter the folder')
  .max(1000)
  .refine((v) => firstControl(v) === undefined, 'A folder name has no control characters');
const Address = z.string().trim().max(320).regex(/^[^@\s<>]+@[^@\s<>]+$/, 'An address looks like name@example.com');
const HeaderName = z.string().regex(/^[\x21-\x39\x3b-\x7e]{1,76}$/, 'A header name is printable ASCII without a colon');
const HeaderValue = z.string().max(2000).refine((v) => !/[\r\n]/.test(v), 'A header value may not contain line breaks');
/** A page of sends or placement runs, optionally of the profiles sending as a domain, or as a client's domains. */
const SentListSchema = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
    /** Sent through a profile whose From (or envelope) address is in this domain or below it. */
    domain: z.string().max(253).optional(),
    client: ClientName.optional(),
  })
  .strict()
  .default({ limit: 100, offset: 0 });

/** A finding code as the codes list writes them (`compat.unsupported`, `a11y.img-no-alt`). */
const FindingCodeText = z.string().max(100).regex(/^[a-z0-9]+(?:\.[a-z0-9-]+)+$/, 'A finding code looks like a11y.img-no-alt');
const FindingCount = z.number().int().min(0).max(1_000_000);

/** The design QA summary a send keeps (QaSummary): counts by severity and the codes. */
const QaSummarySchema = z
  .object({
    file: z.string().max(1000).nullable(),
    checkedAt: z.iso.datetime({ offset: true }),
    counts: z.object({ critical: FindingCount, warning: FindingCount, info: FindingCount }).strict(),
    codes: z.array(FindingCodeText).max(200),
  })
  .strict();

/**
 * A draft's path on this machine, as the app opens and watches it (qa.watch): whole, ending in one
 * of the draft extensions; what it names is checked in core (a regular file, links followed).
 */
const DraftPathSchema = z
  .string()
  .trim()
  .min(1, 'Enter the path of an .html, .mjml or .eml file')
  .max(4096, 'A path is at most 4,096 characters')
  .superRefine((value, ctx) => {
    const control = firstControl(value);
    if (control !== undefined) ctx.addIssue({ code: 'custom', message: `The path contains a control character (${codePoint(control)})` });
    else if (!isAbsolute(value)) ctx.addIssue({ code: 'custom', message: 'Give the whole path of the file, from the root of the disk (such as /home/me/mail/news.html)' });
    else if (!/\.(html?|mjml|eml)$/i.test(value)) ctx.addIssue({ code: 'custom', message: 'Deliverlab opens .html, .htm, .mjml and .eml files' });
  });

/** A watched target: a domain (by the audit's rule) or an IPv4 or IPv6 address. */
export const WatchTargetSchema = z
  .string()
  .max(1000)
  .transform((value, ctx) => {
    const ip = isIP(value.trim()) ? normalizeIp(value.trim()) : null;
    if (ip) return { kind: 'ip' as const, target: ip };
    const parsed = parseDomainInput(value);
    if (parsed.ok) return { kind: 'domain' as const, target: parsed.domain };
    ctx.addIssue({ code: 'custom', message: `Not a domain or an IP address: ${domainRefusal(parsed.reason)}` });
    return z.NEVER;
  });

const Skip = z.array(z.enum(['smtp', 'http', 'dnsbl'])).max(3);
const AlertRuleName = z.enum(ALERT_RULES);

export interface WatchList {
  items: WatchSummary[];
}

export interface AlertList {
  items: Alert[];
  total: number;
}

/** One pass of checks: how many watches were checked, the alerts they raised, the checks that failed. */
export interface WatchPass {
  checked: number;
  alerts: Alert[];
  errors: { target: string; error: string }[];
}

/** What to send: shared by send.run and placement.run. */
const ComposeFields = {
  /** A stored SMTP profile's name. */
  profile: ProfileName,
  subject: z.string().trim().min(1, 'Enter a subject').max(998).refine((v) => !/[\r\n]/.test(v), 'The subject may not contain line breaks'),
  html: z.string().min(1, 'Paste or open the HTML to send').max(20 * 1024 * 1024, 'The HTML is larger than 20 MB'),
  /** The plain-text part; generated from the HTML when absent. */
  text: z.string().max(20 * 1024 * 1024).optional(),
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post. */
  headers: z.record(HeaderName, HeaderValue).optional(),
  /** Sign with the key stored for this domain and selector (dkim.save-key). */
  dkim: z.object({ domain: DomainSchema, selector: SelectorName }).strict().optional(),
  /** The last design QA of this HTML (the Design QA page's), kept with the send in history. */
  qa: QaSummarySchema.optional(),
};

/**
 * A warm-up plan's numbers as the planner's fields give them: checked in core (warmup-plan.ts), which
 * says what is wrong with each in words; here only bounded.
 */
const WarmupShare = z.number().min(0).max(1_000_000_000);
const WarmupPlanFields = {
  /** The daily volume the warm-up ends at. */
  daily: z.number().max(1e12),
  /** Day 1's volume. */
  start: z.number().max(1e12),
  template: z.enum(WARMUP_TEMPLATES).default('standard'),
  /** Day 1 (YYYY-MM-DD); today (UTC) when absent. */
  startDate: z.string().trim().max(40).optional(),
  /** The list's shares by provider, in any unit; the template file's default mix when absent. */
  mix: z.object({ gmail: WarmupShare, microsoft: WarmupShare, yahoo: WarmupShare, apple: WarmupShare, other: WarmupShare }).partial().strict().optional(),
};
const WarmupPlanName = z
  .string()
  .trim()
  .min(1, 'Name the plan')
  .max(100, 'A plan name is at most 100 characters')
  .refine((v) => firstControl(v) === undefined, 'A plan name may not contain control characters');

/** A plan computed, not stored; with its CSV or calendar when a format was asked for. */
export interface WarmupPlanResult {
  plan: WarmupPlan;
  template: WarmupTemplateInfo;
  file?: { name: string; format: 'csv' | 'ics'; text: string };
}

/** A stored plan with its schedule's outline: the day it reaches the target and its last day. */
export interface WarmupPlanItem extends StoredWarmupPlan {
  targetDay: number;
  days: number;
  endDate: string;
}

/** A stored plan against the sending data; `progress` null with the reason in `noData` when there is none. */
export interface WarmupProgressResult {
  item: WarmupPlanItem;
  plan: WarmupPlan;
  progress: WarmupProgress | null;
  noData?: 'no sending data imported yet';
}

export const operations = {
  'audit.run': op<AuditResult>()({
    summary: 'Audit a domain (MX, SPF, DMARC) and store the result in history; emits audit.progress.',
    input: z
      .object({
        domain: DomainSchema,
        /** Overrides the resolver setting for this run. */
        resolver: ResolverSchema.optional(),
        /** Chosen by the caller so that it can match audit.progress events to this run. */
        runId: z.string().max(100).optional(),
        /** Parts to leave out: smtp (the MX probe), http (MTA-STS and BIMI fetches), dnsbl (blocklists). */
        skip: z.array(z.enum(['smtp', 'http', 'dnsbl'])).max(3).optional(),
        /** DKIM selectors to try besides the built-in list and the setting. */
        selectors: z.array(SelectorName).max(50).optional(),
        /** The IPs this domain sends from, for reverse DNS and blocklists. */
        sendingIps: z.array(IpSchema).max(50).optional(),
        /** For labs: where the SMTP probe and HTTPS fetches connect, and extra trusted CAs (PEM). */
        network: z
          .object({
            smtpPort: z.number().int().min(1).max(65535).optional(),
            httpsPort: z.number().int().min(1).max(65535).optional(),
            ca: z.array(z.string().max(100_000)).max(10).optional(),
            timeoutMs: z.number().int().min(100).max(60_000).optional(),
          })
          .strict()
          .optional(),
      })
      .strict(),
  }),
  'audit.spf-check': op<SpfCheckOutput>()({
    summary: 'SPF check_host() for one connecting IP, as a receiver would evaluate it (RFC 7208 §4).',
    input: z
      .object({
        /** The domain typed by the user: where a bare local part or the default postmaster@ goes. */
        domain: DomainSchema.optional(),
        ip: IpSchema,
        /**
         * The HELO name. Without mailFrom, the HELO identity itself is checked (RFC 7208 §2.3).
         * As it comes from the SMTP session, a malformed one is not refused: it gives none (§4.3).
         */
        helo: EnvelopeText.optional(),
        /**
         * MAIL FROM: a full address, in any domain (that domain's policy is checked; a malformed one
         * gives none, §4.3), a local part to put before @domain, or "" / "<>" for a null reverse-path
         * (the HELO identity, §2.4). postmaster@domain when absent.
         */
        mailFrom: EnvelopeText.optional(),
        resolver: ResolverSchema.optional(),
      })
      .strict()
      .refine((v) => v.domain !== undefined || v.helo !== undefined || (v.mailFrom?.includes('@') ?? false), {
        message: 'Name one domain, or give a full MAIL FROM address or a HELO name',
        path: ['domain'],
      }),
  }),
  'audit.priorities': op<{ items: PriorityItem[] }>()({
    summary: 'An audit\'s findings as "Fix these first": ranked by impact and grouped by fix, as every report lists them (a stored audit by id, or findings as given).',
    input: z.union([HistoryIdSchema, z.object({ findings: z.array(FindingInput).max(10_000) }).strict()]),
  }),
  'dkim.generate': op<DkimKey>()({
    summary: 'A new DKIM key pair: the private key (PEM) and the TXT record to publish, split into 255-byte strings.',
    input: z
      .object({
        domain: DomainSchema,
        selector: SelectorName,
        type: z.enum(['rsa', 'ed25519']).default('rsa'),
        bits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
      })
      .strict(),
  }),
  'history.list': op<HistoryList>()({
    summary: 'Past audits, newest first; of one domain, of one client\'s domains, or of the domains whose name contains the search text.',
    input: z
      .object({
        domain: z.string().max(253).optional(),
        client: ClientName.optional(),
        /** Only the audits of domains whose name contains this text. */
        search: z.string().trim().max(253).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ limit: 100, offset: 0 }),
  }),
  'history.compare': op<AuditChanges>()({
    summary: 'What changed between two stored audits: a the earlier, b the later (check results, findings new and resolved, published records, score).',
    input: z.object({ a: z.number().int().positive(), b: z.number().int().positive() }).strict(),
  }),
  'history.recent': op<{ items: ActivityItem[] }>()({
    summary: 'Recent activity across the kinds of history (audits, message analyses, test sends, placement runs, alerts), newest first.',
    input: z
      .object({ limit: z.number().int().min(1).max(200).default(20), client: ClientName.optional() })
      .strict()
      .default({ limit: 20 }),
  }),
  'history.get': op<AuditResult>()({
    summary: 'One stored audit, whole.',
    input: HistoryIdSchema,
  }),
  'history.delete': op<{ deleted: boolean }>()({
    summary: 'Delete one stored audit.',
    input: HistoryIdSchema,
  }),
  'report.render': op<ReportOutput>()({
    summary:
      'A report of one or several audits (stored ones by id, or results as given), one section per audit with its score trend and what changed since the previous audit, or of one stored message analysis or placement run, as html, md, csv or json.',
    input: z
      .object({
        /** Stored audits by id, results as given, or audits as a report embeds them (with their trend and changes). */
        audits: z.array(z.union([z.number().int().positive(), ReportedAuditInput, AuditResultInput])).min(1).max(MAX_REPORT_AUDITS).optional(),
        /** Who the audit report is for: the cover's Client row. */
        client: z
          .string()
          .max(1000)
          .superRefine((value, ctx) => {
            const refusal = clientRefusal(value);
            if (refusal) ctx.addIssue({ code: 'custom', message: refusal });
          })
          .trim()
          .optional(),
        /**
         * The score trend and "What changed" from history (the domain's stored audits up to each one):
         * true when absent. An audit given with its own trend or changes keeps them.
         */
        history: z.boolean().optional(),
        /** Each audit's "What changed" against the audit of its domain here (another report's) instead of the previous stored one. */
        compare: z.array(AuditResultInput).min(1).max(MAX_REPORT_AUDITS).optional(),
        /** A stored message analysis, by id. */
        message: z.number().int().positive().optional(),
        /** A stored placement run, by id. */
        placement: z.number().int().positive().optional(),
        /** A client, by id: the latest stored audit of each of its domains, its name on the cover unless `client` says otherwise. */
        clientId: z.number().int().positive().optional(),
        /** pdf needs a printer: the app's own, or in serve a Chrome, Chromium or Edge on the machine. */
        format: z.enum(EXPORT_FORMATS),
        /** The consultant's branding; the one saved in Settings when absent. */
        brand: BrandSchema.optional(),
      })
      .strict()
      .refine((v) => [v.audits, v.message, v.placement, v.clientId].filter((x) => x !== undefined).length === 1, { message: 'Name one of audits, message, placement or clientId.', path: ['audits'] })
      .refine((v) => v.audits !== undefined || v.clientId !== undefined || (v.client === undefined && v.history === undefined && v.compare === undefined), {
        message: 'client, history and compare belong to a report of audits.',
        path: ['audits'],
      }),
  }),
  'report.save': op<ReportSaved>()({
    summary: 'The desktop app only: the report of one stored audit, several (a portfolio), a message analysis or placement run, saved where the user picks in a save dialog.',
    input: z
      .object({
        /** portfolio: several stored audits (a batch) in one report, named by `ids`. */
        kind: z.enum(['audit', 'message', 'placement', 'portfolio']),
        id: z.number().int().positive().optional(),
        ids: z.array(z.number().int().positive()).min(1).max(MAX_REPORT_AUDITS).optional(),
        format: z.enum(EXPORT_FORMATS).default('html'),
      })
      .strict()
      .refine((v) => (v.kind === 'portfolio' ? v.ids !== undefined && v.id === undefined : v.id !== undefined && v.ids === undefined), {
        message: 'Name the audits of a portfolio by ids, and any other item by id.',
        path: ['id'],
      }),
  }),
  'message.check': op<MessageAnalysis>()({
    summary: 'Analyse one received message (authentication, hops, headers, content, provider rules) and store it in history.',
    input: z
      .object({
        /** The message as received (RFC 5322), or only its header block. */
        raw: z.string().min(1, 'The message is empty').max(MAX_MESSAGE_TEXT, 'The message is larger than 50 MB'),
        /** base64 carries any bytes (the UI sends files so); utf8 is for pasted text. */
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
        /** The connecting IP as the receiver saw it; read from the receiving hop's Received header when absent. */
        ip: IpSchema.optional(),
        helo: z.string().trim().min(1).max(253).optional(),
        /** The envelope sender (MAIL FROM); read from Return-Path when absent. */
        mailFrom: z.string().trim().max(320).optional(),
        resolver: ResolverSchema.optional(),
        /** Keep a compressed copy of the message in history; the storeRawMessages setting when absent. */
        storeRaw: z.boolean().optional(),
        /** Look link domains up on domain blocklists (DNS queries only; no link is ever requested). */
        checkLinkDomains: z.boolean().default(true),
        /** Add the readiness summary (score out of 10, explained), which also looks the sending IP up on blocklists. */
        readiness: z.boolean().default(false),
        /** Score the message with the spam filters (the settings' spamd and rspamd, unless given here): the result's spam. */
        spam: z.boolean().default(false),
        ...SpamFilterFields,
      })
      .strict(),
  }),
  'message.list': op<MessageList>()({
    summary: 'Past message analyses, newest first.',
    /** `domain` is the From domain. */
    input: ListQuerySchema,
  }),
  'message.get': op<MessageAnalysis>()({
    summary: 'One stored message analysis, whole.',
    input: HistoryIdSchema,
  }),
  'message.raw': op<{ raw: string }>()({
    summary: 'The stored copy of an analysed message, base64; not-found when it was not kept.',
    input: HistoryIdSchema,
  }),
  'message.delete': op<{ deleted: boolean }>()({
    summary: 'Delete one stored message analysis and its raw copy.',
    input: HistoryIdSchema,
  }),
  'qa.run': op<QaResult>()({
    summary:
      'Design QA of a draft (.html, .mjml or .eml): client compatibility, accessibility, size as sent with the Gmail clipping point and the content findings, each with its line, and the plain-text part as sent. Links and images are requested only with links: true.',
    input: z
      .object({
        /** The draft: the HTML, the MJML template or the message (RFC 5322). */
        source: z.string().min(1, 'Open or paste the HTML, MJML or message to check').max(MAX_MESSAGE_TEXT, 'The draft is larger than 50 MB'),
        /** base64 carries any bytes (files); utf8 is for pasted text. */
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
        /** What the draft is; from the name's extension, else from its first bytes, when absent. */
        kind: z.enum(['html', 'mjml', 'eml']).optional(),
        /** The file name, as given: returned as the result's file (shown as text, never obeyed), its extension telling the kind. */
        name: z.string().max(1000).optional(),
        /** The client families to check; the clients setting when absent (all families when that is empty). */
        clients: z
          .array(z.enum(CLIENT_FAMILIES))
          .min(1, 'Pick at least one mail client family')
          .max(CLIENT_FAMILIES.length)
          .optional(),
        /** Request each link and image (HEAD, GET fallback); tracking links may record a click. Unsubscribe links are never requested. */
        links: z.boolean().default(false),
        /** Let the link check request private, loopback and link-local addresses (test labs). */
        allowPrivate: z.boolean().default(false),
        /** Return the HTML with its CSS inlined (juice) as inlinedHtml. */
        inlineCss: z.boolean().default(false),
      })
      .strict(),
  }),
  'qa.open': op<{ file: DraftFile | null }>()({
    summary: 'The desktop app only: the open dialog for a draft (.html, .mjml or .eml); the file chosen is read and watched as qa.watch does. file is null when the dialog was closed.',
    input: z.object({}).strict().default({}),
  }),
  'qa.watch': op<DraftFile>()({
    summary:
      'Reads a draft by its path on this machine and watches it: each save sends qa.changed with its new bytes. A regular .html, .htm, .mjml or .eml file of at most 20 MB; at most 4 files are watched at once. Stops with qa.unwatch, or when the window reloads or the event stream closes.',
    input: z.object({ path: DraftPathSchema }).strict(),
  }),
  'qa.unwatch': op<{ stopped: boolean }>()({
    summary: 'Stops watching a draft opened with qa.watch or qa.open.',
    input: z.object({ path: DraftPathSchema }).strict(),
  }),
  'qa.save-inlined': op<ReportSaved>()({
    summary: 'The desktop app only: the HTML with its CSS inlined (juice), saved as a new file where the user picks in a save dialog, never over the draft itself.',
    input: z
      .object({
        html: z.string().min(1, 'Open or paste the HTML first').max(20 * 1024 * 1024, 'The HTML is larger than 20 MB'),
        /** The draft's file name, for the name the dialog offers. */
        name: z.string().max(1000).optional(),
        /** The draft's own path when it was opened by path: the dialog starts beside it, and refuses it. */
        original: DraftPathSchema.optional(),
      })
      .strict(),
  }),
  'smtp.list': op<{ profiles: StoredProfile[] }>()({
    summary: 'The saved SMTP profiles, with where each one\'s secret comes from (never the secret).',
    input: z.object({}).strict().default({}),
  }),
  'smtp.save': op<StoredProfile>()({
    summary: 'Create or replace an SMTP profile; a password or token given here goes to the secret store.',
    input: z.object({ profile: z.unknown(), secret: SecretInput.optional() }).strict(),
  }),
  'smtp.delete': op<{ deleted: boolean }>()({
    summary: 'Delete an SMTP profile and its stored secret.',
    input: z.object({ name: ProfileName }).strict(),
  }),
  'smtp.test': op<ConnectionResult>()({
    summary: 'Test connection: EHLO, STARTTLS and AUTH with a saved profile, with the transcript.',
    input: z.object({ name: ProfileName }).strict(),
  }),
  'seeds.list': op<{ seeds: StoredSeed[] }>()({
    summary: 'The saved seed mailboxes.',
    input: z.object({}).strict().default({}),
  }),
  'seeds.save': op<StoredSeed>()({
    summary: 'Create or replace a seed mailbox; a password or token given here goes to the secret store.',
    input: z.object({ seed: z.unknown(), secret: SecretInput.optional() }).strict(),
  }),
  'seeds.delete': op<{ deleted: boolean }>()({
    summary: 'Delete a seed mailbox and its stored secret.',
    input: z.object({ name: SeedName }).strict(),
  }),
  'seeds.test': op<SeedTestResult>()({
    summary: 'Test connection for a seed: login, capabilities, folders and their detected roles.',
    input: z.object({ name: SeedName }).strict(),
  }),
  'secrets.status': op<SecretStoreStatus>()({
    summary: 'Whether secrets can be stored here (the OS keychain through Electron safeStorage), and why not.',
    input: z.object({}).strict().default({}),
  }),
  'dkim.save-key': op<{ saved: true; key: string }>()({
    summary: 'Keep a DKIM private key in the secret store, for signing test sends.',
    input: z
      .object({
        domain: DomainSchema,
        selector: SelectorName,
        privateKey: z.string().max(20_000).regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'Paste a PEM private key (-----BEGIN PRIVATE KEY-----)'),
      })
      .strict(),
  }),
  'send.run': op<SendRecord>()({
    summary: 'Send a test message through a saved SMTP profile and store the result.',
    input: z.object({ ...ComposeFields, to: z.array(Address).min(1, 'Add a recipient').max(100) }).strict(),
  }),
  'send.list': op<{ items: SendSummary[]; total: number }>()({
    summary: 'Past test sends, newest first; through the profiles that send as a domain, or as a client\'s domains.',
    input: SentListSchema,
  }),
  'send.get': op<SendRecord>()({
    summary: 'One stored test send, with its transcript.',
    input: HistoryIdSchema,
  }),
  'placement.run': op<PlacementRun>()({
    summary: 'Inbox placement: send to the seeds and watch where each copy lands; emits placement.progress.',
    input: z
      .object({
        ...ComposeFields,
        /** Seed names; every saved seed when absent. */
        seeds: z
          .array(SeedName)
          .min(1)
          .max(200)
          .refine((names) => new Set(names).size === names.length, 'A seed is listed twice')
          .optional(),
        /** How long to wait for each copy after the send (ms); ten minutes when absent. */
        deadlineMs: z.number().int().min(1_000).max(3_600_000).optional(),
        /** Delete the probe copies from the seeds afterwards. */
        cleanup: z.boolean().default(false),
        /** A saved seed whose mailbox receives the bounces (the envelope sender's): watched for them only, sent nothing unless picked in seeds too. */
        bounceSeed: SeedName.optional(),
        runId: z.string().max(100).optional(),
      })
      .strict(),
  }),
  'placement.cancel': op<{ cancelled: boolean }>()({
    summary: 'Stop a running placement test; seeds not yet found end as errors (cancelled).',
    input: z.object({ token: z.string().max(100) }).strict(),
  }),
  'placement.list': op<{ items: PlacementSummaryRow[]; total: number }>()({
    summary: 'Past placement runs, newest first; through the profiles that send as a domain, or as a client\'s domains.',
    input: SentListSchema,
  }),
  'placement.get': op<PlacementRun>()({
    summary: 'One placement run, whole (as far as it got, for a run that was interrupted).',
    input: HistoryIdSchema,
  }),
  'placement.delete': op<{ deleted: boolean }>()({
    summary: 'Delete one placement run.',
    input: HistoryIdSchema,
  }),
  'placement.trend': op<{ series: PlacementTrendSeries[] }>()({
    summary: 'Placement over time per seed or per provider.',
    input: z.object({ by: z.enum(['seed', 'provider']).default('seed'), limit: z.number().int().min(1).max(1000).default(50) }).strict().default({ by: 'seed', limit: 50 }),
  }),
  'reports.import': op<ImportResult>()({
    summary:
      'Import DMARC aggregate reports (XML, .xml.gz, .zip, or e-mails carrying them) and TLS reports (JSON, .json.gz) from files and folders, or from files\' contents; each is accepted or refused with its reason; emits reports.progress.',
    input: z
      .object({
        /** Files and folders on this machine (folders are searched for report files). Not over HTTP: the browser sends contents. */
        paths: z.array(z.string().min(1).max(4096)).min(1).max(100_000).optional(),
        /** Files' contents, base64 (an upload or a drop in the browser). */
        files: z
          .array(z.object({ name: z.string().trim().min(1).max(1000), data: z.string().max(MAX_MESSAGE_TEXT, 'A report file is larger than 50 MB') }).strict())
          .min(1)
          .max(MAX_UPLOADED_REPORTS)
          .optional(),
        runId: z.string().max(100).optional(),
      })
      .strict()
      .refine((v) => (v.paths === undefined) !== (v.files === undefined), { message: 'Give either paths or files.', path: ['paths'] }),
  }),
  'reports.import-imap': op<ImapImportResult>()({
    summary:
      'Import the reports mailed to an IMAP folder (a saved seed mailbox, or an account as a seed is saved): the messages new since the last import of that folder, each accepted or refused with its reason, optionally moved to another folder; emits reports.progress.',
    input: z
      .object({
        /** A saved seed mailbox, by name (the app). */
        seed: SeedName.optional(),
        /** An account as a seed is saved: host, port, security, auth (the command line's file). */
        account: z.unknown().optional(),
        /** With account: its password or token for this import only, never stored. */
        secret: SecretInput.optional(),
        folder: MailboxFolder,
        /** The first day whose messages are read (YYYY-MM-DD, by the date the server received them). */
        since: z
          .string()
          .trim()
          .max(20)
          .refine((v) => parseDay(v) !== null, 'Give a date (2024-05-01)')
          .optional(),
        /** A folder the messages that carried a report are moved to (created when missing). */
        moveTo: MailboxFolder.optional(),
        runId: z.string().max(100).optional(),
      })
      .strict()
      .refine((v) => (v.seed === undefined) !== (v.account === undefined), { message: 'Choose a seed mailbox, or give an account.', path: ['seed'] })
      .refine((v) => v.secret === undefined || v.account !== undefined, { message: 'A password goes with an account, not with a saved seed mailbox.', path: ['secret'] })
      .refine((v) => v.moveTo === undefined || v.moveTo !== v.folder, { message: 'Move the messages to another folder than the one they are read from.', path: ['moveTo'] }),
  }),
  'reports.list': op<ReportList>()({
    summary: 'The imported reports (DMARC aggregate and TLS), the latest imported first.',
    input: z
      .object({
        domain: DomainSchema.optional(),
        kind: z.enum(['dmarc', 'tls']).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ limit: 100, offset: 0 }),
  }),
  'clients.list': op<{ clients: ClientSummary[] }>()({
    summary: 'The clients, with their domains, sending IPs, watches and open alerts.',
    input: z.object({}).strict().default({}),
  }),
  'clients.get': op<Client>()({
    summary: 'One client, by name.',
    input: z.object({ name: ClientName }).strict(),
  }),
  'clients.save': op<Client>()({
    summary: 'Create a client, or add to the one of that name: domains, sending IPs and tags join its own; notes given replace its notes.',
    input: z
      .object({
        name: ClientName,
        notes: z.string().max(10_000).optional(),
        tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
        domains: z.array(DomainSchema).max(1000).optional(),
        ips: z.array(IpSchema.transform((v, ctx) => normalizeIp(v) ?? (ctx.addIssue({ code: 'custom', message: 'Not an IPv4 or IPv6 address' }), z.NEVER))).max(1000).optional(),
      })
      .strict(),
  }),
  'clients.delete': op<{ deleted: boolean }>()({
    summary: 'Delete a client; its watches stay, belonging to no client.',
    input: z.object({ name: ClientName }).strict(),
  }),
  'watch.list': op<WatchList>()({
    summary: 'The watches, next due first: each with its last check (grade, score, alerts), a score series for a sparkline and its open alerts.',
    input: z.object({ client: ClientName.optional() }).strict().default({}),
  }),
  'watch.add': op<{ watches: Watch[]; added: number[]; updated: number[] }>()({
    summary: 'Watch domains (a full audit) and sending IPs (blocklists, PTR and forward confirmation) on a schedule; a target already watched takes the new schedule and options.',
    input: z
      .object({
        targets: z.array(WatchTargetSchema).min(1, 'Name a domain or an IP address to watch').max(1000),
        /** The client the targets belong to: created when it does not exist yet. */
        client: ClientName.optional(),
        /** Every N minutes, hours or days: 6h, 90m, 1d (at least 15m). */
        every: z.string().max(20).optional(),
        /** Daily at HH:MM, in this machine's time zone. */
        at: z.string().max(20).optional(),
        skip: Skip.optional(),
        selectors: z.array(SelectorName).max(50).optional(),
        resolver: ResolverSchema.optional(),
      })
      .strict()
      .refine((v) => v.every === undefined || v.at === undefined, { message: 'Give either every or at, not both.', path: ['every'] }),
  }),
  'watch.remove': op<{ removed: number }>()({
    summary: 'Stop watching: by id or by domain or IP; its checks and alerts go with it.',
    input: z
      .object({ ids: z.array(z.number().int().positive()).max(1000).optional(), targets: z.array(WatchTargetSchema).max(1000).optional() })
      .strict()
      .refine((v) => (v.ids?.length ?? 0) + (v.targets?.length ?? 0) > 0, { message: 'Name the watches to remove.', path: ['ids'] }),
  }),
  'watch.mute': op<Watch>()({
    summary: 'Mute (or unmute) one alert rule for one watch.',
    input: z.object({ id: z.number().int().positive(), rule: AlertRuleName, muted: z.boolean().default(true) }).strict(),
  }),
  'watch.check': op<WatchPass>()({
    summary: 'Check watches now: the ones named, or every one that is due; emits alert.raised and watch.checked.',
    input: z.object({ ids: z.array(z.number().int().positive()).min(1).max(1000).optional() }).strict().default({}),
  }),
  'alerts.list': op<AlertList>()({
    summary: 'Alerts, newest first: all, or the open ones (not acknowledged, not snoozed); of one watch or one client.',
    input: z
      .object({
        open: z.boolean().optional(),
        watch: z.number().int().positive().optional(),
        client: ClientName.optional(),
        limit: z.number().int().min(1).max(500).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ limit: 100, offset: 0 }),
  }),
  'reports.summary': op<ReportSummary>()({
    summary: 'Messages reported for a domain over a range of days: DMARC pass, SPF and DKIM aligned pass, dispositions, by reporter and by day.',
    input: z.object(ReportRangeFields).strict(),
  }),
  'reports.sources': op<SourcesResult>()({
    summary:
      'Who sends as a domain: sources grouped by sending organisation (reverse DNS, DKIM and SPF domains, known senders) and classified compliant, forwarded, misconfigured (with the fix) or unknown, with messages per class per day.',
    input: z
      .object({
        ...ReportRangeFields,
        /** Only the sources of this class (the per-day volumes cover every class). */
        class: z.enum(SOURCE_CLASSES).optional(),
        /** Overrides the resolver setting for the reverse DNS lookups. */
        resolver: ResolverSchema.optional(),
      })
      .strict(),
  }),
  'reports.records': op<RecordList>()({
    summary: 'The stored DMARC records of a domain, optionally from some source addresses only (the drill-down from a source), newest reports first.',
    input: z
      .object({
        ...ReportRangeFields,
        ips: z.array(IpSchema).max(5000).optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
  }),
  'reports.readiness': op<Readiness>()({
    summary: 'Whether the DMARC policy can be made stronger: the legitimate mail that would pass, the sources it would hurt, the policy now and the next step.',
    input: z.object({ ...ReportRangeFields, resolver: ResolverSchema.optional() }).strict(),
  }),
  'reports.tls': op<TlsSummary>()({
    summary: 'TLS reports (RFC 8460) for a domain: successes and failures per policy type and day, failure types, and the sending MTAs that reported them.',
    input: z.object(ReportRangeFields).strict(),
  }),
  'reports.export': op<ReportsCsv>()({
    summary: 'A domain\'s sources (optionally of one class) or its DMARC records over a range of days, as CSV.',
    input: ReportsExportInput,
  }),
  'reports.save': op<ReportSaved>()({
    summary: 'The desktop app only: a domain\'s sources or DMARC records as CSV, saved where the user picks in a save dialog.',
    input: ReportsExportInput,
  }),
  'alerts.ack': op<Alert>()({
    summary: 'Acknowledge an alert: it leaves the open alerts.',
    input: HistoryIdSchema,
  }),
  'alerts.snooze': op<Alert>()({
    summary: 'Hide an alert from the open alerts until a time (ISO 8601); null brings it back now.',
    input: z.object({ id: z.number().int().positive(), until: z.iso.datetime({ offset: true }).nullable() }).strict(),
  }),
  'alerts.save-webhook-secret': op<{ saved: boolean }>()({
    summary: 'Keep the alert webhook\'s signing secret in the secret store (empty: remove it); it is never returned.',
    input: z.object({ secret: z.string().max(1000) }).strict(),
  }),
  'spam.status': op<SpamStatus>()({
    summary: 'The spam filters (SpamAssassin\'s spamd, rspamd): whether each is configured and answers, its version, and how to install and start it where it does not.',
    input: z.object({ spamd: SpamFilterFields.spamd, rspamd: SpamFilterFields.rspamd }).strict().default({}),
  }),
  'spam.draft': op<DraftCheck>()({
    summary:
      'A draft scored by the spam filters before it is sent: the message exactly as a test send through the profile would submit it (its Date, Message-ID and DKIM signature included), or a message (.eml) as it is.',
    input: z
      .object({
        /** A whole message (RFC 5322) to score as it is, instead of composing one. */
        raw: z.string().max(MAX_MESSAGE_TEXT, 'The message is larger than 50 MB').optional(),
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
        profile: ProfileName.optional(),
        subject: ComposeFields.subject.optional(),
        html: ComposeFields.html.optional(),
        text: ComposeFields.text,
        headers: ComposeFields.headers,
        dkim: ComposeFields.dkim,
        /** The recipients the send would have; the profile's own address when absent. */
        to: z.array(Address).max(100).optional(),
        /** Also analyse the same bytes as a message and score their readiness (a draft: no sending IP yet). */
        readiness: z.boolean().default(false),
        ...SpamFilterFields,
      })
      .strict()
      .refine((v) => (v.raw !== undefined) !== (v.profile !== undefined), { message: 'Give either a message or a sending profile to compose one.', path: ['profile'] })
      .refine((v) => v.raw !== undefined || (v.subject !== undefined && v.html !== undefined), { message: 'Enter a subject and the HTML to score.', path: ['subject'] }),
  }),
  'settings.get': op<Settings>()({
    summary: 'The current settings.',
    input: z.object({}).strict().default({}),
  }),
  'settings.set': op<Settings>()({
    summary: 'Change some settings; returns them all.',
    input: SettingsSchema.partial().strict(),
  }),
  'app.info': op<AppInfo>()({
    summary: 'Name, version and where data lives.',
    input: z.object({}).strict().default({}),
  }),
  'warmup.templates': op<{ templates: WarmupTemplateInfo[] }>()({
    summary: 'The warm-up templates (standard and conservative): what each is for, and the public guides it draws on.',
    input: z.object({}).strict().default({}),
  }),
  'warmup.plan': op<WarmupPlanResult>()({
    summary:
      'A warm-up plan for a new IP or domain, not stored: each day\'s volume from the starting volume to the daily target by the template, split by provider, with whom to send to; as CSV or an iCalendar file when format is given.',
    input: z
      .object({
        ...WarmupPlanFields,
        /** The IP or domain warmed up: named in the calendar and its events' UIDs. */
        ip: IpSchema.optional(),
        domain: DomainSchema.optional(),
        /** The calendar's name. */
        name: WarmupPlanName.optional(),
        format: z.enum(['csv', 'ics']).optional(),
      })
      .strict()
      .refine((v) => v.ip === undefined || v.domain === undefined, { message: 'Give an IP address or a domain, not both.', path: ['ip'] }),
  }),
  'warmup.save': op<WarmupPlanItem>()({
    summary: 'Keep a warm-up plan in history: its name, the IP or domain it warms up, and what it is made from.',
    input: z
      .object({ ...WarmupPlanFields, name: WarmupPlanName, ip: IpSchema.optional(), domain: DomainSchema.optional() })
      .strict()
      .refine((v) => (v.ip === undefined) !== (v.domain === undefined), { message: 'Give the IP address or the domain the plan warms up.', path: ['ip'] }),
  }),
  'warmup.list': op<{ items: WarmupPlanItem[] }>()({
    summary: 'The stored warm-up plans, newest first.',
    input: z.object({}).strict().default({}),
  }),
  'warmup.delete': op<{ deleted: boolean }>()({
    summary: 'Delete a stored warm-up plan.',
    input: HistoryIdSchema,
  }),
  'warmup.progress': op<WarmupProgressResult>()({
    summary:
      'A stored warm-up plan against the sending data imported for its IP or domain: each day ahead (over 110 %), on track or behind (under 90 %), and a warning before a planned day when the last days\' complaints reach 0.1 % or bounces 2 %.',
    input: HistoryIdSchema,
  }),
  'placement.analyse-copy': op<CopyAnalysis>()({
    summary:
      'Fetch one detected copy of a stored placement run from its seed over IMAP and run the full message analysis on it (authentication as the receiving server recorded it and ours, hops, the spam filter verdicts it carries); stored with the run.',
    input: z.object({ id: z.number().int().positive(), seed: SeedName }).strict(),
  }),
  'placement.copy': op<CopyAnalysis>()({
    summary: 'One stored analysis of a placement run\'s copy, by run and seed.',
    input: z.object({ id: z.number().int().positive(), seed: SeedName }).strict(),
  }),
  'message.readiness': op<MessageReadiness>()({
    summary:
      'The readiness summary of a stored message analysis (id) or an analysed placement copy (placement and seed): authentication, spam filter verdicts, blocklists of the sending IP and link domains, content and header lint, the bulk-sender rules, each with its weight and fix, and a score out of 10.',
    input: z
      .object({ id: z.number().int().positive().optional(), placement: z.number().int().positive().optional(), seed: SeedName.optional() })
      .strict()
      .refine((v) => (v.id !== undefined) !== (v.placement !== undefined && v.seed !== undefined) && (v.placement === undefined) === (v.seed === undefined), {
        message: 'Name a stored message by id, or a placement copy by placement and seed.',
        path: ['id'],
      }),
  }),
  // Sending health (issue 18)
  'health.import': op<HealthImportResult>()({
    summary:
      'Import ESP exports (Amazon SES event publishing, SendGrid events, Mailgun events, Postmark webhooks, Mailchimp campaign reports, the generic CSV) into daily counts per sending domain, IP and recipient provider; the format is told from the content unless named; a second import of the same events adds nothing.',
    input: z
      .object({
        /** Files on this machine. Not over HTTP: the browser sends contents. */
        paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000).optional(),
        /** Files' contents, base64 (a drop in the browser). */
        files: z
          .array(z.object({ name: z.string().trim().min(1).max(1000), data: z.string().max(MAX_MESSAGE_TEXT, 'An export file is larger than 50 MB: import it from the command line') }).strict())
          .min(1)
          .max(MAX_UPLOADED_EXPORTS)
          .optional(),
        format: z.enum(HEALTH_FORMATS).optional(),
        /** Overrides the resolver setting for the recipient domains' MX lookups. */
        resolver: ResolverSchema.optional(),
        /** Names the import for health.cancel: a drop sent a file at a time gives every call the same. */
        runId: ImportRunId.optional(),
      })
      .strict()
      .refine((v) => (v.paths === undefined) !== (v.files === undefined), { message: 'Give either paths or files.', path: ['paths'] }),
  }),
  'health.summary': op<HealthSummary>()({
    summary: 'Sending health over a range of days, for one sending domain or all: rates per day, provider, domain and IP against the providers\' thresholds, and the findings (health.*).',
    input: z.object({ domain: DomainSchema.optional(), since: ReportRangeFields.since, until: ReportRangeFields.until }).strict().default({}),
  }),
  'health.domains': op<HealthDomainList>()({
    summary: 'The sending domains with health data, most mail first.',
    input: z.object({}).strict().default({}),
  }),
  'health.ips': op<{ ips: HealthIp[] }>()({
    summary: 'The sending IPs and pools found in the health data over a range, most mail first, each with whether it is watched.',
    input: z.object({ domain: DomainSchema.optional(), since: ReportRangeFields.since, until: ReportRangeFields.until }).strict().default({}),
  }),
  'health.watch-ips': op<{ watches: Watch[]; added: number[]; updated: number[] }>()({
    summary: 'Watch the sending IPs the user ticked (blocklists, PTR and forward confirmation), as watch.add does.',
    input: z.object({ ips: z.array(IpSchema).min(1, 'Tick the IPs to watch').max(1000) }).strict(),
  }),
  // Stopping an import under way
  'reports.cancel': op<ImportCancelled>()({
    summary:
      'Stop the caller\'s reports.import or reports.import-imap under way with this runId: what was imported stays, a mailbox import remembers the messages it finished; an unknown or finished run is no error (cancelled: false).',
    input: ImportCancelInput,
  }),
  'health.cancel': op<ImportCancelled>()({
    summary: 'Stop the caller\'s health.import under way with this runId: the files imported before stay; an unknown or finished run is no error (cancelled: false).',
    input: ImportCancelInput,
  }),
} as const satisfies Record<OperationName, { input: z.ZodType; summary: string }>;

export interface EventPayloads {
  'audit.progress': AuditProgress & { runId?: string };
  'placement.progress': PlacementEvent & { runId?: string };
  'reports.progress': ImportProgress & { runId?: string };
  /** A watched draft was saved (with its new bytes), went missing, or is no longer watched. */
  'qa.changed': DraftChange;
  /** A watch's check raised an alert: for the app's notifications and lists. */
  'alert.raised': Alert;
  /** A watch was checked (with the alerts it raised, or why it could not be). */
  'watch.checked': CheckedEvent;
}

export type { QaSummary };

export type Operations = typeof operations;
export type OpInput<N extends OperationName> = z.input<Operations[N]['input']>;
export type OpParsed<N extends OperationName> = z.output<Operations[N]['input']>;
export type OpResult<N extends OperationName> = NonNullable<Operations[N]['__result']>;
export type EventPayload<E extends EventName> = EventPayloads[E];

type Area<N> = N extends `${infer A}.${string}` ? A : never;

/**
 * The typed client the renderer talks to: `client.audit.run({ domain })`, `client.on('audit.progress', fn)`.
 *
 * Generated from the table, so a transport can only offer what the contract lists.
 */
export type DeliverlabClient = {
  [A in Area<OperationName>]: {
    [N in OperationName as N extends `${A}.${infer V}` ? V : never]: (input?: OpInput<N>) => Promise<OpResult<N>>;
  };
} & {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
