/**
 * What an audit report is made from, and what its HTML file embeds so it can be rendered again:
 * the results, each with its score trend and what changed, and the client it was prepared for.
 *
 * Reports made before the trend existed embed one AuditResult or an array of them; they still read,
 * as audits without history.
 */
import { codePoint, firstControl } from '../../shared/domain-name';
import type { AuditResult } from '../audit/types';
import type { Compared, TrendPoint } from './changes';
import type { HealthSection } from './health-section';
import type { DmarcSection } from './dmarc-section';

/** One audit in a report, with its history when the report was made with one. */
export interface ReportedAudit {
  result: AuditResult;
  /** The domain's stored audits up to and including this one, oldest first; absent: made without history. */
  trend?: TrendPoint[];
  /** What changed, and against what; absent: made without history. */
  compared?: Compared;
  /** The domain's sending health up to the audit; absent: no sending data, or made without history. */
  health?: HealthSection;
  /** What the domain's DMARC and TLS reports say up to the audit; absent: no reports, or made without history. */
  dmarcReports?: DmarcSection;
}

export interface AuditReport {
  audits: ReportedAudit[];
  /** Who the report is for: the cover's Client row. */
  client?: string;
}

/** The embedded form's name and version: a reader can tell it from a bare result, and a later shape from this one. */
export const EMBEDDED_KIND = 'deliverlab.audit-report';
export const EMBEDDED_VERSION = 1;

export interface EmbeddedAuditReport extends AuditReport {
  kind: typeof EMBEDDED_KIND;
  version: typeof EMBEDDED_VERSION;
}

/** A report of results alone (no client, no history), as the renderers took them before. */
export function asReport(input: AuditReport | readonly AuditResult[]): AuditReport {
  return isResultList(input) ? { audits: input.map((result) => ({ result })) } : input;
}

const isResultList = (input: AuditReport | readonly AuditResult[]): input is readonly AuditResult[] => Array.isArray(input);

/**
 * The value the HTML report embeds. Its keys are in a fixed order, every object's sorted, so the same
 * report gives the same bytes however its results came: from history, or handed back through the
 * api, whose schema puts the fields it checks before the ones it passes through.
 */
export function embeddedReport(report: AuditReport): EmbeddedAuditReport {
  return {
    kind: EMBEDDED_KIND,
    version: EMBEDDED_VERSION,
    ...(report.client ? { client: report.client } : {}),
    audits: report.audits.map((a) => ({ result: sortedKeys(a.result), ...(a.trend ? { trend: sortedKeys(a.trend) } : {}), ...(a.compared ? { compared: sortedKeys(a.compared) } : {}), ...(a.health ? { health: sortedKeys(a.health) } : {}), ...(a.dmarcReports ? { dmarcReports: sortedKeys(a.dmarcReports) } : {}) })),
  };
}

/** A deep copy with every object's keys in code-unit order; fromEntries defines each key, so "__proto__" stays data. */
function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])])) as T;
}

const looksLikeResult = (r: unknown): r is AuditResult =>
  typeof r === 'object' && r !== null && typeof (r as AuditResult).domain === 'string' && Array.isArray((r as AuditResult).findings);

/**
 * The report in an embedded value: this version's form, a bare AuditResult or an array of them.
 * Null when it is none of these. The fields a renderer reads are checked again where the report is
 * rendered (the api's schema).
 */
export function reportFromEmbedded(value: unknown): AuditReport | null {
  if (Array.isArray(value)) return value.length > 0 && value.every(looksLikeResult) ? asReport(value) : null;
  if (looksLikeResult(value)) return asReport([value]);
  if (typeof value !== 'object' || value === null) return null;
  const doc = value as Partial<EmbeddedAuditReport>;
  if (doc.kind !== EMBEDDED_KIND || doc.version !== EMBEDDED_VERSION || !Array.isArray(doc.audits) || doc.audits.length === 0) return null;
  if (!doc.audits.every((a) => typeof a === 'object' && a !== null && looksLikeResult((a as ReportedAudit).result))) return null;
  if (doc.client !== undefined && typeof doc.client !== 'string') return null;
  return { audits: doc.audits, ...(doc.client ? { client: doc.client } : {}) };
}

export const MAX_CLIENT_LENGTH = 200;

/** Why a client's name cannot go on a cover, or null: one line of at most 200 characters, no control character (C0, DEL, C1). */
export function clientRefusal(name: string): string | null {
  if (name.trim().length > MAX_CLIENT_LENGTH) return `The client's name is longer than ${MAX_CLIENT_LENGTH} characters`;
  const control = firstControl(name);
  return control === undefined ? null : `The client's name contains a control character (${codePoint(control)})`;
}
