/**
 * A domain's history as the audit report tells it: the score trend over its stored audits, and what
 * changed since the previous audit (or since the audit in another report).
 *
 * Records are compared as the report shows them (the evidence lines of model.ts), so what the
 * "What changed" section names is what the reader finds under the check. Findings are matched by
 * code; a code that repeats (two MX hosts without an address) is matched by code and title, since
 * the title names the host, the selector or the address.
 */
import type { CheckId } from '../audit/codes';
import type { AuditResult, CheckStatus, Finding } from '../audit/types';
import type { AuditSummary } from '../history/types';
import { CHECK_TITLES, checkSections } from './model';

/** One audit on the trend chart. */
export interface TrendPoint {
  startedAt: string;
  grade: string;
  score: number;
}

export interface StatusChange {
  check: CheckId;
  title: string;
  before: CheckStatus;
  after: CheckStatus;
}

export interface FindingChange {
  code: string;
  severity: Finding['severity'];
  check: string;
  title: string;
}

/** A published record set that changed: the lines no longer published, and the lines newly published. */
export interface PublishedChange {
  check: CheckId;
  title: string;
  removed: string[];
  added: string[];
}

export interface AuditChanges {
  /** When the audit compared with was started (ISO). */
  previousAt: string;
  grade: { before: string; after: string };
  score: { before: number; after: number };
  checks: StatusChange[];
  added: FindingChange[];
  resolved: FindingChange[];
  records: PublishedChange[];
}

/** The checks whose evidence is a published record (SPF, DMARC, MX, DKIM selectors, MTA-STS, TLS-RPT, BIMI). */
const RECORD_CHECKS: ReadonlySet<CheckId> = new Set<CheckId>(['mx', 'spf', 'dmarc', 'dkim', 'mtasts', 'tlsrpt', 'bimi']);

/** At most this many audits on a trend: a year of monthly audits, and still a small chart. */
export const TREND_POINTS = 12;

export const trendPoint = (result: Pick<AuditResult, 'startedAt' | 'grade' | 'score'>): TrendPoint => ({ startedAt: result.startedAt, grade: result.grade, score: result.score });

/** A check that ran: one skipped or failed in either audit says nothing about what changed. */
const ran = (status: CheckStatus | undefined) => status !== undefined && status !== 'skipped' && status !== 'error';

const findingChange = (f: Finding): FindingChange => ({ code: f.code, severity: f.severity, check: f.check, title: f.title });

export function compareAudits(previous: AuditResult, current: AuditResult): AuditChanges {
  const checks: StatusChange[] = [];
  for (const id of Object.keys(CHECK_TITLES) as CheckId[]) {
    const before = previous.checks[id]?.status;
    const after = current.checks[id]?.status;
    // A check only one of the two audits has (a newer version added it) is not a change of the domain.
    if (before !== undefined && after !== undefined && before !== after) checks.push({ check: id, title: CHECK_TITLES[id], before, after });
  }

  const records: PublishedChange[] = [];
  const evidenceBefore = new Map(checkSections(previous).map((s) => [s.id, s]));
  for (const section of checkSections(current)) {
    const earlier = evidenceBefore.get(section.id);
    if (!RECORD_CHECKS.has(section.id) || !earlier || !ran(earlier.status) || !ran(section.status)) continue;
    const removed = earlier.evidence.filter((line) => !section.evidence.includes(line));
    const added = section.evidence.filter((line) => !earlier.evidence.includes(line));
    if (removed.length + added.length > 0) records.push({ check: section.id, title: section.title, removed, added });
  }

  // A code found more than once in either audit is told apart by its title, which names its subject.
  const counts = new Map<string, number>();
  for (const list of [previous.findings, current.findings]) {
    const seen = new Map<string, number>();
    for (const f of list) seen.set(f.code, (seen.get(f.code) ?? 0) + 1);
    for (const [code, n] of seen) counts.set(code, Math.max(n, counts.get(code) ?? 0));
  }
  const key = (f: Finding) => ((counts.get(f.code) ?? 0) > 1 ? `${f.code}\u0000${f.title}` : f.code);
  // A finding of a check that did not run in the other audit is neither new nor resolved; one that
  // belongs to no check (the domain not existing) always counts.
  const comparable = (f: Finding, other: AuditResult) => !(f.check in CHECK_TITLES) || ran(other.checks[f.check as CheckId]?.status);
  const beforeKeys = new Set(previous.findings.map(key));
  const afterKeys = new Set(current.findings.map(key));

  return {
    previousAt: previous.startedAt,
    grade: { before: previous.grade, after: current.grade },
    score: { before: previous.score, after: current.score },
    checks,
    added: current.findings.filter((f) => !beforeKeys.has(key(f)) && comparable(f, previous)).map(findingChange),
    resolved: previous.findings.filter((f) => !afterKeys.has(key(f)) && comparable(f, current)).map(findingChange),
    records,
  };
}

/** True when no check result, finding or record changed (the grade and score may still have). */
export const noDetail = (c: AuditChanges): boolean => c.checks.length + c.added.length + c.resolved.length + c.records.length === 0;

/** What the report needs of history: the store, or anything that answers the same. */
export interface AuditHistorySource {
  /** The stored audits of `domain` before `startedAt` (and, at the same time, before `id`), newest first. */
  auditsBefore(domain: string, startedAt: string, id: number | null, limit: number): AuditSummary[];
  getAudit(id: number): AuditResult | null;
}

/** How a report's "What changed" section was made, and what it found. */
export interface Compared {
  /** history: against the previous stored audit; report: against the audit of the domain in another report. */
  against: 'history' | 'report';
  /** null: history holds no earlier audit, or the other report has no audit of this domain. */
  changes: AuditChanges | null;
}

/** The trend up to and including `result`, and what changed since the audit stored before it. */
export function historyOf(source: AuditHistorySource, result: AuditResult): { trend: TrendPoint[]; compared: Compared } {
  const before = source.auditsBefore(result.domain, result.startedAt, typeof result.id === 'number' ? result.id : null, TREND_POINTS - 1);
  const previous = before[0] ? source.getAudit(before[0].id) : null;
  return {
    trend: [...before].reverse().map(trendPoint).concat(trendPoint(result)),
    compared: { against: 'history', changes: previous ? compareAudits(previous, result) : null },
  };
}

/** Against another report (deliverlab report --diff): the newest audit of the same domain there. */
export function compareWithReport(others: readonly AuditResult[], result: AuditResult): Compared {
  const same = others.filter((o) => o.domain.toLowerCase() === result.domain.toLowerCase());
  const newest = same.reduce<AuditResult | null>((a, b) => (a === null || b.startedAt > a.startedAt ? b : a), null);
  return { against: 'report', changes: newest ? compareAudits(newest, result) : null };
}

/** The sentences both the HTML and the Markdown report say about a domain's history. */
export const historyWords = {
  trendTitle: 'Score trend',
  changesTitle: 'What changed since the previous audit',
  firstAudit: (domain: string) => `There is no earlier audit of ${domain} in history: this is the first.`,
  trendName: (domain: string, points: readonly TrendPoint[]) => {
    const first = points[0];
    const last = points[points.length - 1];
    return `Score trend of ${domain} over its last ${points.length} audits: from ${first?.score ?? 0} (${first?.grade ?? ''}) to ${last?.score ?? 0} (${last?.grade ?? ''}).`;
  },
  noEarlier: (compared: Compared, domain: string) =>
    compared.against === 'report' ? `The other report has no audit of ${domain}: there is nothing to compare with.` : `There is no earlier audit of ${domain} in history to compare with.`,
  against: (compared: Compared, date: string) =>
    compared.against === 'report' ? `Compared with the audit of ${date} in the other report.` : `Compared with the previous audit in history, of ${date}.`,
  grade: (c: AuditChanges) => {
    const delta = c.score.after - c.score.before;
    const move = delta > 0 ? `up ${delta}` : delta < 0 ? `down ${-delta}` : 'unchanged';
    return `Grade ${c.grade.after}, was ${c.grade.before}. Score ${c.score.after} of 100, was ${c.score.before} (${move}).`;
  },
  nothing: 'Nothing else changed: the same check results, findings and published records.',
  statusTitle: 'Checks whose result changed',
  addedTitle: 'New findings',
  resolvedTitle: 'Resolved findings',
  recordsTitle: 'Published records that changed',
} as const;
